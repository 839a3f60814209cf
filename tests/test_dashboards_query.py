"""The query surface against a real published file: read-only, time limit, row cap, exact formats."""

from __future__ import annotations

import json
import time
from pathlib import Path

import duckdb
import pytest

from core.db import connect_reader
from dashboards.queries import available_queries, load_query, run_named
from dashboards.query import QueryError, QueryTimeout, format_result, list_tables, run_query



@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("INSERT INTO marts.skill_gap (run_id) VALUES ('x')", "INSERT"),
        ("  -- sneaky\n delete from marts.skill_gap", "DELETE"),
        ("ATTACH '/tmp/other.duckdb' AS other", "ATTACH"),
        ("COPY marts.skill_gap TO '/tmp/out.csv'", "COPY"),
        ("SET enable_external_access = true", "SET"),
        ("PRAGMA version", "PRAGMA"),
        ("CREATE TABLE marts.x AS SELECT 1", "CREATE"),
        ("SELECT 1; DROP TABLE marts.skill_gap", "one statement per query, got 2 (SELECT, DROP)"),
        ("", "no SQL statement"),
    ],
)
def test_refuses_anything_but_one_read_statement(published: Path, sql: str, expected: str) -> None:
    with pytest.raises(QueryError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        run_query(published, sql)


@pytest.mark.parametrize("reader", ["read_csv('/etc/passwd')", "read_text('/etc/passwd')"])
def test_file_access_is_refused_by_the_connection(published: Path, reader: str) -> None:
    with pytest.raises(QueryError, match="disabled by configuration"):
        run_query(published, f"SELECT * FROM {reader}")


def test_configuration_is_locked(published: Path) -> None:
    con = connect_reader(published)
    try:
        with pytest.raises(duckdb.Error, match="locked"):
            con.execute("SET enable_external_access = true")
    finally:
        con.close()


@pytest.mark.parametrize(
    "sql",
    [
        "WITH x AS (SELECT 1 AS a) SELECT a FROM x",
        "FROM marts.skill_gap SELECT program_code",
        "SUMMARIZE marts.skill_gap",
        "DESCRIBE marts.skill_gap",
        "SHOW ALL TABLES",
        "/* a comment first */ SELECT 1",
    ],
)
def test_read_statements_run(published: Path, sql: str) -> None:
    assert run_query(published, sql).rows


def test_timeout_interrupts_a_slow_query(published: Path) -> None:
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match=r"query exceeded 0\.5 s"):
        run_query(published, "SELECT count(*) FROM range(100000000) a, range(100000) b", timeout_s=0.5)
    assert time.monotonic() - started < 1.2


def test_timeout_also_covers_a_streaming_fetch(published: Path) -> None:
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match="query exceeded"):
        run_query(published, "SELECT range FROM range(10000000000) WHERE hash(range) % 1000000007 = 0",
                  timeout_s=0.3)
    assert time.monotonic() - started < 1.0


def test_row_cap_sets_truncated(published: Path) -> None:
    result = run_query(published, "SELECT range AS i FROM range(10000000000)", max_rows=5)
    assert result.columns == ["i"]
    assert result.rows == [(0,), (1,), (2,), (3,), (4,)]
    assert result.truncated is True
    exact = run_query(published, "SELECT range AS i FROM range(5)", max_rows=5)
    assert exact.truncated is False and len(exact.rows) == 5


def test_csv_and_json_are_exact(published: Path) -> None:
    result = run_query(
        published,
        "SELECT program_code, year, gap, note, DATE '2025-01-01' AS d FROM marts.skill_gap "
        "WHERE run_id = 'run-1' ORDER BY program_code",
    )
    assert format_result(result, "csv") == (
        "program_code,year,gap,note,d\n"
        "BSC-ME,2025,20.0,,2025-01-01\n"
        "MSC-RAI,2025,-3.5,\"'=HYPERLINK(\"\"x\"\")\",2025-01-01\n"
    )
    assert json.loads(format_result(result, "json")) == [
        {"program_code": "BSC-ME", "year": 2025, "gap": 20.0, "note": None, "d": "2025-01-01"},
        {"program_code": "MSC-RAI", "year": 2025, "gap": -3.5, "note": '=HYPERLINK("x")', "d": "2025-01-01"},
    ]


