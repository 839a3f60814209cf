"""The connector contract: a Source lands files as an immutable batch, then parses them into raw tables.

Parsing never drops a record silently: a record that cannot be read becomes a `Reject` naming the
file, the record and the problem; a file that cannot be read at all becomes one Reject with record
None. Offline and live modes land the same file format and share one parser.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import pandas as pd

REJECT_COLUMNS = ["source", "file", "record", "problem", "excerpt"]


class SourceFormatError(ValueError):
    """A whole file cannot be parsed; the message names the file and the problem."""

    def __init__(self, file: str | Path, problem: str, record: str | None = None):
        self.file = str(file)
        self.problem = problem
        self.record = record
        where = f" at {record}" if record else ""
        super().__init__(f"{Path(self.file).name}{where}: {problem}")


@dataclass(frozen=True)
class Reject:
    """One record (or whole file, record=None) that did not make it into a raw table, and why."""

    source: str
    file: str
    record: str | None
    problem: str
    excerpt: str = ""


@dataclass
class Parsed:
    """What a parser returns: raw tables by entity name, plus rejects."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    rejects: list[Reject] = field(default_factory=list)

    def rejects_frame(self) -> pd.DataFrame:
        """Return the rejects as a frame with REJECT_COLUMNS."""
        return pd.DataFrame(
            [(r.source, r.file, r.record, r.problem, r.excerpt[:500]) for r in self.rejects],
            columns=REJECT_COLUMNS,
        ).astype("string")


class Source(Protocol):
    """A connector. `name` is the raw table prefix: raw.<name>__<entity> (unless it sets `raw_prefix` and declares
    `raw_columns`, as the file feeds' shared raw.file_feed__postings does: ingest/landing.py)."""

    name: str
    title: str
    url: str
    licence: str
    cadence: str  # 'weekly' | 'monthly' | 'yearly': which scheduled flow refreshes it

    def snapshot_files(self, snapshot_dir: Path) -> list[Path]:
        """Return the bundled snapshot files of this source (offline mode)."""
        ...

    def fetch_live(self, dest: Path, timeout_s: float) -> list[Path]:
        """Download the source into `dest` in the snapshot's file format; return the files."""
        ...

    def parse(self, files: list[Path]) -> Parsed:
        """Parse landed files into raw tables (entity -> frame) and rejects."""
        ...
