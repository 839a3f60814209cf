"""USAJOBS, the generic file feed and HN posting payloads: real cuts parse to exact rows, bad payloads to rejects."""

import gzip
import json
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from ingest.file_feed import FeedConfig, FileFeed
from ingest.hn import HnWhoIsHiring
from ingest.registry import all_sources
from ingest.usajobs import UsaJobs

REPO = Path(__file__).resolve().parents[1]
SNAPSHOT = REPO / "data" / "snapshots" / "usajobs" / "usajobs_postings_2024_2025.json.gz"
TEN_MB = "x" * (10 * 1024 * 1024)


def _problems(parsed) -> list[tuple]:
    return [(r.file, r.record, r.problem) for r in parsed.rejects]


def test_usajobs_bundled_snapshot_parses_every_posting():
    parsed = UsaJobs().parse([SNAPSHOT])
    frame = parsed.tables["postings"]
    assert len(frame) == 14425 and parsed.rejects == []
    assert frame["control_number"].is_unique
    assert (frame["open_date"].min(), frame["open_date"].max()) == (date(2024, 2, 1), date(2025, 12, 31))


def test_usajobs_real_cut_gives_exact_rows(tmp_path):
    records = json.loads(gzip.decompress(SNAPSHOT.read_bytes()))
    cut = [r for r in records if r["control_number"] in (773892200, 773192900)]
    (tmp_path / "usajobs_postings_cut.json").write_text(json.dumps(cut), encoding="utf-8")
    frame = UsaJobs().parse([tmp_path / "usajobs_postings_cut.json"]).tables["postings"]
    rows = frame.sort_values("control_number")[["control_number", "position_title", "occupation_series",
                                                 "occupation_series_all", "open_date", "close_date"]]
    assert [tuple(r) for r in rows.itertuples(index=False)] == [
        (773192900, "Interdisciplinary General Engineer/Physical Scientist", "1301",
         "1301 - General Physical Science|0801 - General Engineering", date(2024, 2, 1), date(2024, 2, 14)),
        (773892200, "Electrical Engineer", "0850", "0850 - Electrical Engineering", date(2024, 2, 1),
         date(2024, 2, 12)),
    ]


def test_usajobs_bad_payloads_become_rejects_with_reasons(tmp_path):
    good = {"control_number": 1, "position_title": "Robotics Engineer", "open_date": "2024-03-01"}
    files = {
        "usajobs_postings_html.json": b"<!DOCTYPE html><html><body>503 Service Unavailable</body></html>",
        "usajobs_postings_truncated.json": json.dumps([good, good])[:-20].encode(),
        "usajobs_postings_latin1.json": json.dumps([{**good, "position_title": "Ingénieur"}],
                                                  ensure_ascii=False).encode("latin-1"),
        "usajobs_postings_nul.json": json.dumps([good]).encode().replace(b"Robotics", b"Robo\x00tics"),
        "usajobs_postings_object.json": b'{"SearchResult": {}}',
        "usajobs_postings_records.json": json.dumps([
            good, {**good, "control_number": 2, "position_title": TEN_MB}, {**good, "control_number": "abc"},
            {**good, "control_number": 4, "open_date": "soon"}, {"position_title": "x"}]).encode(),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    parsed = UsaJobs().parse(sorted(tmp_path.iterdir()))
    assert parsed.tables["postings"]["control_number"].tolist() == [1]
    problems = _problems(parsed)
    assert [p[:2] for p in problems] == [
        ("usajobs_postings_html.json", None), ("usajobs_postings_latin1.json", None),
        ("usajobs_postings_nul.json", None), ("usajobs_postings_object.json", None),
        ("usajobs_postings_records.json", "[1]"), ("usajobs_postings_records.json", "[2]"),
        ("usajobs_postings_records.json", "[3]"), ("usajobs_postings_records.json", "[4]"),
        ("usajobs_postings_truncated.json", None)]
    reasons = [p[2] for p in problems]
    assert reasons[0].startswith("an HTML/XML page instead of data")
    assert reasons[1].startswith("not UTF-8 text") and "NUL byte" in reasons[2]
    assert reasons[3] == "expected a JSON list of postings, found dict"
    assert reasons[4] == "field 'position_title' has 10485760 characters, over the 100000 limit"
    assert reasons[5] == "control_number 'abc' is not a number"
    assert reasons[6] == "unparseable open_date 'soon'"
    assert reasons[7] == "missing ['control_number', 'open_date']"
    assert reasons[8].startswith("invalid or truncated JSON")


def test_usajobs_live_needs_key_and_never_shows_it(tmp_path):
    source = UsaJobs(api_key="s3cret-key", user_agent_email="me@example.org")
    assert "s3cret" not in repr(source) and "s3cret" not in str(vars(source).get("series"))
    with pytest.raises(ValueError, match="needs an API key"):
        UsaJobs().fetch_live(tmp_path, timeout_s=1)


def _feed(tmp_path: Path, fmt: str, columns: dict, encoding: str = "utf-8") -> Path:
    folder = tmp_path / "feed"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "feed.json").write_text(json.dumps({"name": "acme_ats", "format": fmt, "encoding": encoding,
                                                  "columns": columns}), encoding="utf-8")
    return folder


