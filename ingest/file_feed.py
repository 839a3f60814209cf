"""Generic postings file feed: CSV, JSONL or Parquet drops with a declared column mapping (no code per feed).

A feed is a folder with the data files and a `feed.json` mapping our columns to the file's columns:

    {"name": "acme_ats", "format": "csv", "encoding": "utf-8",
     "columns": {"posting_id": "Req ID", "title": "Job Title", "text": "Description",
                 "posted_date": "Opened", "employer": "Company", "region": "Location", "lang": null}}

`posting_id`, `title` and `posted_date` are required; `text`, `employer`, `region`, `lang` optional (null = absent).
Every feed's records land in one table, raw.file_feed__postings, with these columns and `feed` (the feed's name), so
one staging model (features/sql/staging/stg_file_feed__postings.sql) takes every feed into the postings chain; a
record that breaks the contract is a reject. Batch ids start with the feed's name (ingest/landing.py), so reloading
one feed's batch replaces that batch's rows only. The name is the feed's source everywhere downstream (batches, the
`source` of its postings, its series demand/GLOBAL/<name>/*), so it may not be another source's or series' name.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from ingest.base import Parsed, Reject, SourceFormatError
from ingest.payload import MAX_RECORD_CHARS, read_text

FIELDS = ("posting_id", "title", "text", "posted_date", "employer", "region", "lang")
REQUIRED = ("posting_id", "title", "posted_date")
FORMATS = {"csv": (".csv", ".csv.gz"), "jsonl": (".jsonl", ".jsonl.gz"), "parquet": (".parquet",)}
RAW_PREFIX = "file_feed"  # every feed loads into raw.file_feed__postings
# the columns (DuckDB types) of raw.file_feed__postings: declared, not inferred from a frame, because a batch whose
# optional column is all null (or that has no valid row) would otherwise make the table with a NULL or DOUBLE column.
# features/build.py's OPTIONAL_RAW declares the same (tests/test_file_feed_postings.py keeps them equal).
RAW_COLUMNS = {"feed": "VARCHAR", "posting_id": "VARCHAR", "title": "VARCHAR", "text": "VARCHAR",
               "posted_date": "DATE", "employer": "VARCHAR", "region": "VARCHAR", "lang": "VARCHAR"}
# names a feed may not take: the shared table's prefix, and series source segments that are no connector's name
# (the registry refuses a connector's name); a feed's series are demand/GLOBAL/<name>/*
RESERVED = {RAW_PREFIX, "hn_postings"}


@dataclass(frozen=True)
class FeedConfig:
    """A feed's declared name, file format, encoding and column mapping (our field -> file column or None)."""

    name: str
    format: str
    columns: dict[str, str | None]
    encoding: str = "utf-8"

    @classmethod
    def read(cls, path: Path) -> FeedConfig:
        """Return the config in `path` (feed.json), raising ValueError that names the offending entry."""
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ValueError(f"{path}: not a readable JSON feed config: {exc}") from exc
        fmt = str(doc.get("format", "")).lower()
        if fmt not in FORMATS:
            raise ValueError(f"{path}: format {doc.get('format')!r} is not one of {sorted(FORMATS)}")
        name = str(doc.get("name", ""))
        if not name.isidentifier() or not name.islower():
            raise ValueError(f"{path}: name {name!r} must be a lower-case identifier (it names the feed's batches, "
                             "source and series)")
        if name in RESERVED:
            raise ValueError(f"{path}: name {name!r} is reserved ({sorted(RESERVED)}): choose another")
        columns = doc.get("columns") or {}
        unknown = sorted(set(columns) - set(FIELDS))
        if unknown:
            raise ValueError(f"{path}: unknown field(s) {unknown}; fields are {list(FIELDS)}")
        missing = [f for f in REQUIRED if not columns.get(f)]
        if missing:
            raise ValueError(f"{path}: required field(s) {missing} have no column")
        return cls(name=name, format=fmt, columns={f: columns.get(f) for f in FIELDS},
                   encoding=str(doc.get("encoding", "utf-8")))


