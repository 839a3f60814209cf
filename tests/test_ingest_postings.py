"""Parsers of the postings sources on files cut from the real data, and on broken copies of them."""

import gzip
import json
import shutil
from datetime import date

import pytest

from ingest.bls_ep import BlsProjections
from ingest.hn import HnWhoIsHiring, parse_month_label
from ingest.indeed import IndeedSectors
from ingest.zh_postings import ZhPostings, months_covered


@pytest.mark.parametrize("title, ym, expected", [
    ("谁在招人？（2020年9月-10月）", "2020-09", ("2020-09", "2020-10")),
    ("谁在招人？（2023年1月~2月）", "2023-01", ("2023-01", "2023-02")),
    ("谁在招人？（2019年12月-2020年2月）", "2019-12", ("2019-12", "2020-02")),
    ("谁在招人？（2024年7月）", "2024-07", ("2024-07", "2024-07")),
    ("谁在招人？", "unknown", (None, None)),
])
def test_months_covered_reads_the_title(title, ym, expected):
    assert months_covered(title, ym) == expected


def test_zh_thread_parses_real_file(postings_fixtures):
    parsed = ZhPostings().parse([postings_fixtures / "zh_thread_1392.json"])
    threads, comments = parsed.tables["threads"], parsed.tables["comments"]
    assert threads.to_dict("records")[0] | {"body": ""} == {
        "issue_number": 1392, "title": "谁在招人？（2020年9月-10月）", "year_month": "2020-09",
        "first_month": "2020-09", "last_month": "2020-10", "body": "", "fetched_at": threads.iloc[0]["fetched_at"]}
    assert comments["comment_id"].tolist() == [681328773, 681341124, 683250876, 683523039, 683534559, 683537038]
    assert parsed.rejects == []


def test_zh_broken_files_become_rejects_naming_file_and_record(postings_fixtures, tmp_path):
    good = tmp_path / "1392.json"
    shutil.copy(postings_fixtures / "zh_thread_1392.json", good)
    doc = json.loads(good.read_text())
    doc["comments"][1]["createdAt"] = "yesterday"
    del doc["comments"][2]["id"]
    doc["comments"][3]["body"] += "\x00"
    good.write_text(json.dumps(doc, ensure_ascii=False))
    truncated = tmp_path / "9999.json"
    truncated.write_text((postings_fixtures / "zh_thread_1392.json").read_text()[:500])
    html = tmp_path / "8888.json"
    html.write_text("<html><body>rate limited</body></html>")

    parsed = ZhPostings().parse([good, truncated, html])
    problems = {(r.file, r.record): r.problem for r in parsed.rejects}
    assert problems[("1392.json", "comments[1]")] == "unparseable createdAt 'yesterday'"
    assert problems[("1392.json", "comments[2]")] == "missing ['id']"
    assert problems[("1392.json", "comments[3]")] == "NUL byte in body"
    assert problems[("9999.json", None)].startswith("invalid JSON: ")
    assert "line" in problems[("9999.json", None)]
    assert problems[("8888.json", None)].startswith("invalid JSON")
    assert len(parsed.tables["comments"]) == 3  # the good ones are kept


def test_indeed_reads_real_rows_and_rejects_bad_ones(postings_fixtures, tmp_path):
    src = postings_fixtures / "indeed_sector_US_2024q1.csv"
    parsed = IndeedSectors().parse([src])
    frame = parsed.tables["sector_postings"]
    assert len(frame) == 182 and parsed.rejects == []
    last = frame[(frame["display_name"] == "Software Development")].sort_values("date").iloc[-1]
    assert (str(last["date"])[:10], last["indeed_job_postings_index"]) == ("2024-03-31", 71.55)

    lines = src.read_text().splitlines()
    lines[3] = "2024-13-45,US,88.1,total postings,Industrial Engineering"
    lines[4] = lines[4].replace(lines[4].split(",")[2], "-5")
    broken = tmp_path / "job_postings_by_sector_US.csv.gz"
    broken.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    wrong = tmp_path / "job_postings_by_sector_GB.csv"
    wrong.write_text("date,country,value\n2024-01-01,GB,100\n")
    parsed = IndeedSectors().parse([broken, wrong])
    records = {(r.file, r.record): r.problem for r in parsed.rejects}
    assert any(k[1] == "line 4" and "date" in v.lower() for k, v in records.items())
    assert any("negative index -5" in v for v in records.values())
    assert "missing column(s)" in records[("job_postings_by_sector_GB.csv", None)]
    assert len(parsed.tables["sector_postings"]) == 180


def test_hn_month_labels_and_counts(postings_fixtures, tmp_path):
    assert parse_month_label("May24") == date(2024, 5, 1)
    assert parse_month_label("Dec11") == date(2011, 12, 1)
    assert parse_month_label("Mai24") is None
    parsed = HnWhoIsHiring().parse([postings_fixtures / "hn_monthly_terms_3months.json"])
    frame = parsed.tables["monthly_terms"]
    ai = frame[frame["term"] == "AI"].set_index("month_label")["count"].to_dict()
    assert ai == {"May24": 101, "Apr24": 64, "Mar24": 66}

    doc = json.loads((postings_fixtures / "hn_monthly_terms_3months.json").read_text())
    doc[0]["month"] = "Foo99"
    doc[1]["terms"]["AI"]["count"] = -1
    bad = tmp_path / "hn.json"
    bad.write_text(json.dumps(doc))
    parsed = HnWhoIsHiring().parse([bad])
    assert {(r.record, r.problem) for r in parsed.rejects} == {
        ("[0]", "unparseable month 'Foo99'"), ("[1].terms['AI']", "bad count -1")}


def test_bls_projections_real_rows(postings_fixtures, tmp_path):
    parsed = BlsProjections().parse([postings_fixtures / "ep_2024-34_occupationProj.csv"])
    frame = parsed.tables["projections"].set_index("soc_code")
    assert frame.loc["17-2112", "openings_annual_k"] == 25.2
    assert frame.loc["15-2051", "emp_base_k"] == 245.9
    assert frame.loc["15-2051", "title"] == "Data scientists"
    assert set(frame["target_year"]) == {2034}

    bad = tmp_path / "ep_2024-34_occupationProj.csv"
    bad.write_text((postings_fixtures / "ep_2024-34_occupationProj.csv").read_text().replace(",25.2,", ",-25.2,"))
    parsed = BlsProjections().parse([bad])
    assert [r.problem.startswith("negative count") for r in parsed.rejects] == [True]
