"""The postings SQL models on hand-written raw rows, with exact expected tags and monthly counts."""

from datetime import date, datetime

import pandas as pd
import pytest

from features.build import FEATURES, POSTINGS_STAGING, Model, ModelBuildError, build_models, grain_problems

ZH_MODELS = POSTINGS_STAGING + \
            [m for m in FEATURES if m.table in ("int_skill_terms__patterns", "int_postings__positions",
                                                 "int_postings__skill_matches",
                                                 "int_postings__tagged", "int_postings__attributes",
                                                 "int_postings__reposts", "int_postings__counted",
                                                 "int_postings__occupations", "int_postings__occupation_coverage",
                                                 "feat_demand_zh__monthly")]


@pytest.fixture
def con(seeded_warehouse):
    con = seeded_warehouse({
        "skill_terms.csv": (
            "skill,kind,cluster,lang,term,source\n"
            "machine vision,ai,computer_vision,zh,机器视觉,test\n"
            "artificial intelligence,ai,ai_general,en,AI,test\n"
            "pytorch,ai,ml_dl,en,PyTorch,test\n"
            "industrial robotics,mfg,robotics_hw,zh,机器人,test\n"
            "industrial automation,mfg,automation_plc,en,PLC,test\n"
        ),
        "skill_stopphrases.csv": (
            "phrase,reason\n聊天机器人,chatbots are not robots\n"
        ),
    }, copied=("postings_rules.csv",
             "cn_regions.csv",
             "onet_alternate_titles.csv",
             "esco_occupation_titles.csv",
             "csco22_titles.csv",
             "title_abbreviations.csv",))
    threads = pd.DataFrame({
        "issue_number": [1, 2, 3], "title": ["谁在招人？（2024年1月）", "谁在招人？（2024年2月-3月）", "谁在招人？（2024年5月）"],
        "year_month": ["2024-01", "2024-02", "2024-05"], "first_month": ["2024-01", "2024-02", "2024-05"],
        "last_month": ["2024-01", "2024-03", "2024-05"], "body": ["", "", ""],
        "fetched_at": [datetime(2026, 1, 1)] * 3, "_batch_id": ["b1"] * 3, "_fetched_at": [datetime(2026, 1, 1)] * 3})
    long_tail = "。负责产线相关工作，欢迎投递简历，联系 hr@example.com 或 13812345678。" * 2
    comments = pd.DataFrame({
        "comment_id": [10, 11, 12, 13, 14, 15],
        "issue_number": [1, 1, 2, 2, 2, 3],
        "author": ["alice", "ruanyf", "bob", "carol", "dan", "erin"],
        "body": ["招聘机器视觉算法工程师，熟悉 PyTorch，为工业机器人产线做缺陷检测" + long_tail,
                 "上一期《谁在招人？》的招聘汇总，这些工作岗位都依然有效" + long_tail,
                 "招聘 PLC 工程师，负责自动化产线调试" + long_tail,
                 "招聘 AI 聊天机器人产品经理，maintain our chatbot" + long_tail,
                 "请问有没有远程岗位？",
                 "daily standups; SAIC; Paint lines need a PLC programmer with AI experience" + long_tail],
        "created_at": [datetime(2024, 1, 2)] * 6, "updated_at": [None] * 6, "is_minimized": [False] * 6,
        "_batch_id": ["b1"] * 6, "_fetched_at": [datetime(2026, 1, 1)] * 6})
    con.execute("CREATE TABLE raw.zh_postings__threads AS SELECT * FROM threads")
    con.execute("CREATE TABLE raw.zh_postings__comments AS SELECT * FROM comments")
    return con


