"""Apply the SQL macros of features/sql/macros.sql to texts outside a model build (snapshot bundling)."""

from __future__ import annotations

from pathlib import Path

import duckdb

MACROS = Path(__file__).parent / "sql" / "macros.sql"


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Create the shared SQL macros on `con`."""
    con.execute(MACROS.read_text(encoding="utf-8"))


def _apply(macro: str, values: list[str]) -> list[str]:
    con = duckdb.connect()
    try:
        install_macros(con)
        con.execute("CREATE TEMP TABLE t AS SELECT * FROM unnest(?) WITH ORDINALITY AS u(v, i)", [values])
        return [row[0] for row in con.execute(f"SELECT {macro}(v) FROM t ORDER BY i").fetchall()]
    finally:
        con.close()


def redact_texts(texts: list[str]) -> list[str]:
    """Return `texts` with e-mail addresses, phone numbers and WeChat/QQ ids replaced by placeholders."""
    return _apply("redact_contacts", texts)


def pseudonymise_logins(logins: list[str]) -> list[str]:
    """Return stable 'u_<hash>' keys for poster logins."""
    return _apply("pseudonymise", logins)
