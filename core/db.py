"""DuckDB helpers: connect, run one SQL model file, and publish the warehouse atomically."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import duckdb

LAYERS = ("raw", "ref", "staging", "features", "forecasts", "marts", "meta")
# What a reader of the published file sees; raw keeps source text as published and stays private.
PUBLISHED_LAYERS = ("ref", "staging", "features", "forecasts", "marts", "meta")


def connect(path: Path | str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Return a connection to the warehouse at `path`, creating the folder and layer schemas if writable."""
    path = Path(path)
    if read_only:
        if not path.exists():
            raise FileNotFoundError(f"no DuckDB database at {path}")
        return duckdb.connect(str(path), read_only=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    for schema in LAYERS:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    return con


def connect_reader(path: Path | str) -> duckdb.DuckDBPyConnection:
    """Return a locked-down read-only connection (no file access, no SET) for user queries."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no published database at {path}: run `talentcast run` first")
    con = duckdb.connect(str(path), read_only=True, config={"enable_external_access": False})
    con.execute("SET lock_configuration = true")
    return con


def set_variables(con: duckdb.DuckDBPyConnection, variables: Mapping[str, Any]) -> None:
    """Expose run parameters to SQL models as getvariable('name')."""
    for name, value in variables.items():
        if not name.isidentifier():
            raise ValueError(f"variable name {name!r} is not an identifier")
        con.execute(f"SET VARIABLE {name} = ?", [value])


def build_table(con: duckdb.DuckDBPyConnection, schema: str, table: str, select_sql: str) -> int:
    """Create or replace `schema.table` from one SELECT and return its row count."""
    body = select_sql.strip().rstrip(";")
    con.execute(f"CREATE OR REPLACE TABLE {schema}.{table} AS\n{body}")
    return con.execute(f"SELECT count(*) FROM {schema}.{table}").fetchall()[0][0]  # fetchall: no open result left behind


def build_view(con: duckdb.DuckDBPyConnection, schema: str, table: str, select_sql: str) -> int:
    """Create or replace the view `schema.table` from one SELECT and return its row count."""
    body = select_sql.strip().rstrip(";")
    con.execute(f"CREATE OR REPLACE VIEW {schema}.{table} AS\n{body}")
    return con.execute(f"SELECT count(*) FROM {schema}.{table}").fetchall()[0][0]


def replace_rows(
    con: duckdb.DuckDBPyConnection, table: str, frame: Any, key_column: str, key_value: Any
) -> int:
    """Replace the rows of `table` whose `key_column` equals `key_value` with `frame`, in one transaction.

    Creates the table from the frame's schema when it does not exist, and adds the frame's columns it lacks.
    Returns rows inserted.
    """
    con.register("_incoming", frame)
    try:
        con.execute("BEGIN TRANSACTION")
        con.execute(f"CREATE TABLE IF NOT EXISTS {table} AS SELECT * FROM _incoming LIMIT 0")
        # a connector that keeps one more column now (HN's author) still loads into the table older batches made:
        # the column is added, null in their rows
        have = {r[0] for r in con.execute(f"SELECT column_name FROM (DESCRIBE {table})").fetchall()}
        for name, ctype in con.execute("SELECT column_name, column_type FROM (DESCRIBE _incoming)").fetchall():
            if name not in have:
                con.execute(f'ALTER TABLE {table} ADD COLUMN "{name}" {ctype}')
        con.execute(f"DELETE FROM {table} WHERE {key_column} = ?", [key_value])
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _incoming")
        con.execute("COMMIT")
    except Exception:
        # DuckDB silently rolls back a COMMIT after a failed statement (TOOLCHAIN.md): be explicit.
        con.execute("ROLLBACK")
        raise
    finally:
        con.unregister("_incoming")
    return len(frame)


def table_counts(con: duckdb.DuckDBPyConnection, schemas: Iterable[str] = LAYERS) -> dict[str, int]:
    """Return {'schema.table': row count} for every base table in `schemas`."""
    wanted = list(schemas)
    rows = con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() "
        "WHERE database_name = current_database() AND schema_name IN (SELECT unnest(?)) "
        "ORDER BY schema_name, table_name",
        [wanted],
    ).fetchall()
    return {
        f"{s}.{t}": con.execute(f'SELECT count(*) FROM "{s}"."{t}"').fetchone()[0] for s, t in rows
    }


def publish(warehouse: Path, published: Path, schemas: Iterable[str] = PUBLISHED_LAYERS) -> Path:
    """Copy `schemas` of the warehouse into a fresh file and swap it in place of `published` atomically.

    Readers holding the old file keep reading it; new readers see the new one. Returns the path.
    """
    published = Path(published)
    published.parent.mkdir(parents=True, exist_ok=True)
    tmp = published.with_name(f".{published.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp))
    try:
        con.execute(f"ATTACH '{Path(warehouse).as_posix()}' AS wh (READ_ONLY)")
        for schema in schemas:
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
            tables = con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = 'wh' AND schema_name = ?",
                [schema],
            ).fetchall()
            for (table,) in tables:
                con.execute(f'CREATE TABLE {schema}."{table}" AS SELECT * FROM wh.{schema}."{table}"')
        con.execute("DETACH wh")
        con.execute("CHECKPOINT")
    except Exception:
        con.close()
        tmp.unlink(missing_ok=True)
        raise
    con.close()
    os.replace(tmp, published)
    return published

