"""Exports of published tables: exact round trips, formulas neutralised, unknown names refused."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pytest

from dashboards.export import UnknownTableError, export_table, neutralise_formula

GAP_COLUMNS = [
    "run_id", "program_code", "program_title", "system", "region", "year", "demand_measure",
    "demand_value", "demand_lo_80", "demand_hi_80", "demand_unit", "supply_value", "supply_lo_80",
    "supply_hi_80", "supply_unit", "gap", "ratio", "gap_p10", "gap_p90", "note",
]
FIRST_GAP_ROW = (
    "run-1", "MSC-RAI", "MSc Robotics & AI", "ETH", "zh", 2025, "postings", 130.0, 120.0, 140.0,
    "postings/year", 133.5, 130.0, 137.0, "graduates/year", -3.5, 0.974, -12.0, 8.0, '=HYPERLINK("x")',
)


def test_neutralise_formula() -> None:
    for risky in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise_formula(risky) == "'" + risky
    assert neutralise_formula("plain -1") == "plain -1"


def test_csv_round_trip_neutralises_formulas(published: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "skill_gap.csv"
    assert export_table(published, "skill_gap", "csv", out) == 3
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == GAP_COLUMNS
    assert rows[1] == [
        "run-1", "MSC-RAI", "MSc Robotics & AI", "ETH", "zh", "2025", "postings", "130.0", "120.0",
        "140.0", "postings/year", "133.5", "130.0", "137.0", "graduates/year", "-3.5", "0.974", "-12.0", "8.0",
        "'=HYPERLINK(\"x\")",
    ]
    assert rows[2][-1] == ""  # NULL note
    assert not list(out.parent.glob(".*.tmp"))


def test_csv_dates_are_iso(published: Path, tmp_path: Path) -> None:
    out = tmp_path / "fresh.csv"
    export_table(published, "marts.data_freshness", "csv", out)
    first = next(csv.DictReader(out.open(encoding="utf-8")))
    assert (first["fetched_at"], first["first_period"]) == ("2025-01-15T05:00:00", "2023-01-01")


def test_xlsx_round_trip_neutralises_formulas(published: Path, tmp_path: Path) -> None:
    out = tmp_path / "skill_gap.xlsx"
    assert export_table(published, "marts.skill_gap", "xlsx", out) == 3
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["skill_gap"]
    sheet = book["skill_gap"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == GAP_COLUMNS
    assert rows[1] == FIRST_GAP_ROW[:-1] + ("'=HYPERLINK(\"x\")",)
    gap = sheet.cell(row=2, column=GAP_COLUMNS.index("gap") + 1)
    assert gap.data_type == "n" and gap.value == -3.5
    note = sheet.cell(row=2, column=len(GAP_COLUMNS))
    assert note.data_type == "s"  # text, never a formula
    assert sheet.cell(row=1, column=1).font.b is True
    assert sheet.freeze_panes == "A2"


def test_xlsx_keeps_dates(published: Path, tmp_path: Path) -> None:
    out = tmp_path / "fresh.xlsx"
    export_table(published, "data_freshness", "xlsx", out)
    rows = list(openpyxl.load_workbook(out)["data_freshness"].iter_rows(values_only=True))
    header = list(rows[0])
    jobs = dict(zip(header, rows[1]))
    assert jobs["fetched_at"] == dt.datetime(2025, 1, 15, 5, 0)
    assert jobs["rows"] == 1200


def test_parquet_round_trip_is_exact(published: Path, tmp_path: Path) -> None:
    out = tmp_path / "skill_gap.parquet"
    assert export_table(published, "skill_gap", "parquet", out) == 3
    table = pq.read_table(out)
    assert table.column_names == GAP_COLUMNS
    assert tuple(table.slice(0, 1).to_pylist()[0].values()) == FIRST_GAP_ROW  # values untouched
    forecast = tmp_path / "forecast.parquet"
    assert export_table(published, "demand_forecast", "parquet", forecast) == 19
    assert str(pq.read_table(forecast).schema.field("ds").type) == "date32[day]"


def test_bare_name_looks_in_marts_and_other_layers(published: Path, tmp_path: Path) -> None:
    assert export_table(published, "runs", "csv", tmp_path / "runs.csv") == 2


def test_unknown_table_lists_available(published: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    for name in ("nope", 'marts.skill_gap"; DROP TABLE x; --', "raw.jobs"):
        with pytest.raises(UnknownTableError, match=r"available: features\.feat_panel, .*marts\.skill_gap"):
            export_table(published, name, "csv", out)
    assert not out.exists()
    with pytest.raises(ValueError, match="'json'"):
        export_table(published, "skill_gap", "json", out)  # type: ignore[arg-type]


def test_failed_export_leaves_no_file(published: Path, tmp_path: Path) -> None:
    out = tmp_path / "skill_gap.csv"
    out.write_text("previous export\n")
    with pytest.raises(UnknownTableError):
        export_table(published, "missing", "csv", out)
    assert out.read_text() == "previous export\n"
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []


def test_export_that_cannot_be_renamed_leaves_no_temp_file(published: Path, tmp_path: Path) -> None:
    target = tmp_path / "taken"
    (target / "inside").mkdir(parents=True)  # a non-empty folder where the file should go
    with pytest.raises(OSError):
        export_table(published, "skill_gap", "csv", target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["published.duckdb", "taken"]
