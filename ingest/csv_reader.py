"""Read a CSV with declared columns through DuckDB, keeping good rows and turning bad ones into Rejects."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from ingest.base import Reject, SourceFormatError


def read_declared_csv(path: Path, columns: dict[str, str], source: str) -> tuple[pd.DataFrame, list[Reject]]:
    """Return (rows, rejects) of a headed CSV whose header must hold `columns` (name -> DuckDB type)."""
    con = duckdb.connect()
    try:
        try:
            header = con.execute(
                "SELECT * FROM read_csv(?, header=false, all_varchar=true, auto_detect=false, "
                "columns={'line': 'VARCHAR'}, delim=chr(1), quote='', escape='') LIMIT 1", [str(path)]
            ).fetchone()
        except duckdb.Error as exc:
            raise SourceFormatError(path, f"cannot read file: {exc}") from exc
        if not header or not header[0]:
            raise SourceFormatError(path, "empty file (no header row)")
        names = [h.strip().strip('"') for h in header[0].split(",")]
        missing = [c for c in columns if c not in names]
        if missing:
            raise SourceFormatError(path, f"missing column(s) {missing}; header has {names}")
        all_cols = {n: columns.get(n, "VARCHAR") for n in names}
        try:
            frame = con.execute(
                "SELECT * FROM read_csv(?, header=true, auto_detect=false, columns=?, "
                "store_rejects=true, ignore_errors=true)", [str(path), all_cols]
            ).df()
            errors = con.execute(
                "SELECT line, column_name, error_type, error_message, csv_line FROM reject_errors ORDER BY line"
            ).fetchall()
        except duckdb.Error as exc:
            raise SourceFormatError(path, f"cannot parse CSV: {exc}") from exc
    finally:
        con.close()
    rejects = [
        Reject(source, path.name, f"line {line}", f"{etype} in column {col}: {msg.splitlines()[0][:200]}", csv_line or "")
        for line, col, etype, msg, csv_line in errors
    ]
    return frame[list(columns)], rejects
