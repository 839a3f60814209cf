"""Land a source's files as an immutable batch folder, then load the batch into raw.* idempotently.

A batch id is derived from the content (sha256 of the files), so landing the same snapshot twice
reuses the same folder and loading it twice leaves raw row counts unchanged.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pandas as pd

from core.db import replace_rows
from ingest.base import REJECT_COLUMNS, Source


@dataclass(frozen=True)
class Batch:
    """A landed batch: data/raw/<source>/<batch_id>/ with its files and manifest."""

    source: str
    batch_id: str
    folder: Path
    files: tuple[Path, ...]
    manifest: dict


@dataclass(frozen=True)
class LoadResult:
    """What loading one batch did."""

    source: str
    batch_id: str
    rows: dict[str, int]
    rejects: int
    skipped: bool


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def last_live_fetch(raw_dir: Path, source_name: str) -> datetime | None:
    """Return when the source's latest landed live batch started fetching (its manifest), or None if none.

    A batch folder exists only once its fetch completed (land() renames it into place at the end), so this is
    the start of the last successful live pull: an incremental pull asks the API for what changed since then.
    """
    stamps = []
    for manifest in (raw_dir / source_name).glob("*/manifest.json"):
        m = json.loads(manifest.read_text(encoding="utf-8"))
        if m.get("mode") == "live":
            stamps.append(m.get("fetch_started_at") or m["fetched_at"])
    if not stamps:
        return None
    return datetime.strptime(max(stamps), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def _supports_since(source: Source) -> bool:
    return "since" in inspect.signature(source.fetch_live).parameters


def land(source: Source, mode: str, snapshot_dir: Path, raw_dir: Path, timeout_s: float = 30.0) -> Batch:
    """Return the batch holding the source's current files, landing them under raw_dir if new.

    Live connectors whose fetch_live takes `since` (zh_postings, hn, usajobs) pull only what changed since the
    last successful live batch (issue 3: incremental pulls); staging keeps the latest row per key over batches.
    """
    raw_dir.mkdir(parents=True, exist_ok=True)
    started = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    since = None
    with tempfile.TemporaryDirectory(dir=raw_dir, prefix=f".{source.name}-") as tmp:
        staging = Path(tmp)
        if mode == "live":
            if _supports_since(source):
                since = last_live_fetch(raw_dir, source.name)
                fetched = source.fetch_live(staging, timeout_s, since=since)
            else:
                fetched = source.fetch_live(staging, timeout_s)
            origin = source.url
        else:
            files = source.snapshot_files(snapshot_dir)
            if not files:
                raise FileNotFoundError(f"no bundled snapshot files for source {source.name!r} in "
                                        f"{snapshot_dir / source.name}")
            fetched = [Path(shutil.copy2(f, staging / f.name)) for f in files]
            # a file feed's files are the user's drop, not a bundled snapshot: it names its own origin
            origin = getattr(source, "origin", None) or \
                f"bundled snapshot data/snapshots/{source.name} (from {source.url})"
        entries = sorted(({"name": f.name, "sha256": _sha256(f), "bytes": f.stat().st_size} for f in fetched),
                         key=lambda e: e["name"])
        content = hashlib.sha256(json.dumps([(e["name"], e["sha256"]) for e in entries]).encode()).hexdigest()
        batch_id = f"{source.name}-{content[:12]}"
        folder = raw_dir / source.name / batch_id
        if not (folder / "manifest.json").exists():
            manifest = {
                "source": source.name, "batch_id": batch_id, "mode": mode, "origin": origin,
                "url": source.url, "licence": source.licence,
                "fetched_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "fetch_started_at": started,
                "since": since.strftime("%Y-%m-%dT%H:%M:%SZ") if since else None,
                "files": entries, "content_sha256": content,
            }
            (staging / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
            folder.parent.mkdir(parents=True, exist_ok=True)
            staging.rename(folder)  # atomic: a batch folder is complete or absent
            staging.mkdir()  # let TemporaryDirectory clean up an empty folder
    manifest = json.loads((folder / "manifest.json").read_text())
    files = tuple(folder / e["name"] for e in manifest["files"])
    return Batch(source.name, batch_id, folder, files, manifest)


def _holds_batch(con: duckdb.DuckDBPyConnection, table: str, batch_id: str) -> bool:
    schema, name = table.split(".")
    exists = con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = ? AND table_name = ?",
                         [schema, name]).fetchone()[0]
    return bool(exists) and con.execute(f"SELECT count(*) > 0 FROM {table} WHERE _batch_id = ?",
                                        [batch_id]).fetchone()[0]


def load(con: duckdb.DuckDBPyConnection, source: Source, batch: Batch) -> LoadResult:
    """Parse a landed batch into raw.<prefix>__<entity> (prefix: the source's raw_prefix, else its name) and
    raw.rejects; a batch already loaded is skipped."""
    con.execute("""CREATE TABLE IF NOT EXISTS meta.batches (
        source VARCHAR, batch_id VARCHAR PRIMARY KEY, mode VARCHAR, origin VARCHAR, url VARCHAR,
        licence VARCHAR, fetched_at TIMESTAMP, files INTEGER, content_sha256 VARCHAR, rows_loaded BIGINT,
        rejects BIGINT, loaded_at TIMESTAMP)""")
    # a source may load into a shared table (file feeds: raw.file_feed__postings, `feed` naming the feed) whose
    # columns it declares, so a batch with an all-null column or no valid row cannot make the table with wrong types
    prefix = getattr(source, "raw_prefix", source.name)
    declared: dict[str, dict[str, str]] = getattr(source, "raw_columns", {})
    done = con.execute("SELECT rows_loaded, rejects FROM meta.batches WHERE batch_id = ?", [batch.batch_id]).fetchone()
    if done and done[0] and any(not _holds_batch(con, f"raw.{prefix}__{entity}", batch.batch_id)
                                for entity in declared):
        # loaded before its source moved to a shared table (file feeds loaded into raw.<name>__postings until the
        # postings chain read them): load it again into the table the models read
        con.execute("DELETE FROM meta.batches WHERE batch_id = ?", [batch.batch_id])
        done = None
    if done:
        return LoadResult(source.name, batch.batch_id, {}, int(done[1]), skipped=True)
    parsed = source.parse(list(batch.files))
    fetched_at = pd.Timestamp(batch.manifest["fetched_at"]).tz_localize(None)
    rows = {}
    for entity, frame in parsed.tables.items():
        frame = frame.copy()
        frame["_batch_id"] = batch.batch_id
        frame["_fetched_at"] = fetched_at
        table = f"raw.{prefix}__{entity}"
        if entity in declared:
            columns = {**declared[entity], "_batch_id": "VARCHAR", "_fetched_at": "TIMESTAMP"}
            con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({', '.join(f'{c} {t}' for c, t in columns.items())})")
        rows[entity] = replace_rows(con, table, frame, "_batch_id", batch.batch_id)
    rejects = parsed.rejects_frame()
    rejects["batch_id"] = batch.batch_id
    con.execute("CREATE TABLE IF NOT EXISTS raw.rejects (source VARCHAR, file VARCHAR, record VARCHAR, "
                "problem VARCHAR, excerpt VARCHAR, batch_id VARCHAR)")
    replace_rows(con, "raw.rejects", rejects[[*REJECT_COLUMNS, "batch_id"]], "batch_id", batch.batch_id)
    m = batch.manifest
    con.execute("INSERT INTO meta.batches VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, current_timestamp::TIMESTAMP)", [
        source.name, batch.batch_id, m["mode"], m["origin"], m["url"], m["licence"], fetched_at,
        len(m["files"]), m["content_sha256"], sum(rows.values()), len(rejects)])
    return LoadResult(source.name, batch.batch_id, rows, len(rejects), skipped=False)
