"""Plain, typed pipeline steps (testable without Prefect); each opens the warehouse from its path.

Prefect tasks in flows/pipeline.py call exactly one of these each (STYLE.md convention 4).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from core.db import connect, publish, set_variables, table_counts
from features.build import FEATURES, MARTS, STAGING, build_models, load_labels, load_seeds, run_checks
from features.tag_eval import LABELS
from features.redact import drop_raw_text
from ingest.base import Source
from ingest.landing import land, load

LAYER_MODELS = {"staging": STAGING, "features": FEATURES, "marts": MARTS}


class ChecksFailed(RuntimeError):
    """Data checks returned offending rows; nothing was published."""


@dataclass(frozen=True)
class IngestOutcome:
    """One source's ingest result, as reported in the run summary."""

    source: str
    ok: bool
    batch_id: str | None
    rows: int
    rejects: int
    skipped: bool
    error: str | None = None


def new_run_id(now: datetime | None = None) -> str:
    """Return a sortable run id such as 'run-20261127T104500Z-3f2a'."""
    now = now or datetime.now(timezone.utc)
    return f"run-{now:%Y%m%dT%H%M%SZ}-{hashlib.sha256(now.isoformat().encode()).hexdigest()[:4]}"


def ingest_source(db_path: Path, source: Source, mode: str, snapshot_dir: Path, raw_dir: Path,
                  timeout_s: float) -> IngestOutcome:
    """Land and load one source; a bad file becomes rejects, a failed fetch an outcome with ok=False."""
    batch = land(source, mode, snapshot_dir, raw_dir, timeout_s)
    con = connect(db_path)
    try:
        result = load(con, source, batch)
    finally:
        con.close()
    return IngestOutcome(source.name, True, result.batch_id, sum(result.rows.values()), result.rejects,
                         result.skipped)


def drop_raw_texts(db_path: Path, raw_dir: Path) -> dict[str, int]:
    """Keep only redacted text in raw.* and delete live text batches' files (TALENTCAST_DROP_RAW_TEXT)."""
    con = connect(db_path)
    try:
        return drop_raw_text(con, raw_dir)
    finally:
        con.close()


def load_reference(db_path: Path, seeds_dir: Path, labels: Path = LABELS) -> dict[str, int]:
    """Load seeds/*.csv and the tagger's labelled set (ref.postings_labels) into schema ref; return rows per table."""
    con = connect(db_path)
    try:
        return {**load_seeds(con, seeds_dir), **load_labels(con, labels)}
    finally:
        con.close()


def snapshot_id(db_path: Path) -> str:
    """Return the id of the data snapshot: a hash of the latest loaded batch of every source."""
    con = connect(db_path)
    try:
        rows = con.execute("SELECT source, batch_id FROM meta.batches "
                           "QUALIFY row_number() OVER (PARTITION BY source ORDER BY fetched_at DESC, loaded_at DESC) = 1 "
                           "ORDER BY source").fetchall()
    finally:
        con.close()
    return "snap-" + hashlib.sha256(json.dumps(rows).encode()).hexdigest()[:12]


def build_layer(db_path: Path, layer: str, variables: dict[str, str] | None = None) -> dict[str, int]:
    """Build the SQL models of one layer (staging, features or marts); return rows per table."""
    con = connect(db_path)
    try:
        set_variables(con, variables or {})
        return build_models(con, LAYER_MODELS[layer])
    finally:
        con.close()


def check(db_path: Path) -> None:
    """Run every data check; raise ChecksFailed naming each failing check and its offending rows."""
    con = connect(db_path)
    try:
        failures = run_checks(con)
    finally:
        con.close()
    if failures:
        raise ChecksFailed("data checks failed, nothing published: " +
                           ", ".join(f"{name} ({n} offending rows)" for name, n in failures.items()))


def record_run(db_path: Path, run_id: str, started_at: datetime, status: str, snap: str | None,
               summary: dict) -> None:
    """Insert or update the run's row in meta.runs."""
    con = connect(db_path)
    try:
        con.execute("CREATE TABLE IF NOT EXISTS meta.runs (run_id VARCHAR PRIMARY KEY, started_at TIMESTAMP, "
                    "finished_at TIMESTAMP, status VARCHAR, snapshot_id VARCHAR, summary VARCHAR)")
        con.execute("DELETE FROM meta.runs WHERE run_id = ?", [run_id])
        finished = None if status == "running" else datetime.now(timezone.utc).replace(tzinfo=None)
        con.execute("INSERT INTO meta.runs VALUES (?, ?, ?, ?, ?, ?)",
                    [run_id, started_at.replace(tzinfo=None), finished, status, snap,
                     json.dumps(summary, default=str)])
    finally:
        con.close()


def publish_warehouse(db_path: Path, published_path: Path) -> dict[str, int]:
    """Swap a checked copy of the warehouse (all layers but raw) into place; return published row counts."""
    publish(db_path, published_path)
    con = connect(published_path, read_only=True)
    try:
        return table_counts(con, ["marts", "forecasts", "features"])
    finally:
        con.close()


def outcome_dict(outcome: IngestOutcome) -> dict:
    """Return an ingest outcome as a plain dict (for Prefect results and the summary)."""
    return asdict(outcome)


def series_forecast(published_path: Path) -> int:
    """Return how many series have a published forecast."""
    con = connect(published_path, read_only=True)
    try:
        return con.execute("SELECT count(DISTINCT unique_id) FROM forecasts.forecast WHERE model = 'selected'").fetchone()[0]
    finally:
        con.close()
