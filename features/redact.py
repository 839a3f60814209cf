"""Apply the SQL macros of features/sql/macros.sql to texts outside a model build (snapshot bundling), and drop
the published text from the raw layer once staging has redacted it (TALENTCAST_DROP_RAW_TEXT)."""

from __future__ import annotations

import json
from datetime import datetime, timezone
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


# Issue 3: "the raw layer keeps what the source published, and a setting can drop it after processing".
# With TALENTCAST_DROP_RAW_TEXT the pipeline calls drop_raw_text() once staging is built: every raw text column
# keeps only its redacted form (the same macros as staging, so a later rebuild of staging gives the same rows and
# tags), posters' logins become their pseudonyms, and the landed files of live batches that held such text are
# deleted (the manifest stays, with its checksums, plus a note saying when and why). Offline batches are copies
# of the bundled snapshots, which were redacted when bundled (data/snapshots/*/SOURCE.md), so they stay.
# posting texts, comment bodies, the excerpt of a rejected record, a file feed's posting titles (staging puts the
# title in the posting's text; other raw titles, of threads and occupations, hold no contact detail: unchanged)
TEXT_COLUMNS = ("body", "text", "excerpt", "title")
LOGIN_COLUMNS = ("author",)


def drop_raw_text(con: duckdb.DuckDBPyConnection, raw_dir: Path) -> dict[str, int]:
    """Redact raw text columns in place and delete live batch files holding text; return rows changed per table
    (and 'files_deleted')."""
    install_macros(con)
    columns = con.execute("""
        SELECT table_name, list(column_name ORDER BY column_name) FROM information_schema.columns
        WHERE table_schema = 'raw' AND data_type = 'VARCHAR' AND column_name IN ?
        GROUP BY table_name ORDER BY table_name""", [list(TEXT_COLUMNS + LOGIN_COLUMNS)]).fetchall()
    changed: dict[str, int] = {}
    text_sources = set()
    for table, cols in columns:
        sets = [f'"{c}" = redact_contacts("{c}")' if c in TEXT_COLUMNS else f'"{c}" = pseudonymise("{c}")' for c in cols]
        differs = " OR ".join(f'"{c}" IS DISTINCT FROM redact_contacts("{c}")' if c in TEXT_COLUMNS
                              else f'"{c}" IS DISTINCT FROM pseudonymise("{c}")' for c in cols)
        changed[table] = con.execute(f'UPDATE raw."{table}" SET {", ".join(sets)} WHERE {differs}').fetchone()[0]
        if table != "rejects" and "__" in table:
            text_sources.add(table.split("__")[0])
        if table == "file_feed__postings":  # every feed's batches are in one table: its sources are the feeds
            feeds = con.execute('SELECT DISTINCT feed FROM raw."file_feed__postings"').fetchall()
            text_sources.update(r[0] for r in feeds)
    changed["files_deleted"] = _delete_live_batch_files(con, raw_dir, sorted(text_sources))
    return changed


def _delete_live_batch_files(con: duckdb.DuckDBPyConnection, raw_dir: Path, sources: list[str]) -> int:
    has_batches = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'meta' "
                              "AND table_name = 'batches'").fetchone()[0]
    if not sources or not has_batches:
        return 0
    batches = con.execute("SELECT source, batch_id FROM meta.batches WHERE mode = 'live' AND source IN ?",
                          [sources]).fetchall()
    deleted = 0
    for source, batch_id in batches:
        folder = raw_dir / source / batch_id
        manifest = folder / "manifest.json"
        if not manifest.exists():
            continue
        for entry in json.loads(manifest.read_text(encoding="utf-8"))["files"]:
            path = folder / entry["name"]
            if path.exists():
                path.unlink()
                deleted += 1
        note = folder / "text_dropped.json"
        if not note.exists():
            note.write_text(json.dumps({
                "dropped_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "why": "TALENTCAST_DROP_RAW_TEXT: the published texts were deleted after staging redacted them; "
                       "raw.* keeps the redacted text, this manifest keeps the files' checksums"}, indent=2))
    return deleted

