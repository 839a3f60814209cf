"""The columnar zh_postings parser (ingest/zh_postings.py) gives the rows and rejects of the parser as committed in
07c1860 (benchmarks/baseline_zh_postings_parser.py): on the bundled snapshot, and on documents broken every way the
old parser checks for (and some it lets through)."""

import json
import random
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from benchmarks.baseline_zh_postings_parser import baseline_parse, baseline_parse_thread_text, baseline_parse_ts
from ingest.zh_postings import ZhPostings, _parse_ts_column, parse_thread_table, parse_thread_text

REPO = Path(__file__).resolve().parents[1]

TIMESTAMPS = [
    "2020-09-01T08:00:00Z", "2016-02-29T23:59:59Z", "2015-02-29T08:00:00Z", "2016-02-30T08:00:00Z",
    "2016-04-31T00:00:00Z", "2016-12-31T23:59:60Z", "2016-01-05T24:00:00Z", "2016-13-05T08:00:00Z",
    "2016-00-05T08:00:00Z", "2016-01-00T08:00:00Z", "2016-1-5T8:0:0Z", " 2016-01-05T08:00:00Z",
    "2016-01-05T08:00:00Z ", "2016-01-05T08:00:00Zjunk", "2016-01-05T08:00:00+08:00", "2016-01-05T08:00:00-05:30",
    "2016-01-05T08:00:00.123456Z", "2016-01-05T08:00:00.5Z", "2016-01-05", "2016-01-05 08:00:00",
    "2016-01-05T08:00", "20160105T080000Z", "2016-01-05t08:00:00z", "0000-01-01T00:00:00Z", "0001-01-01T00:00:00Z",
    "0999-06-15T12:00:00Z", "9999-12-31T23:59:59Z", "3000-01-01T00:00:00Z", "yesterday", "", "Z", "２０１６-01-05",
    "2016-01-05T08:00:00ZZ", 20160105, 1.5, True, None, ["2016-01-05T08:00:00Z"], {"t": "2016-01-05T08:00:00Z"},
]


def _comment(i: int, **fields) -> dict:
    c = {"id": 9_000_000 + i, "author": f"poster-{i}", "body": f"招聘 工程师 {i}\n岗位职责", "createdAt":
         "2020-09-01T08:00:00Z", "updatedAt": "2020-09-02T09:30:00Z", "isMinimized": False}
    for key, value in fields.items():
        if value is ...:
            del c[key]
        else:
            c[key] = value
    return c


def _broken_thread() -> dict:
    comments = [_comment(0), "a string", 17, None, ["a", "list"], True]
    for key in ("id", "author", "body", "createdAt"):
        comments += [_comment(len(comments), **{key: ...}), _comment(len(comments) + 1, **{key: None}),
                     _comment(len(comments) + 2, **{key: ""})]
    comments.append(_comment(len(comments), id=..., body=None, createdAt=""))
    for ts in TIMESTAMPS:
        comments += [_comment(len(comments), createdAt=ts), _comment(len(comments) + 1, updatedAt=ts)]
    comments += [
        _comment(len(comments), body="a NUL \x00 in the body"),
        _comment(len(comments) + 1, body="\x00", createdAt="yesterday"),  # the timestamp is named first
        _comment(len(comments) + 2, body="NUL and a bad id \x00", id="not a number"),  # rejected before int()
        _comment(len(comments) + 3, updatedAt=...), _comment(len(comments) + 4, isMinimized=...),
        _comment(len(comments) + 5, isMinimized=None), _comment(len(comments) + 6, isMinimized=1),
        _comment(len(comments) + 7, isMinimized="no"), _comment(len(comments) + 8, isMinimized=True),
        _comment(len(comments) + 9, isMinimized=[]),
        _comment(len(comments) + 10, id="12345"), _comment(len(comments) + 11, id=" 42 "),
        _comment(len(comments) + 12, id=7.9), _comment(len(comments) + 13, id=True),
        _comment(len(comments) + 14, author=12345), _comment(len(comments) + 15, body=3.25),
        _comment(len(comments) + 16, body=["a", "list"]), _comment(len(comments) + 17, author={"login": "x"}),
        _comment(len(comments) + 18, body="emoji 😀 and a surrogate pair in JSON"),
        _comment(len(comments) + 19, body="ASCII only"), _comment(len(comments) + 20, extra={"nested": [1, 2]}),
        _comment(len(comments) + 21, body=0), _comment(len(comments) + 22, author=False),
    ]
    return {"issueNumber": 1392, "title": "谁在招人？（2020年9月-10月）", "yearMonth": "2020-09", "body": "",
            "fetchedAt": "2026-01-01T00:00:00Z", "comments": comments}


def _same_parse(text: str, name: str = "broken.json") -> None:
    old = baseline_parse_thread_text(text, Path(name))
    new = parse_thread_text(text, Path(name))
    assert new[0] == old[0]
    assert len(new[1]) == len(old[1])
    for a, b in zip(new[1], old[1], strict=True):
        assert a == b and [type(v) for v in a.values()] == [type(v) for v in b.values()]
    assert new[2] == old[2]


def test_snapshot_gives_the_same_frames_and_rejects():
    source = ZhPostings()
    files = source.snapshot_files(REPO / "data" / "snapshots")
    assert len(files) > 50
    new, old = source.parse(files), baseline_parse(files)
    for table in ("threads", "comments"):
        pd.testing.assert_frame_equal(new.tables[table], old.tables[table])
    assert len(new.tables["comments"]) > 1500
    assert new.rejects == old.rejects


