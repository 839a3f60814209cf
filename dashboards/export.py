"""Export one published table to CSV, Parquet or Excel, atomically, with spreadsheet formulas neutralised."""

from __future__ import annotations

import csv
import datetime as dt
import os
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import duckdb
import pyarrow.parquet as pq
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from core.db import PUBLISHED_LAYERS, connect_reader

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")  # OWASP "CSV Injection" guidance
BATCH_ROWS = 10_000  # rows fetched per batch while writing csv and xlsx
XLSX_SHEET_NAME_MAX = 31  # Excel's limit on sheet names


class UnknownTableError(KeyError):
    """A table name that is not among the published tables."""

    def __str__(self) -> str:
        return str(self.args[0])


def neutralise_formula(value: str) -> str:
    """Return a text cell with a leading ' when a spreadsheet would read it as a formula."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def published_tables(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """Return (schema, table) for every base table in the file, sorted."""
    return con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() "
        "WHERE database_name = current_database() AND NOT internal AND NOT temporary "
        "ORDER BY schema_name, table_name"
    ).fetchall()


def resolve_table(con: duckdb.DuckDBPyConnection, table: str) -> tuple[str, str]:
    """Return the catalog's (schema, table) for `schema.table` or a bare name (marts first)."""
    known = published_tables(con)
    listing = ", ".join(f"{s}.{t}" for s, t in known) or "(none)"
    if "." in table:
        schema, _, name = table.partition(".")
        if (schema, name) in known:
            return schema, name
        raise UnknownTableError(f"no published table {table!r}; available: {listing}")
    order = {s: i for i, s in enumerate(("marts", *PUBLISHED_LAYERS))}
    matches = sorted((order.get(s, len(order)), s, t) for s, t in known if t == table)
    if not matches:
        raise UnknownTableError(f"no published table {table!r}; available: {listing}")
    _, schema, name = matches[0]
    return schema, name


def _select(schema: str, table: str) -> str:
    # Only names returned by duckdb_tables() reach here; quoting guards odd but valid names.
    quoted = [part.replace('"', '""') for part in (schema, table)]
    return f'SELECT * FROM "{quoted[0]}"."{quoted[1]}"'


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise_formula(value)
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    return value


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, str):
        # openpyxl refuses control characters; postings text can carry them.
        return neutralise_formula(ILLEGAL_CHARACTERS_RE.sub("", value))
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)  # Excel has no time zones
    if value is None or isinstance(value, (bool, int, float, Decimal, dt.date, dt.time)):
        return value
    # Lists, structs, UUIDs, intervals: text, and still never a formula.
    return neutralise_formula(str(value))


def _write_csv(cursor: duckdb.DuckDBPyConnection, path: Path) -> int:
    rows = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([d[0] for d in cursor.description])
        while batch := cursor.fetchmany(BATCH_ROWS):
            writer.writerows([_csv_cell(v) for v in row] for row in batch)
            rows += len(batch)
    return rows


def _write_xlsx(cursor: duckdb.DuckDBPyConnection, path: Path, sheet: str) -> int:
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet[:XLSX_SHEET_NAME_MAX])
    worksheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for description in cursor.description:
        cell = WriteOnlyCell(worksheet, value=description[0])
        cell.font = bold
        header.append(cell)
    worksheet.append(header)
    rows = 0
    while batch := cursor.fetchmany(BATCH_ROWS):
        for row in batch:
            worksheet.append([_xlsx_cell(v) for v in row])
        rows += len(batch)
    workbook.save(path)
    return rows


def export_table(
    db_path: Path | str,
    table: str,
    fmt: Literal["csv", "parquet", "xlsx"],
    output: Path | str,
) -> int:
    """Write one published table to `output` (csv, parquet or xlsx) and return the rows written."""
    if fmt not in ("csv", "parquet", "xlsx"):
        raise ValueError(f"unknown export format {fmt!r}; use 'csv', 'parquet' or 'xlsx'")
    output = Path(output)
    con = connect_reader(db_path)
    try:
        schema, name = resolve_table(con, table)
        output.parent.mkdir(parents=True, exist_ok=True)
        # Write beside the target and rename, so a failed export never leaves half a file.
        tmp = output.with_name(f".{output.name}.{os.getpid()}.tmp")
        try:
            if fmt == "parquet":
                arrow = con.sql(_select(schema, name)).to_arrow_table()
                pq.write_table(arrow, tmp)
                rows = arrow.num_rows
            else:
                cursor = con.execute(_select(schema, name))
                rows = _write_csv(cursor, tmp) if fmt == "csv" else _write_xlsx(cursor, tmp, name)
            os.replace(tmp, output)
        finally:
            tmp.unlink(missing_ok=True)
    finally:
        con.close()
    return rows