ATS_COLUMNS = {"posting_id": "Req ID", "title": "Job Title", "text": "Description", "posted_date": "Opened",
               "employer": "Company", "region": "Location", "lang": None}


def test_file_feed_csv_jsonl_and_parquet_map_columns_to_the_same_rows(tmp_path):
    frame = pd.DataFrame({"Req ID": ["R1", "R2", "R3"], "Job Title": ["机器视觉工程师", "PLC Engineer", ""],
                          "Description": ["负责缺陷检测", "Commission lines", "x"],
                          "Opened": ["2025-03-02", "2025-03-05T10:00:00", "2025-03-06"],
                          "Company": ["Acme", "Acme", "Acme"], "Location": ["苏州", "Ohio", "Ohio"]})
    expected = [("acme_ats", "R1", "机器视觉工程师", "负责缺陷检测", date(2025, 3, 2), "Acme", "苏州", None),
                ("acme_ats", "R2", "PLC Engineer", "Commission lines", date(2025, 3, 5), "Acme", "Ohio", None)]
    for fmt, write in [("csv", lambda p: frame.to_csv(p.with_suffix(".csv"), index=False)),
                       ("jsonl", lambda p: frame.to_json(p.with_suffix(".jsonl"), orient="records", lines=True,
                                                         force_ascii=False)),
                       ("parquet", lambda p: frame.to_parquet(p.with_suffix(".parquet")))]:
        folder = _feed(tmp_path / fmt, fmt, ATS_COLUMNS)
        write(folder / "drop")
        feed = FileFeed(folder)
        parsed = feed.parse(feed.snapshot_files(folder))
        assert [tuple(r) for r in parsed.tables["postings"].itertuples(index=False)] == expected, fmt
        assert _problems(parsed) == [(f"drop.{fmt}", "row 3", "missing ['title']")], fmt


def test_file_feed_bad_files_and_configs_name_the_problem(tmp_path):
    folder = _feed(tmp_path, "jsonl", ATS_COLUMNS)
    good = {"Req ID": "R1", "Job Title": "Robotics Engineer", "Description": "d", "Opened": "2025-01-02",
            "Company": "A", "Location": "B"}
    (folder / "a.jsonl").write_text(json.dumps(good) + "\n{\"Req ID\": \"R2\", \"Job", encoding="utf-8")
    (folder / "b.jsonl").write_text(json.dumps({**good, "Description": TEN_MB}) + "\n", encoding="utf-8")
    (folder / "c.jsonl").write_text("<html><body>login required</body></html>", encoding="utf-8")
    (folder / "d.jsonl").write_bytes(json.dumps({**good, "Job Title": "Ingénieur"}, ensure_ascii=False)
                                     .encode("cp1252"))
    (folder / "e.jsonl").write_text(json.dumps({"Req": "R9"}) + "\n", encoding="utf-8")
    feed = FileFeed(folder)
    parsed = feed.parse(feed.snapshot_files(folder))
    assert parsed.tables["postings"]["posting_id"].tolist() == ["R1"]
    problems = _problems(parsed)
    assert problems[0] == ("a.jsonl", "row 2", "line 2: invalid JSON (Unterminated string starting at)")
    assert problems[1] == ("b.jsonl", "row 1", "['text'] over 100000 characters")
    assert problems[2][:2] == ("c.jsonl", None) and problems[2][2].startswith("an HTML/XML page")
    assert problems[3][:2] == ("d.jsonl", None) and problems[3][2].startswith("not UTF-8 text")
    assert problems[4][:2] == ("e.jsonl", None) and problems[4][2].startswith("declared column(s)")
    bad = {"format": "xlsx"}, {"format": "csv", "name": "Bad Name"}, \
          {"format": "csv", "name": "f", "columns": {"title": "T", "salary": "S"}}, \
          {"format": "csv", "name": "f", "columns": {"title": "T"}}
    messages = []
    for doc in bad:
        (tmp_path / "feed.json").write_text(json.dumps(doc), encoding="utf-8")
        with pytest.raises(ValueError) as exc:
            FeedConfig.read(tmp_path / "feed.json")
        messages.append(str(exc.value).split(": ", 1)[1])
    assert messages == ["format 'xlsx' is not one of ['csv', 'jsonl', 'parquet']",
                        "name 'Bad Name' must be a lower-case identifier (it names the feed's batches, source and "
                        "series)",
                        "unknown field(s) ['salary']; fields are ['posting_id', 'title', 'text', 'posted_date', "
                        "'employer', 'region', 'lang']",
                        "required field(s) ['posting_id', 'posted_date'] have no column"]