def test_table_format_shows_values_and_truncation(published: Path) -> None:
    result = run_query(published, "SELECT source, rows FROM marts.data_freshness ORDER BY source", max_rows=1)
    text = format_result(result, "table")
    assert "source" in text and "bfs" in text and "40" in text and "jobs_ch" not in text
    assert text.rstrip().endswith("1 row (truncated: more rows available)")
    with pytest.raises(ValueError, match="'xml'"):
        format_result(result, "xml")  # type: ignore[arg-type]


def test_list_tables_counts_rows(published: Path) -> None:
    tables = list_tables(published)
    assert list(tables.columns) == ["schema", "table", "rows", "description"]
    counts = {f"{s}.{t}": n for s, t, n in zip(tables["schema"], tables["table"], tables["rows"])}
    assert counts == {
        "features.feat_panel": 40, "features.series": 3, "marts.data_freshness": 2,
        "marts.demand_forecast": 19, "marts.model_quality": 4, "marts.model_quality_by_cutoff": 5,
        "marts.skill_gap": 3, "marts.program_outlook": 1,
        "marts.skill_trends": 2, "marts.reconciliation_quality": 4, "marts.tagger_quality": 4,
        "marts.supply_forecast": 2,
        "meta.runs": 2,
    }
    described = tables.set_index("table")["description"]
    assert described["skill_gap"].startswith("Demand against graduate supply")


def test_named_queries_have_headers_and_run(published: Path) -> None:
    con = connect_reader(published)
    try:
        for name in available_queries():
            header = load_query(name).splitlines()[:3]
            assert [line.split(":")[0] for line in header] == ["-- grain", "-- from", "-- why"], name
            params = {"ids": ["demand/zh/ai_mfg"]} if name == "fan_chart_series" else None
            run_named(con, name, params)
    finally:
        con.close()
    with pytest.raises(KeyError, match="available: .*latest_run"):
        load_query("../core/db")


def test_named_queries_read_the_latest_run(published: Path) -> None:
    con = connect_reader(published)
    try:
        run = run_named(con, "latest_run")
        fan = run_named(con, "fan_chart_series", {"ids": ["demand/zh/ai_mfg"]})
        quality = run_named(con, "model_quality")
    finally:
        con.close()
    assert run[["run_id", "snapshot_id", "status", "n_series"]].values.tolist() == [
        ["run-1", "snap-2025-01-15", "success", 2]
    ]
    assert fan.groupby("kind").size().to_dict() == {"forecast": 12, "history": 24}
    forecast = fan[fan["kind"] == "forecast"]
    assert forecast["y"].tolist() == [124.0 + i for i in range(12)]  # never run-0's 999
    assert quality[["unique_id", "model", "mase", "baseline_model", "baseline_mase"]].values.tolist() == [
        ["demand/de/ai_mfg", "SeasonalNaive", 1.0, "SeasonalNaive", 1.0],
        ["demand/zh/ai_mfg", "ETS", 0.8, "SeasonalNaive", 1.0],
    ]


def test_a_charted_supply_series_reads_its_forecast_from_the_supply_mart(published: Path) -> None:
    con = connect_reader(published)
    try:
        catalog = run_named(con, "series")
        fan = run_named(con, "fan_chart_series", {"ids": ["supply/ch/grads"]})
    finally:
        con.close()
    assert catalog.set_index("unique_id")["has_forecast"].to_dict() == {
        "demand/zh/ai_mfg": True, "demand/de/ai_mfg": True, "supply/ch/grads": True}
    forecast = fan[fan["kind"] == "forecast"]
    assert forecast["y"].tolist() == [340.0, 350.0] and forecast["lo_80"].tolist() == [330.0, 340.0]
    assert (fan["kind"] == "history").sum() == 4