def test_tags_evidence_and_redaction(con):
    build_models(con, ZH_MODELS)
    tagged = con.sql("SELECT comment_id, is_posting, not_posting_reason, ai, mfg, ai_mfg, ai_skills, mfg_skills "
                     "FROM features.int_postings__tagged ORDER BY comment_id").fetchall()
    assert tagged == [
        (10, True, None, True, True, True, ["machine vision", "pytorch"], ["industrial robotics"]),
        (11, False, "moderator recap", False, False, False, [], []),
        (12, True, None, False, True, False, [], ["industrial automation"]),
        (13, True, None, True, False, False, ["artificial intelligence"], []),  # 聊天机器人 is not a robot
        (14, False, "too short to be a posting", False, False, False, [], []),
        (15, True, None, True, True, True, ["artificial intelligence"], ["industrial automation"]),  # not 'daily'/'SAIC'
    ]
    evidence = con.execute("SELECT evidence FROM features.int_postings__skill_matches "
                           "WHERE comment_id = 10 AND term = '机器视觉'").fetchone()[0]
    assert evidence.startswith("招聘机器视觉算法工程师")
    text = con.execute("SELECT text, author_key FROM staging.stg_zh_postings__comments WHERE comment_id = 10").fetchone()
    assert "hr@example.com" not in text[0] and "[email]" in text[0] and "[phone]" in text[0]
    assert text[1].startswith("u_") and "alice" not in text[1]


def test_monthly_series_split_multi_month_threads_and_leave_gaps(con):
    build_models(con, ZH_MODELS)
    rows = con.sql("SELECT unique_id, ds, y FROM features.feat_demand_zh__monthly "
                   "WHERE unique_id IN ('demand/CN/zh_postings/all', 'demand/CN/zh_postings/ai_mfg') "
                   "ORDER BY unique_id, ds").fetchall()
    assert rows == [
        ("demand/CN/zh_postings/ai_mfg", date(2024, 1, 1), 1.0),
        ("demand/CN/zh_postings/ai_mfg", date(2024, 2, 1), 0.0),
        ("demand/CN/zh_postings/ai_mfg", date(2024, 3, 1), 0.0),
        ("demand/CN/zh_postings/ai_mfg", date(2024, 5, 1), 1.0),   # April: no thread, a gap, not zero
        ("demand/CN/zh_postings/all", date(2024, 1, 1), 1.0),
        ("demand/CN/zh_postings/all", date(2024, 2, 1), 1.0),      # 2 postings over Feb-Mar
        ("demand/CN/zh_postings/all", date(2024, 3, 1), 1.0),
        ("demand/CN/zh_postings/all", date(2024, 5, 1), 1.0),
    ]


def test_ai_postings_split_into_skill_cluster_series_that_add_up(con):
    # each AI posting counts once, under its most specific AI cluster: the vision + PyTorch post under
    # computer_vision, the two posts naming only "AI" under ai_general
    build_models(con, ZH_MODELS)
    clusters = con.sql("SELECT DISTINCT comment_id, ai_clusters, primary_ai_cluster FROM features.int_postings__tagged "
                       "JOIN features.int_postings__counted AS c USING (comment_id) WHERE c.ai ORDER BY ALL").fetchall()
    assert clusters == [(10, ["computer_vision", "ml_dl"], "computer_vision"), (13, ["ai_general"], "ai_general"),
                        (15, ["ai_general"], "ai_general")]
    rows = con.sql("SELECT unique_id, ds, y FROM features.feat_demand_zh__monthly "
                   "WHERE unique_id LIKE 'demand/CN/zh_postings/ai/%' ORDER BY unique_id, ds").fetchall()
    assert rows == [
        ("demand/CN/zh_postings/ai/ai_general", date(2024, 1, 1), 0.0),
        ("demand/CN/zh_postings/ai/ai_general", date(2024, 2, 1), 0.5),
        ("demand/CN/zh_postings/ai/ai_general", date(2024, 3, 1), 0.5),
        ("demand/CN/zh_postings/ai/ai_general", date(2024, 5, 1), 1.0),
        ("demand/CN/zh_postings/ai/computer_vision", date(2024, 1, 1), 1.0),
        ("demand/CN/zh_postings/ai/computer_vision", date(2024, 2, 1), 0.0),
        ("demand/CN/zh_postings/ai/computer_vision", date(2024, 3, 1), 0.0),
        ("demand/CN/zh_postings/ai/computer_vision", date(2024, 5, 1), 0.0),
    ]
    off = con.sql("""
        SELECT a.ds FROM features.feat_demand_zh__monthly AS a
        JOIN features.feat_demand_zh__monthly AS c ON c.ds = a.ds AND c.unique_id LIKE 'demand/CN/zh_postings/ai/%'
        WHERE a.unique_id = 'demand/CN/zh_postings/ai' GROUP BY a.ds HAVING any_value(a.y) <> sum(c.y)""").fetchall()
    assert off == []
    con.execute("CREATE TABLE features.feat_employment_oews__annual AS "
                "SELECT * FROM features.feat_demand_zh__monthly WHERE false")  # no OEWS rows in this test
    con.execute("CREATE TABLE ref.occupations_of_interest (soc_code VARCHAR, family VARCHAR)")
    build_models(con, [m for m in FEATURES if m.table == "int_hierarchy__links"])
    links = con.sql("SELECT parent, child, child_level FROM features.int_hierarchy__links "
                    "WHERE child_level = 'skill_cluster' ORDER BY child").fetchall()
    assert links == [("demand/CN/zh_postings/ai", "demand/CN/zh_postings/ai/ai_general", "skill_cluster"),
                     ("demand/CN/zh_postings/ai", "demand/CN/zh_postings/ai/computer_vision", "skill_cluster")]


