"""Named read-only queries in `dashboards/queries/*.sql`, shared by the report, the CLI and any app."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

QUERY_DIR = Path(__file__).with_name("queries")
_NAME = re.compile(r"[a-z][a-z0-9_]*")


def available_queries() -> list[str]:
    """Return the names of every named query, sorted."""
    return sorted(p.stem for p in QUERY_DIR.glob("*.sql"))


def load_query(name: str) -> str:
    """Return the SQL text of the named query `dashboards/queries/<name>.sql`."""
    path = QUERY_DIR / f"{name}.sql"
    # The name must be a plain identifier so it can never climb out of the query folder.
    if not _NAME.fullmatch(name) or not path.is_file():
        raise KeyError(f"no named query {name!r}; available: {', '.join(available_queries())}")
    return path.read_text(encoding="utf-8")


def run_named(
    con: duckdb.DuckDBPyConnection,
    name: str,
    params: Sequence[Any] | Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Run the named query with prepared parameters (`?` list or `$name` dict); one row per query grain."""
    sql = load_query(name)
    cursor = con.execute(sql, params) if params is not None else con.execute(sql)
    return cursor.df()
