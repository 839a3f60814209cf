"""The whole job as a Prefect flow on the bundled real data, run twice, then read through the CLI."""

import json
import os
import shutil
import subprocess
import sys

import duckdb
import pytest

from core.settings import REPO_ROOT, Settings
from ingest.registry import all_sources

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def home(tmp_path_factory, prefect_harness):
    """A talentcast home after two runs of the pipeline flow; a broken thread file is in the snapshot."""
    from flows.pipeline import pipeline

    home = tmp_path_factory.mktemp("home")
    snapshots = home / "snapshots"
    shutil.copytree(REPO_ROOT / "data" / "snapshots", snapshots)
    (snapshots / "zh_postings" / "99999.json").write_text('{"issueNumber": 99999, "title": "谁在招人', "utf-8")
    settings = Settings(home=home, snapshot_dir=snapshots, workers=1)
    first = pipeline(settings)
    raw_after_first = _raw_counts(settings)
    second = pipeline(settings)
    return {"settings": settings, "first": first, "second": second, "raw_after_first": raw_after_first}


def _raw_counts(settings):
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        tables = con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'raw'").fetchall()
        return {t: con.execute(f"SELECT count(*) FROM raw.{t}").fetchone()[0] for (t,) in tables}
    finally:
        con.close()


def test_run_publishes_non_empty_marts_and_a_report(home):
    published = home["first"]["published"]
    for mart in ("marts.demand_forecast", "marts.model_quality", "marts.skill_gap", "marts.supply_forecast"):
        assert published[mart] > 0, mart
    assert home["first"]["series_forecast"] >= 50
    report = (home["settings"].report_path).read_text(encoding="utf-8")
    assert "demand/CN/zh_postings/ai_mfg" in report or "AI x manufacturing" in report
    # every fitted ETS says its form, monthly ones the AICc that chose it; the annual ensemble its members
    con = duckdb.connect(str(home["settings"].published_path), read_only=True)
    forms = con.execute("SELECT model, model_form FROM marts.model_quality WHERE model IN ('ets', 'ensemble') "
                        "AND n_windows > 0").fetchall()
    con.close()
    ets = [f for m, f in forms if m == "ets"]
    assert ets and all(f and f.startswith(("ETS(A,", "naive: ")) for f in ets)
    assert any(f.startswith(("ETS(A,N,N): AICc", "ETS(A,Ad,N): AICc")) for f in ets)
    assert {f for m, f in forms if m == "ensemble"} >= {"mean of drift + constant_share"}


def test_second_run_is_idempotent_on_raw_and_publishes_a_new_run(home):
    assert _raw_counts(home["settings"]) == home["raw_after_first"]
    assert all(o["skipped"] for o in home["second"]["ingest"])
    con = duckdb.connect(str(home["settings"].published_path), read_only=True)
    runs = con.execute("SELECT run_id, status FROM meta.runs ORDER BY started_at").fetchall()
    mart_run = con.execute("SELECT DISTINCT run_id FROM marts.demand_forecast").fetchall()
    con.close()
    assert [r[1] for r in runs][-1] == "published" and len(runs) == 2
    assert mart_run == [(home["second"]["run_id"],)]


def test_broken_snapshot_file_is_rejected_and_the_run_goes_on(home):
    zh = next(o for o in home["first"]["ingest"] if o["source"] == "zh_postings")
    assert zh["ok"] and zh["rejects"] == 1
    con = duckdb.connect(str(home["settings"].warehouse_path), read_only=True)
    reject = con.execute("SELECT file, record, problem FROM raw.rejects WHERE source = 'zh_postings'").fetchone()
    con.close()
    assert reject[0] == "99999.json" and reject[1] is None and reject[2].startswith("invalid JSON")


def test_published_rows_carry_provenance_and_ordered_intervals(home):
    con = duckdb.connect(str(home["settings"].published_path), read_only=True)
    bad = con.execute("SELECT count(*) FROM marts.demand_forecast WHERE NOT (lo_95 <= lo_80 AND lo_80 <= y_hat "
                      "AND y_hat <= hi_80 AND hi_80 <= hi_95) OR run_id IS NULL OR snapshot_id IS NULL").fetchone()
    ai_mfg = con.execute("SELECT count(*), min(ds), max(ds) FROM marts.demand_forecast "
                         "WHERE unique_id = 'demand/CN/zh_postings/ai_mfg'").fetchone()
    raw = con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'raw'").fetchone()
    con.close()
    assert bad == (0,)
    assert ai_mfg[0] == 12  # 12 months ahead
    assert raw == (0,)  # post texts as published by the source stay private


def test_offline_run_builds_the_postings_chain_without_hn_postings(home):
    """Offline mode lands no HN posting comments (the bundled HN file is term counts): zero HN rows, no series.
    No file feed is configured: zero feed rows and no feed series either."""
    con = duckdb.connect(str(home["settings"].published_path), read_only=True)
    hn = con.execute("SELECT count(*) FROM staging.stg_hn__postings").fetchone()
    feeds = con.execute("SELECT count(*) FROM staging.stg_file_feed__postings").fetchone()
    series = con.execute("SELECT count(*) FROM features.series WHERE unique_id LIKE 'demand/GLOBAL/hn_postings/%' "
                         "OR source NOT IN ?", [list(all_sources())]).fetchone()  # the built-in connectors
    trends = con.execute("SELECT DISTINCT source FROM marts.skill_trends").fetchall()
    con.close()
    assert hn == (0,) and feeds == (0,) and series == (0,) and trends == [("zh_postings",)]


def _cli(home, *args):
    env = {**os.environ, "TALENTCAST_HOME": str(home["settings"].home)}
    return subprocess.run([sys.executable, "-m", "flows.cli", *args], capture_output=True, text=True, env=env,
                          cwd=REPO_ROOT, timeout=120)


def test_cli_tables_query_and_export(home, tmp_path):
    tables = _cli(home, "tables")
    assert tables.returncode == 0 and "marts.demand_forecast" in tables.stdout
    out = _cli(home, "query", "SELECT count(*) AS n FROM marts.skill_gap", "--format", "json")
    assert out.returncode == 0 and json.loads(out.stdout)[0]["n"] > 0
    refused = _cli(home, "query", "DROP TABLE marts.skill_gap")
    assert refused.returncode == 1 and "error" in refused.stderr.lower()
    target = tmp_path / "gap.xlsx"
    export = _cli(home, "export", "skill_gap", "--format", "xlsx", "--output", str(target))
    assert export.returncode == 0 and target.stat().st_size > 0


def test_cli_help_lists_the_commands():
    out = subprocess.run([sys.executable, "-m", "flows.cli", "--help"], capture_output=True, text=True,
                         cwd=REPO_ROOT, timeout=60)
    for command in ("run", "tables", "query", "export", "serve", "report"):
        assert command in out.stdout


def test_a_source_that_fails_keeps_its_last_batch_and_the_run_publishes(home):
    from flows.pipeline import pipeline

    settings = home["settings"]
    hn = settings.snapshot_dir / "hn"
    moved = settings.snapshot_dir.parent / "hn-away"
    hn.rename(moved)
    try:
        summary = pipeline(settings)
    finally:
        moved.rename(hn)
    failed = {o["source"]: o for o in summary["ingest"] if not o["ok"]}
    assert list(failed) == ["hn"] and "no bundled snapshot files" in failed["hn"]["error"]
    assert summary["published"]["marts.demand_forecast"] == home["second"]["published"]["marts.demand_forecast"]