def test_reposted_batches_keep_one_row_per_key_and_grain_checks_catch_duplicates(con):
    # the same comment loaded again by a later batch: staging keeps the latest only
    con.execute("INSERT INTO raw.zh_postings__comments SELECT * REPLACE ('b2' AS _batch_id, "
                "_fetched_at + INTERVAL 1 DAY AS _fetched_at, body || ' (edited)' AS body) "
                "FROM raw.zh_postings__comments WHERE comment_id = 10")
    build_models(con, ZH_MODELS[:2])
    assert con.execute("SELECT count(*), max(batch_id) FROM staging.stg_zh_postings__comments "
                       "WHERE comment_id = 10").fetchone() == (1, "b2")
    con.execute("CREATE TABLE features.dupes AS SELECT * FROM (VALUES (1), (1), (NULL)) t(k)")
    problems = grain_problems(con, Model("features", "dupes", ("k",)))
    assert problems == ["features.dupes: 1 rows with a null in grain (k)",
                        "features.dupes: grain (k) not unique, e.g. [(1, 2)]"]


def test_a_failing_model_names_its_file(con):
    con.execute("DROP TABLE raw.zh_postings__threads")
    with pytest.raises(ModelBuildError, match="needs \\['raw.zh_postings__threads'\\]"):
        build_models(con, ZH_MODELS)


def test_both_needs_one_position_and_optional_skills_do_not_tag(con):
    # issue 3: AI in one position and manufacturing in another is not "both"; "...者优先" is not required;
    # full-width ＰＬＣ matches PLC; a bare English title is a posting
    tail = "。欢迎投递简历。" * 8
    con.execute("INSERT INTO raw.zh_postings__comments SELECT c.* REPLACE (v.id AS comment_id, v.body AS body) "
                "FROM raw.zh_postings__comments AS c, (VALUES (20, ?), (21, ?), (22, ?), (23, ?)) v(id, body) "
                "WHERE comment_id = 10",
                ["### PLC 工程师\n负责产线调试" + tail + "\n### 前端工程师\n熟悉 PyTorch 者优先" + tail,
                 "### PLC 工程师\n负责产线调试" + tail + "\n### 机器视觉算法工程师\n缺陷检测" + tail,
                 "招聘ＰＬＣ工程师，要求熟悉机器视觉" + tail,
                 "PyTorch Engineer"])
    build_models(con, ZH_MODELS)
    rows = con.sql("SELECT comment_id, is_posting, n_positions, ai, mfg, ai_mfg FROM features.int_postings__tagged "
                   "WHERE comment_id >= 20 ORDER BY comment_id").fetchall()
    assert rows == [(20, True, 2, False, True, False),   # PyTorch only preferred, in the other position
                    (21, True, 2, True, True, False),    # AI and mfg in two different positions
                    (22, True, 1, True, True, True),     # full-width ＰＬＣ
                    (23, True, 1, True, False, False)]   # a bare title is a posting
    optional = con.execute("SELECT position_no, is_required FROM features.int_postings__skill_matches "
                           "WHERE comment_id = 20 AND term = 'PyTorch'").fetchall()
    assert optional == [(2, False)]


