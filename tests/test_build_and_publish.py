"""The model list matches the SQL files; publishing swaps a checked copy atomically and hides raw."""

import duckdb
import pytest

from core.db import connect, connect_reader, publish
from features.build import CHECKS_DIR, FEATURES, MARTS, SQL_DIR, STAGING, run_checks


def test_model_list_and_sql_files_are_in_sync():
    listed = {m.path for m in STAGING + FEATURES + MARTS}
    on_disk = {p for layer in ("staging", "features", "marts") for p in (SQL_DIR / layer).glob("*.sql")}
    assert listed == on_disk
    for path in on_disk | set(CHECKS_DIR.glob("*.sql")):
        lines = path.read_text(encoding="utf-8").splitlines()
        header = [line for line in lines[:next(i for i, x in enumerate(lines) if not x.startswith("--"))]]
        labels = [line.split(":")[0] for line in header if line.split(":")[0] in ("-- grain", "-- from", "-- why")]
        assert labels == ["-- grain", "-- from", "-- why"], path.name


def _warehouse(path):
    con = connect(path)
    con.execute("CREATE TABLE raw.secret AS SELECT 'phone 13812345678' AS text")
    con.execute("CREATE TABLE marts.demand_forecast AS SELECT 1 AS v")
    con.close()


def test_publish_copies_all_layers_but_raw_and_replaces_atomically(tmp_path):
    wh, pub = tmp_path / "wh.duckdb", tmp_path / "published" / "talentcast.duckdb"
    _warehouse(wh)
    publish(wh, pub)
    reader = connect_reader(pub)  # an open reader keeps its file while a new one is swapped in
    con = connect(wh)
    con.execute("CREATE OR REPLACE TABLE marts.demand_forecast AS SELECT 2 AS v")
    con.close()
    publish(wh, pub)
    assert reader.execute("SELECT v FROM marts.demand_forecast").fetchall() == [(1,)]
    reader.close()
    fresh = connect_reader(pub)
    assert fresh.execute("SELECT v FROM marts.demand_forecast").fetchall() == [(2,)]
    tables = {r[0] for r in fresh.execute("SELECT schema_name FROM duckdb_tables()").fetchall()}
    assert "raw" not in tables
    with pytest.raises(duckdb.Error):
        fresh.execute("CREATE TABLE marts.x AS SELECT 1")
    with pytest.raises(duckdb.Error):
        fresh.execute("SELECT * FROM read_text('/etc/passwd')")
    fresh.close()
    assert sorted(p.name for p in pub.parent.iterdir()) == ["talentcast.duckdb"]  # no temp file left


def test_checks_report_offending_rows(tmp_path):
    con = connect(tmp_path / "wh.duckdb")
    con.execute("CREATE TABLE forecasts.forecast AS SELECT * FROM (VALUES "
                "('a', DATE '2025-01-01', 'selected', 5.0, 4.0, 6.0, 3.0, 7.0), "
                "('a', DATE '2025-02-01', 'selected', 5.0, 6.0, 4.0, 3.0, 7.0)) "
                "t(unique_id, ds, model, y_hat, lo_80, hi_80, lo_95, hi_95)")
    con.execute("CREATE TABLE features.feat_panel AS SELECT 'b' AS unique_id, DATE '2024-01-01' AS ds, 1.0 AS y")
    con.execute("CREATE TABLE features.series AS SELECT 'a' AS unique_id, true AS nonnegative")
    con.execute("CREATE TABLE forecasts.quality AS SELECT 'a' AS unique_id, true AS is_selected")
    con.execute("CREATE TABLE forecasts.reconciled (unique_id VARCHAR, parent VARCHAR, ds DATE, method VARCHAR, "
                "y_hat DOUBLE, lo_80 DOUBLE, hi_80 DOUBLE, lo_95 DOUBLE, hi_95 DOUBLE)")  # issue 4, empty
    con.execute("CREATE TABLE features.int_supply__digest_vs_ipeds AS SELECT * FROM (VALUES "
                "('Engineering', 2020, 0.95), ('Mathematics and statistics', 2020, 1.2)) "
                "t(field, year, ipeds_over_digest)")  # issue 5: IPEDS vs NCES Digest
    # a GitHub comment id that is also an HN item id (comment_id keys every int_postings__* model)
    con.execute("CREATE TABLE staging.stg_zh_postings__comments AS SELECT * FROM (VALUES (1), (40224300)) t(comment_id)")
    con.execute("CREATE TABLE staging.stg_hn__postings AS SELECT * FROM (VALUES (40224300), (40224301)) t(comment_id)")
    con.execute("CREATE TABLE staging.stg_file_feed__postings AS SELECT -5 AS comment_id, 'acme_ats' AS feed")
    for mart in ("demand_forecast", "model_quality", "skill_gap"):
        con.execute(f"CREATE TABLE marts.{mart} AS SELECT 1 AS v WHERE false")
    failures = run_checks(con)
    con.close()
    assert failures == {"check_every_series_forecast": 1, "check_forecast_intervals_ordered": 1,
                        "check_marts_not_empty": 3, "check_supply_sources_agree": 1,
                        "check_postings_ids_one_source": 1}


def test_failed_checks_publish_nothing(tmp_path):
    from flows.steps import ChecksFailed, check, publish_warehouse

    wh, pub = tmp_path / "wh.duckdb", tmp_path / "pub.duckdb"
    con = connect(wh)
    con.execute("CREATE TABLE forecasts.forecast AS SELECT 'a' AS unique_id, DATE '2025-01-01' AS ds, "
                "'selected' AS model, 1.0 AS y_hat, 0.5 AS lo_80, 1.5 AS hi_80, 0.0 AS lo_95, 2.0 AS hi_95")
    con.execute("CREATE TABLE features.feat_panel AS SELECT 'a' AS unique_id, DATE '2024-01-01' AS ds, 1.0 AS y")
    con.execute("CREATE TABLE features.series AS SELECT 'a' AS unique_id, true AS nonnegative")
    con.execute("CREATE TABLE forecasts.quality AS SELECT 'a' AS unique_id, true AS is_selected")
    con.execute("CREATE TABLE forecasts.reconciled (unique_id VARCHAR, parent VARCHAR, ds DATE, method VARCHAR, "
                "y_hat DOUBLE, lo_80 DOUBLE, hi_80 DOUBLE, lo_95 DOUBLE, hi_95 DOUBLE)")  # issue 4, empty
    con.execute("CREATE TABLE features.int_supply__digest_vs_ipeds AS SELECT 1.0 AS ipeds_over_digest")  # issue 5
    con.execute("CREATE TABLE staging.stg_zh_postings__comments AS SELECT 1 AS comment_id")
    con.execute("CREATE TABLE staging.stg_hn__postings AS SELECT 2 AS comment_id")
    con.execute("CREATE TABLE staging.stg_file_feed__postings AS SELECT -2 AS comment_id, 'acme_ats' AS feed")
    for mart in ("demand_forecast", "model_quality", "skill_gap"):
        con.execute(f"CREATE TABLE marts.{mart} AS SELECT 1 AS v")
    con.close()
    check(wh)
    publish_warehouse(wh, pub)
    con = connect(wh)
    con.execute("UPDATE forecasts.forecast SET lo_80 = 3.0")  # an interval that misses its own forecast
    con.close()
    with pytest.raises(ChecksFailed, match="check_forecast_intervals_ordered \\(1 offending rows\\)"):
        check(wh)
    reader = connect_reader(pub)
    assert reader.execute("SELECT lo_80 FROM forecasts.forecast").fetchall() == [(0.5,)]
    reader.close()
