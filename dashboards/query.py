"""The query surface: one read-only statement against the published file, with a time limit and a row cap.

SQL typed by a person is code. This is for trusted users of the CLI; anything exposed over a network
needs a sandbox and an allow-list as well (STYLE.md, read side lessons).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import math
import re
import threading
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import duckdb
import pandas as pd
from rich import box
from rich.console import Console
from rich.table import Table

from core.db import connect_reader
from dashboards.export import neutralise_formula
from dashboards.queries import run_named

DEFAULT_TIMEOUT_S = 10.0  # seconds a query may run before it is interrupted
DEFAULT_MAX_ROWS = 10_000  # rows returned at most; the result says when more were available
ALLOWED_KEYWORDS = ("SELECT", "WITH", "FROM", "VALUES", "TABLE", "SUMMARIZE", "DESCRIBE", "SHOW")

_COMMENTS = re.compile(r"--[^\n]*|/\*.*?\*/", re.DOTALL)


class QueryError(ValueError):
    """A statement refused before running, or failed while running."""


class QueryTimeout(QueryError):
    """A statement interrupted by the time limit."""


@dataclass(frozen=True)
class QueryResult:
    """Rows of one query: column names, at most max_rows tuples, and whether more were available."""

    columns: list[str]
    rows: list[tuple[Any, ...]]
    truncated: bool


def _keyword(statement_sql: str) -> str:
    """Return the first word of a statement, comments skipped, for error messages."""
    text = _COMMENTS.sub(" ", statement_sql).strip().lstrip("(").strip()
    match = re.match(r"[A-Za-z_]+", text)
    return match.group(0).upper() if match else text[:20]


def check_statement(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    """Return the one read statement in `sql`, or raise QueryError naming what was refused."""
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryError(f"could not parse the query: {exc}") from exc
    if not statements:
        raise QueryError("no SQL statement given")
    if len(statements) > 1:
        words = ", ".join(_keyword(s.query) for s in statements)
        raise QueryError(f"one statement per query, got {len(statements)} ({words})")
    statement = statements[0]
    # DuckDB's parser types SUMMARIZE/DESCRIBE/SHOW/FROM-first/VALUES as SELECT; PRAGMA, CALL,
    # EXPLAIN and every write or configuration statement carry their own type.
    if statement.type != duckdb.StatementType.SELECT:
        word = _keyword(statement.query)
        raise QueryError(
            f"{word} statements are not allowed (statement type {statement.type.name}); "
            f"only read queries: {', '.join(ALLOWED_KEYWORDS)}"
        )
    return statement.query


def run_query(
    db_path: Path | str,
    sql: str,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    max_rows: int = DEFAULT_MAX_ROWS,
) -> QueryResult:
    """Run one read-only statement on the published file; return up to `max_rows` rows."""
    if timeout_s <= 0:
        raise ValueError(f"timeout_s must be positive, got {timeout_s}")
    if max_rows < 0:
        raise ValueError(f"max_rows must be >= 0, got {max_rows}")
    con = connect_reader(db_path)
    fired = threading.Event()

    def _interrupt() -> None:
        fired.set()
        with contextlib.suppress(duckdb.Error):  # the query may finish and close as the timer fires
            con.interrupt()

    try:
        statement = check_statement(con, sql)
        timer = threading.Timer(timeout_s, _interrupt)
        timer.daemon = True
        timer.start()
        try:
            # The timer covers execute and fetch: simple scans stream, so the work happens in fetchmany.
            cursor = con.execute(statement)
            columns = [d[0] for d in cursor.description or []]
            rows = cursor.fetchmany(max_rows + 1)
        except duckdb.Error as exc:
            if fired.is_set():
                raise QueryTimeout(f"query exceeded {timeout_s:g} s and was interrupted") from exc
            raise QueryError(str(exc)) from exc
        finally:
            timer.cancel()
    finally:
        con.close()
    truncated = len(rows) > max_rows
    return QueryResult(columns=columns, rows=rows[:max_rows], truncated=truncated)


def _plain(value: Any) -> Any:
    """Return a JSON-ready value: dates ISO, decimals as floats, NaN/inf as null."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def _text(value: Any) -> str:
    """Return a cell as text for csv and table output (empty for null, dates ISO)."""
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    return str(value)


def format_result(result: QueryResult, fmt: Literal["table", "csv", "json"] = "table") -> str:
    """Return the result as a text table, CSV (header row, formulas neutralised) or a JSON list of objects."""
    if fmt == "json":
        objects = [dict(zip(result.columns, map(_plain, row))) for row in result.rows]
        return json.dumps(objects, ensure_ascii=False, indent=2)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(result.columns)
        for row in result.rows:
            # Text cells that a spreadsheet would run as a formula get a leading quote (OWASP CSV injection).
            writer.writerow([neutralise_formula(v) if isinstance(v, str) else _text(v) for v in row])
        return buffer.getvalue()
    if fmt == "table":
        table = Table(box=box.SIMPLE_HEAD, show_edge=False)
        for i, column in enumerate(result.columns):
            values = [row[i] for row in result.rows if row[i] is not None]
            numeric = bool(values) and all(
                isinstance(v, (int, float, Decimal)) and not isinstance(v, bool) for v in values
            )
            table.add_column(column, overflow="fold", justify="right" if numeric else "left")
        for row in result.rows:
            table.add_row(*(_text(v) for v in row))
        console = Console(file=io.StringIO(), width=max(80, 24 * len(result.columns)), color_system=None)
        console.print(table)
        text = console.file.getvalue()
        noun = "row" if len(result.rows) == 1 else "rows"
        note = f"{len(result.rows)} {noun}" + (" (truncated: more rows available)" if result.truncated else "")
        return text + note + "\n"
    raise ValueError(f"unknown format {fmt!r}; use 'table', 'csv' or 'json'")


def list_tables(db_path: Path | str) -> pd.DataFrame:
    """Return one row per published table: schema, table, exact rows, description."""
    con = connect_reader(db_path)
    try:
        frame = run_named(con, "tables")
        # Names come from the catalog itself, quoted, so nothing typed by a user is interpolated.
        frame["rows"] = [
            con.execute(f'SELECT count(*) FROM "{_quote(s)}"."{_quote(t)}"').fetchone()[0]
            for s, t in zip(frame["schema"], frame["table"])
        ]
    finally:
        con.close()
    return frame[["schema", "table", "rows", "description"]]


def _quote(identifier: str) -> str:
    """Return an identifier with embedded double quotes doubled, for use inside "..."."""
    return str(identifier).replace('"', '""')