REPOST = ("### 机器视觉算法工程师（深圳南山）\n公司：星河智造。薪资 25k-40k，3年以上经验。负责工业相机缺陷检测算法研发，"
          "熟悉 PyTorch 与 OpenCV，为汽车零部件产线落地质检方案，欢迎投递简历。")


def _add_comments(con, rows):
    """Insert (comment_id, issue_number, author, body, created_at) rows, copying the other fields of comment 10."""
    for cid, issue, author, body, created in rows:
        con.execute("INSERT INTO raw.zh_postings__comments SELECT * REPLACE (? AS comment_id, ? AS issue_number, "
                    "? AS author, ? AS body, ?::TIMESTAMP AS created_at) FROM raw.zh_postings__comments "
                    "WHERE comment_id = 10", [cid, issue, author, body, created])


def test_reposts_are_linked_and_counted_once_per_month_by_the_rule(con):
    # 30: first post (Jan); 31: the same text again in Jan by the same poster, spacing and punctuation changed
    # (exact); 32: reposted in the Feb-Mar thread with small edits (near); 33: another poster's different text
    _add_comments(con, [
        (30, 1, "frank", REPOST, "2024-01-05"),
        (31, 1, "frank", REPOST.replace("，", ", ").replace("。", ". "), "2024-01-20"),
        (32, 2, "frank", REPOST.replace("3年以上", "5年以上").replace("欢迎投递简历", "长期有效，欢迎投递"), "2024-02-03"),
        (33, 2, "gina", "### 嵌入式软件工程师（杭州）\n负责 PLC 与伺服驱动调试，熟悉 C 语言与实时操作系统，"
                        "两年以上经验，支持工厂自动化产线升级，待遇从优。", "2024-02-04"),
    ])
    build_models(con, ZH_MODELS)
    links = con.sql("SELECT comment_id, repost_group, link FROM features.int_postings__reposts "
                    "WHERE comment_id >= 30 ORDER BY comment_id").fetchall()
    assert links == [(30, 30, "first"), (31, 30, "exact"), (32, 30, "near"), (33, 33, "first")]
    assert con.execute("SELECT similarity FROM features.int_postings__reposts WHERE comment_id = 32").fetchone()[0] >= 0.5

    def all_series() -> list[tuple]:
        build_models(con, [m for m in ZH_MODELS if m.table in ("int_postings__counted", "feat_demand_zh__monthly")])
        return con.sql("SELECT ds, y FROM features.feat_demand_zh__monthly "
                       "WHERE unique_id = 'demand/CN/zh_postings/all' ORDER BY ds").fetchall()

    # once_per_month: Jan counts 10 and the 30/31 group once; Feb-Mar: 12, 13 and 33 plus the repost 32,
    # half a posting each month (a two-month thread)
    assert all_series() == [(date(2024, 1, 1), 2.0), (date(2024, 2, 1), 2.0), (date(2024, 3, 1), 2.0),
                            (date(2024, 5, 1), 1.0)]
    con.execute("SET VARIABLE repost_rule = 'first_seen'")    # new openings only: 31 and 32 drop out
    assert all_series() == [(date(2024, 1, 1), 2.0), (date(2024, 2, 1), 1.5), (date(2024, 3, 1), 1.5),
                            (date(2024, 5, 1), 1.0)]
    con.execute("SET VARIABLE repost_rule = 'every_post'")    # no de-duplication
    assert all_series() == [(date(2024, 1, 1), 3.0), (date(2024, 2, 1), 2.0), (date(2024, 3, 1), 2.0),
                            (date(2024, 5, 1), 1.0)]
    con.execute("SET VARIABLE repost_rule = 'weekly'")
    with pytest.raises(ModelBuildError, match="got weekly"):
        all_series()