def test_file_feed_declared_encoding_is_honoured_and_registered(tmp_path):
    folder = _feed(tmp_path, "csv", {"posting_id": "id", "title": "title", "posted_date": "date"}, encoding="gbk")
    (folder / "x.csv").write_bytes("id,title,date\n1,机器人工程师,2025-02-01\n".encode("gbk"))
    sources = all_sources(feed_dirs=[folder])
    parsed = sources["acme_ats"].parse(sources["acme_ats"].snapshot_files(folder))
    assert [tuple(r) for r in parsed.tables["postings"].itertuples(index=False)] == [
        ("acme_ats", "1", "机器人工程师", None, date(2025, 2, 1), None, None, None)]
    (folder / "feed.json").write_text(json.dumps({"name": "hn", "format": "csv", "columns": {
        "posting_id": "id", "title": "title", "posted_date": "date"}}), encoding="utf-8")
    with pytest.raises(ValueError, match="two connectors are named 'hn'"):
        all_sources(feed_dirs=[folder])


def test_hn_live_payload_lands_postings_and_rejects_bad_lines(tmp_path):
    line = {"thread_id": 40224213, "thread_title": "Ask HN: Who is hiring? (May 2024)", "comment_id": 40224700,
            "created_at": "2024-05-01T15:02:11.000Z", "text": "Acme Robotics | Computer Vision Engineer | Remote",
            "fetched_at": "2024-05-20T00:00:00+00:00"}
    payload = "\n".join([json.dumps(line), json.dumps({**line, "comment_id": 2, "text": "a\x00b"}),
                         json.dumps({**line, "comment_id": 3, "text": TEN_MB}),
                         json.dumps({**line, "comment_id": None}), json.dumps(line)[:40]])
    (tmp_path / "hn_whoishiring_postings.jsonl").write_text(payload, encoding="utf-8")
    (tmp_path / "hn_whoishiring_postings_2.jsonl").write_text("<!doctype html><title>Too Many Requests</title>",
                                                              encoding="utf-8")
    parsed = HnWhoIsHiring().parse(sorted(tmp_path.iterdir()))
    rows = parsed.tables["postings"]
    assert [tuple(r) for r in rows[["thread_id", "comment_id", "created_at", "text"]].itertuples(index=False)] == [
        (40224213, 40224700, datetime(2024, 5, 1, 15, 2, 11), "Acme Robotics | Computer Vision Engineer | Remote")]
    problems = _problems(parsed)
    assert problems[:4] == [
        ("hn_whoishiring_postings.jsonl", "line 2", "NUL byte in field 'text'"),
        ("hn_whoishiring_postings.jsonl", "line 3", "field 'text' has 10485760 characters, over the 100000 limit"),
        ("hn_whoishiring_postings.jsonl", "line 4", "missing ['comment_id']"),
        ("hn_whoishiring_postings.jsonl", "line 5",
         "truncated last line: Expecting value at column 41")]
    assert problems[4][:2] == ("hn_whoishiring_postings_2.jsonl", None)
    assert parsed.tables["monthly_terms"].empty