def test_broken_comments_give_the_same_rows_and_rejects():
    doc = _broken_thread()
    for text in (json.dumps(doc, ensure_ascii=False), json.dumps(doc, ensure_ascii=True, indent=1)):
        _same_parse(text)
    _, rows, rejects = parse_thread_text(json.dumps(doc), Path("broken.json"))
    assert len(rows) > 40 and len(rejects) > 40
    problems = {r.record: r.problem for r in rejects}
    assert problems["comments[1]"] == "comment is a str, not an object"
    assert "unparseable createdAt '2016-02-30T08:00:00Z'" in problems.values()
    assert "NUL byte in body" in problems.values()


def test_broken_files_give_the_same_frames_and_rejects(tmp_path):
    doc = _broken_thread()
    (tmp_path / "1392.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    clean = dict(doc, issueNumber=1393, comments=[_comment(i) for i in range(5)])
    (tmp_path / "1393.json").write_text(json.dumps(clean), encoding="utf-8")
    rejected = dict(doc, issueNumber=1394, comments=[_comment(0, createdAt="never"), "x"])
    (tmp_path / "1394.json").write_text(json.dumps(rejected), encoding="utf-8")
    (tmp_path / "1395.json").write_text(json.dumps(dict(doc, issueNumber=1395, comments=[])), encoding="utf-8")
    (tmp_path / "9999.json").write_text(json.dumps(doc)[:500], encoding="utf-8")
    (tmp_path / "8888.json").write_text("<html>rate limited</html>", encoding="utf-8")
    (tmp_path / "7777.json").write_bytes(b'{"issueNumber": 1, "title": "\xff"}')
    (tmp_path / "6666.json").write_text('[{"issueNumber": 1}]', encoding="utf-8")
    (tmp_path / "5555.json").write_text('{"issueNumber": 1, "title": "x", "comments": {}}', encoding="utf-8")
    files = sorted(tmp_path.glob("*.json"))
    new, old = ZhPostings().parse(files), baseline_parse(files)
    for table in ("threads", "comments"):
        pd.testing.assert_frame_equal(new.tables[table], old.tables[table])
    assert new.rejects == old.rejects
    assert sum(r.record is None for r in new.rejects) == 5


def test_a_bad_id_on_a_kept_comment_fails_as_before():
    text = json.dumps({"issueNumber": 1, "title": "t", "comments": [_comment(0), _comment(1, id="abc")]})
    with pytest.raises(ValueError) as old:
        baseline_parse_thread_text(text, Path("x.json"))
    with pytest.raises(ValueError) as new:
        parse_thread_text(text, Path("x.json"))
    assert str(new.value) == str(old.value)


def test_timestamps_match_the_python_parser_value_for_value():
    rng = random.Random(3)
    values = list(TIMESTAMPS)
    day = datetime(1999, 12, 25)
    while day < datetime(2001, 3, 5):  # every day of a leap century year, and days 29-31 of every month
        values.append(day.strftime("%Y-%m-%dT%H:%M:%SZ").replace("T00:00:00", f"T{rng.randrange(24):02d}:"
                                                                  f"{rng.randrange(60):02d}:{rng.randrange(60):02d}"))
        day += timedelta(days=1)
    for year in (1900, 2015, 2016, 2023, 2024, 2100):
        for month in range(1, 13):
            for d in (28, 29, 30, 31, 32):
                values.append(f"{year}-{month:02d}-{d:02d}T12:34:56Z")
    values += [v.replace("Z", "+00:00") for v in values if isinstance(v, str)][:50]
    rng.shuffle(values)
    expected = [baseline_parse_ts(v) for v in values]
    assert _parse_ts_column(values).to_pylist() == expected
    assert _parse_ts_column([]).to_pylist() == [] and _parse_ts_column([None, 5]).to_pylist() == [None, None]
    assert sum(e is None for e in expected) > 100 and sum(e is not None for e in expected) > 500


def test_comment_table_has_the_raw_schema():
    _, table, _ = parse_thread_table(json.dumps(_broken_thread()), Path("x.json"))
    assert [str(t) for t in table.schema.types] == ["int64", "int64", "string", "string", "timestamp[us]",
                                                    "timestamp[us]", "bool"]


def test_a_batch_without_comments_or_updated_at_keeps_the_column_types(tmp_path):
    """The one deliberate difference: the old frames left such columns untyped (object, all None), which DuckDB
    created as "NULL" columns that no later batch could be inserted into (BIGINT -> "NULL" is no cast)."""
    (tmp_path / "1.json").write_text(json.dumps({"issueNumber": 1, "title": "t", "comments": ["x"]}))
    (tmp_path / "2.json").write_text(json.dumps({"issueNumber": 2, "title": "t", "comments": [
        _comment(0, updatedAt=...), _comment(1, updatedAt=None)]}))
    empty = ZhPostings().parse([tmp_path / "1.json"]).tables["comments"]
    no_updates = ZhPostings().parse([tmp_path / "2.json"]).tables["comments"]
    for frame in (empty, no_updates):
        assert [str(t) for t in frame.dtypes] == ["int64", "int64", "str", "str", "datetime64[us]",
                                                  "datetime64[us]", "bool"]
    assert len(empty) == 0 and no_updates["updated_at"].isna().all()