def test_region_employer_salary_and_seniority_where_the_text_states_them(con):
    _add_comments(con, [
        (40, 1, "hana", REPOST, "2024-01-05"),
        (41, 1, "ivan", "# 华为技术有限公司 招聘高级 PLC 工程师 @ 东莞松山湖\n年薪 30-60 万，5年以上经验，"
                        "负责产线自动化改造与设备联调。", "2024-01-06"),
        (42, 1, "jo", "Remote Senior ML Engineer, Company: Acme Robotics. 20k-15k per month, work on robot "
                      "perception for factories, apply now.", "2024-01-07"),
    ])
    build_models(con, ZH_MODELS)
    rows = con.sql("SELECT comment_id, region_code, is_remote, employer, salary_min_cny_month, salary_max_cny_month, "
                   "seniority, min_years_experience FROM features.int_postings__attributes "
                   "WHERE comment_id >= 40 ORDER BY comment_id").fetchall()
    assert rows == [
        (40, "CN-GD", False, "星河智造", 25000.0, 40000.0, None, 3),        # 深圳 -> Guangdong
        (41, "CN-GD", False, "华为技术有限公司", 25000.0, 50000.0, "senior", 5),  # 30-60万 a year, 东莞
        (42, None, True, "Acme Robotics", None, None, "senior", None),     # reversed salary range dropped
    ]


def test_titles_are_coded_to_csco_soc_and_isco_or_left_unmatched(con):
    tail = "。欢迎投递简历，长期有效，期待你的加入。" * 4
    _add_comments(con, [
        (50, 1, "kai", "### 机器视觉工程师\n负责缺陷检测" + tail + "\n### 奶茶品鉴工程师\n负责试喝" + tail, "2024-01-05"),
        (51, 1, "lea", "Senior Software Engineer", "2024-01-06"),
        (52, 1, "max", "# 招聘 PLC 工程师（苏州）\n负责产线调试" + tail, "2024-01-07"),
    ])
    build_models(con, ZH_MODELS)
    rows = con.sql("SELECT comment_id, position_no, title_lang, csco_code, csco_match, soc_code, soc_match, isco_code "
                   "FROM features.int_postings__occupations WHERE comment_id >= 50 "
                   "ORDER BY comment_id, position_no").fetchall()
    assert rows == [
        (50, 1, "zh", "2-02-38-01", "机器视觉工程师", None, None, None),
        (50, 2, "zh", None, None, None, None, None),                     # not forced into a code
        (51, 0, "en", None, None, "15-1252", "software engineer", "2512"),
        (52, 1, "zh", "2-02-07-07", "plc工程师", None, None, None),      # "招聘" is no occupation
    ]
    coverage = con.sql("SELECT system, positions, matched, unmatched FROM features.int_postings__occupation_coverage "
                       "ORDER BY system").fetchall()
    assert [r[0] for r in coverage] == ["CSCO 2022 (names and aliases)", "ISCO-08 (ESCO labels)",
                                        "SOC 2018 (O*NET alternate titles)"]
    assert all(r[1] == r[2] + r[3] for r in coverage)


def test_english_headers_and_image_first_posts_are_coded_through_the_chain(con):
    # a Hacker News "Who is hiring?" header (the live connector's shape) and a post opening with an image: the
    # position's title is the first line (int_postings__positions), the occupation model codes its job field
    tail = " We build robot perception for factories with PyTorch and ROS. Apply through our careers page." * 3
    _add_comments(con, [
        (60, 1, "nia", "Acme Robotics | Senior ML Engineer | San Francisco, CA | ONSITE | Full-time\n" + tail,
         "2024-01-05"),
        (61, 1, "oli", "![image](https://user-images.githubusercontent.com/1/2.png)\n\nRakuten\n" + tail, "2024-01-06"),
    ])
    build_models(con, ZH_MODELS)
    rows = con.sql("SELECT comment_id, title, coded_title, title_lang, soc_code, soc_match "
                   "FROM features.int_postings__occupations WHERE comment_id >= 60 ORDER BY comment_id").fetchall()
    assert rows == [
        (60, "Acme Robotics | Senior ML Engineer | San Francisco, CA | ONSITE | Full-time", "Senior ML Engineer", "en",
         "15-1221", "machine learning engineer"),
        (61, "![image](https://user-images.githubusercontent.com/1/2.png)", "Rakuten", "en", None, None),  # not forced
    ]
