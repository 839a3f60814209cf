"""Landing batches and loading them into raw.* on a real DuckDB file: idempotent, nothing lost."""

import json
import shutil
from pathlib import Path

import duckdb

from core.db import connect
from ingest.landing import land, load
from ingest.zh_postings import ZhPostings


def _snapshot(tmp_path: Path, postings_fixtures: Path) -> Path:
    snap = tmp_path / "snapshots"
    (snap / "zh_postings").mkdir(parents=True)
    shutil.copy(postings_fixtures / "zh_thread_1392.json", snap / "zh_postings" / "1392.json")
    return snap


def _counts(db: Path) -> dict:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM raw.{t}").fetchone()[0]
                for t in ("zh_postings__threads", "zh_postings__comments", "rejects")}
    finally:
        con.close()


def test_landing_twice_reuses_the_batch_and_loading_twice_changes_nothing(tmp_path, postings_fixtures):
    snap, raw, db = _snapshot(tmp_path, postings_fixtures), tmp_path / "raw", tmp_path / "wh.duckdb"
    source = ZhPostings()
    first = land(source, "offline", snap, raw)
    second = land(source, "offline", snap, raw)
    assert first.batch_id == second.batch_id and first.folder == second.folder
    manifest = json.loads((first.folder / "manifest.json").read_text())
    assert manifest["files"][0]["name"] == "1392.json" and len(manifest["files"][0]["sha256"]) == 64
    assert [p.name for p in (raw / "zh_postings").iterdir()] == [first.batch_id]  # no temp folders left

    con = connect(db)
    result = load(con, source, first)
    again = load(con, source, second)
    con.close()
    assert result.rows == {"threads": 1, "comments": 6} and not result.skipped
    assert again.skipped
    assert _counts(db) == {"zh_postings__threads": 1, "zh_postings__comments": 6, "rejects": 0}


def test_a_changed_snapshot_is_a_new_batch_and_rejects_are_kept(tmp_path, postings_fixtures):
    snap, raw, db = _snapshot(tmp_path, postings_fixtures), tmp_path / "raw", tmp_path / "wh.duckdb"
    source = ZhPostings()
    con = connect(db)
    load(con, source, land(source, "offline", snap, raw))
    (snap / "zh_postings" / "9999.json").write_text('{"issueNumber": 9999, "title": "谁在招人')
    batch = land(source, "offline", snap, raw)
    result = load(con, source, batch)
    rejects = con.execute("SELECT file, record, problem, batch_id FROM raw.rejects").fetchall()
    batches = con.execute("SELECT count(*) FROM meta.batches").fetchone()[0]
    con.close()
    assert result.rejects == 1
    assert rejects[0][:2] == ("9999.json", None) and rejects[0][2].startswith("invalid JSON")
    assert rejects[0][3] == batch.batch_id
    assert batches == 2
    # raw keeps both batches (immutable history); staging picks the latest per key
    assert _counts(db)["zh_postings__comments"] == 12