def _read_frame(path: Path, config: FeedConfig) -> pd.DataFrame:
    """Return the file as a frame of strings; raise SourceFormatError when it cannot be read as declared."""
    if config.format == "parquet":
        try:
            return pd.read_parquet(path).astype("string")
        except Exception as exc:  # pyarrow raises several types for a corrupt or truncated file
            raise SourceFormatError(path, f"not a readable Parquet file: {type(exc).__name__}: {exc}") from exc
    if config.encoding.lower().replace("-", "") != "utf8":
        try:
            text = path.read_bytes().decode(config.encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise SourceFormatError(path, f"not {config.encoding} text: {exc}") from exc
    else:
        text = read_text(path)
    if config.format == "jsonl":
        rows = []
        for i, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    rows.append({"__error__": f"line {i}: invalid JSON ({exc.msg})"})
        return pd.DataFrame(rows).astype("string") if rows else pd.DataFrame()
    from io import StringIO
    try:
        return pd.read_csv(StringIO(text), dtype="string", keep_default_na=False, na_values=[""])
    except (pd.errors.ParserError, ValueError) as exc:
        raise SourceFormatError(path, f"not a readable CSV file: {exc}") from exc


def parse_feed_file(path: Path, config: FeedConfig) -> tuple[list[dict], list[Reject]]:
    """Return (posting rows in FIELDS, rejects) for one feed file; raise SourceFormatError if unreadable."""
    frame = _read_frame(path, config)
    absent = [c for c in config.columns.values() if c and c not in frame.columns]
    if absent and len(frame):
        raise SourceFormatError(path, f"declared column(s) {absent} not in the file (it has {list(frame.columns)[:12]})")
    rows, rejects = [], []
    for i, rec in enumerate(frame.to_dict("records")):
        record = f"row {i + 1}"
        if isinstance(rec.get("__error__"), str):
            rejects.append(Reject(config.name, path.name, record, rec["__error__"]))
            continue
        row = {f: (None if c is None or pd.isna(rec.get(c)) else str(rec.get(c))) for f, c in config.columns.items()}
        problem = None
        if missing := [f for f in REQUIRED if not (row[f] or "").strip()]:
            problem = f"missing {missing}"
        elif bad := [f for f, v in row.items() if v and "\x00" in v]:
            problem = f"NUL byte in {bad}"
        elif long := [f for f, v in row.items() if v and len(v) > MAX_RECORD_CHARS]:
            problem = f"{long} over {MAX_RECORD_CHARS} characters"
        else:
            try:
                row["posted_date"] = date.fromisoformat(row["posted_date"].strip()[:10])
            except ValueError:
                problem = f"unparseable posted_date {row['posted_date']!r}"
        if problem:
            rejects.append(Reject(config.name, path.name, record, problem, json.dumps(rec, default=str)[:300]))
            continue
        rows.append(row)
    return rows, rejects


class FileFeed:
    """Connector for one declared file feed folder (`feed.json` + data files); offline only, the files are the feed."""

    cadence = "weekly"
    url = "file feed"
    licence = "as agreed with the feed's provider"
    raw_prefix = RAW_PREFIX  # ingest/landing.py: raw.file_feed__<entity>, not raw.<name>__<entity>
    raw_columns = {"postings": RAW_COLUMNS}  # ingest/landing.py creates the table with these types

    def __init__(self, folder: Path):
        self.folder = folder
        self.config = FeedConfig.read(folder / "feed.json")
        self.name = self.config.name
        self.title = f"file feed {self.config.name} ({self.config.format})"
        self.origin = f"file feed {self.config.name}: {self.config.format} files dropped in a feed.json folder"

    def snapshot_files(self, snapshot_dir: Path) -> list[Path]:
        """Return the feed's data files (the folder itself; snapshot_dir is not used)."""
        return sorted(p for p in self.folder.iterdir()
                      if p.is_file() and p.name.endswith(FORMATS[self.config.format]))

    def fetch_live(self, dest: Path, timeout_s: float) -> list[Path]:
        """A file feed has no live endpoint: the dropped files are the live data, copied into `dest` (the batch
        being landed holds its own copies, as an offline batch does)."""
        return [Path(shutil.copy2(p, dest / p.name)) for p in self.snapshot_files(self.folder)]

    def parse(self, files: list[Path]) -> Parsed:
        """Return raw table 'postings' (one row per record: `feed`, then FIELDS) and rejects."""
        out, rows = Parsed(), []
        for path in files:
            try:
                file_rows, rejects = parse_feed_file(path, self.config)
            except SourceFormatError as exc:
                out.rejects.append(Reject(self.name, path.name, exc.record, exc.problem))
                continue
            rows += file_rows
            out.rejects += rejects
        frame = pd.DataFrame(rows, columns=list(FIELDS))
        frame.insert(0, "feed", self.name)
        out.tables["postings"] = frame
        return out
