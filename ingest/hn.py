"""Hacker News "Who is hiring?" threads: monthly term counts (hiringtrends, MIT); in live mode, posting comments."""

from __future__ import annotations

import gzip
import json
import re
from datetime import date, datetime, timezone
from pathlib import Path

import pandas as pd

from ingest.base import Parsed, Reject, SourceFormatError
from ingest.http import get
from ingest.payload import read_text, record_problem

ALGOLIA = "https://hn.algolia.com/api/v1"
MONTHS = {m: i for i, m in enumerate(
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], start=1)}
LABEL = re.compile(r"([A-Z][a-z]{2})(\d{2})")
# raw.hn__postings; `author` (the HN login, pseudonymised in staging) is absent from batches landed before it was
# kept, and null there. features/build.py declares the same columns (OPTIONAL_RAW) for runs with no live HN batch.
POSTING_DTYPES = {"thread_id": "int64", "thread_title": "string", "comment_id": "int64", "author": "string",
                  "created_at": "datetime64[us]", "text": "string", "fetched_at": "string"}
POSTING_COLUMNS = list(POSTING_DTYPES)
COLUMNS = ["month_label", "month", "num_comments", "points", "term", "full_term", "count", "percentage", "rank"]


def parse_month_label(label: str) -> date | None:
    """Return the first day of the month for labels like 'May24' (2000s), else None."""
    match = LABEL.fullmatch(label or "")
    if not match or match.group(1) not in MONTHS:
        return None
    return date(2000 + int(match.group(2)), MONTHS[match.group(1)], 1)


def _open_text(path: Path) -> str:
    raw = path.read_bytes()
    if path.suffix == ".gz":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise SourceFormatError(path, f"corrupt gzip: {exc}") from exc
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceFormatError(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc


def parse_postings_jsonl(path: Path, source: str = "hn") -> tuple[list[dict], list[Reject]]:
    """Return (one row per posting comment, rejects) of a live JSONL payload; raise SourceFormatError if unreadable."""
    text = read_text(path)
    rows, rejects = [], []
    lines = text.split("\n")
    for i, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        record = f"line {i}"
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            last = i == len(lines) or (i == len(lines) - 1 and not lines[-1])
            why = "truncated last line" if last else "invalid JSON"
            rejects.append(Reject(source, path.name, record, f"{why}: {exc.msg} at column {exc.colno}", line[:300]))
            continue
        problem = None
        if not isinstance(rec, dict):
            problem = f"line is a JSON {type(rec).__name__}, not an object"
        elif missing := [k for k in ("thread_id", "comment_id", "text") if rec.get(k) in (None, "")]:
            problem = f"missing {missing}"
        elif not str(rec["comment_id"]).isdigit() or not str(rec["thread_id"]).isdigit():
            problem = f"non-numeric id(s) {rec['thread_id']!r}/{rec['comment_id']!r}"
        else:
            problem = record_problem({"text": rec.get("text"), "thread_title": rec.get("thread_title")})
        if problem:
            rejects.append(Reject(source, path.name, record, problem, line[:300]))
            continue
        created = pd.to_datetime(rec.get("created_at"), utc=True, errors="coerce")
        author = rec.get("author")
        rows.append({"thread_id": int(rec["thread_id"]), "thread_title": rec.get("thread_title"),
                     "comment_id": int(rec["comment_id"]), "author": None if author in (None, "") else str(author),
                     "created_at": None if pd.isna(created) else created.tz_convert(None).to_pydatetime(),
                     "text": str(rec["text"]), "fetched_at": rec.get("fetched_at")})
    return rows, rejects


class HnWhoIsHiring:
    """Connector for monthly HN hiring-thread term counts; live mode returns posting-level comments too."""

    name = "hn"
    title = 'Hacker News "Who is hiring?" monthly term counts'
    url = "https://github.com/ryanwi/hiringtrends"
    licence = "MIT (hiringtrends by Ryan Williams); HN comments via the HN Algolia API"
    cadence = "weekly"

    def snapshot_files(self, snapshot_dir: Path) -> list[Path]:
        """Return the bundled monthly term-count file."""
        return sorted((snapshot_dir / self.name).glob("hn_whoishiring_monthly_terms.json*"))

    def __init__(self, http_get=get):
        self._get = http_get  # ingest.http.get; tests pass a function that answers with recorded payloads

    def fetch_live(self, dest: Path, timeout_s: float, since: datetime | None = None) -> list[Path]:
        """Fetch the latest 'Who is hiring?' threads and their top-level comments (postings) as JSONL.

        With `since` (the start of the last successful live pull) only comments created after it are asked for
        (Algolia `numericFilters=created_at_i>...`), in the threads posted in the 45 days before it or later.
        """
        story_params = {"tags": "story,author_whoishiring", "query": "Who is hiring", "hitsPerPage": 12}
        if since:
            story_params["numericFilters"] = f"created_at_i>{int(since.timestamp()) - 45 * 86400}"
        stories = self._get(f"{ALGOLIA}/search_by_date", timeout_s, params=story_params).json()["hits"]
        path = dest / "hn_whoishiring_postings.jsonl"
        fetched_at = datetime.now(timezone.utc).isoformat()
        with path.open("w", encoding="utf-8") as fh:
            for story in stories:
                for rec in self._postings(story, timeout_s, since):
                    fh.write(json.dumps({**rec, "fetched_at": fetched_at}, ensure_ascii=False) + "\n")
        return [path]

    def _postings(self, story: dict, timeout_s: float, since: datetime | None) -> list[dict]:
        if since is None:  # the whole thread in one call
            item = self._get(f"{ALGOLIA}/items/{story['objectID']}", timeout_s).json()
            return [{"thread_id": item["id"], "thread_title": item.get("title"), "comment_id": c["id"],
                     "author": c.get("author"), "created_at": c.get("created_at"), "text": c["text"]}
                    for c in item.get("children", []) if c.get("text")]
        out, page = [], 0
        while True:
            body = self._get(f"{ALGOLIA}/search_by_date", timeout_s, params={
                "tags": f"comment,story_{story['objectID']}", "numericFilters": f"created_at_i>{int(since.timestamp())}",
                "hitsPerPage": 1000, "page": page}).json()
            # top-level comments only: a reply is not a posting
            out += [{"thread_id": int(story["objectID"]), "thread_title": story.get("title"),
                     "comment_id": int(h["objectID"]), "author": h.get("author"), "created_at": h.get("created_at"),
                     "text": h["comment_text"]}
                    for h in body.get("hits", [])
                    if h.get("comment_text") and str(h.get("parent_id")) == str(story["objectID"])]
            page += 1
            if page >= int(body.get("nbPages", 1) or 1):
                return out

    def parse(self, files: list[Path]) -> Parsed:
        """Return raw table 'monthly_terms': one row per month and term."""
        out, rows = Parsed(), []
        postings: list[dict] = []
        for path in files:
            if path.name.endswith((".jsonl", ".jsonl.gz")):
                # posting-level live payload: one comment a line (HN's HTML as published) -> raw.hn__postings ->
                # staging.stg_hn__postings -> the postings chain and the demand/GLOBAL/hn_postings series (the
                # demand/GLOBAL/hn term-count series come from the bundled monthly file, which live mode does not fetch)
                try:
                    file_postings, rejects = parse_postings_jsonl(path, self.name)
                except SourceFormatError as exc:
                    out.rejects.append(Reject(self.name, path.name, exc.record, exc.problem))
                    continue
                postings += file_postings
                out.rejects += rejects
                continue
            try:
                doc = json.loads(_open_text(path))
            except json.JSONDecodeError as exc:
                out.rejects.append(Reject(self.name, path.name, None,
                                          f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"))
                continue
            except SourceFormatError as exc:
                out.rejects.append(Reject(self.name, path.name, None, exc.problem))
                continue
            if not isinstance(doc, list):
                out.rejects.append(Reject(self.name, path.name, None, "expected a JSON list of months"))
                continue
            for i, month in enumerate(doc):
                rows += self._month_rows(path, i, month, out)
        out.tables["monthly_terms"] = pd.DataFrame(rows, columns=COLUMNS)
        if any(p.name.endswith((".jsonl", ".jsonl.gz")) for p in files):
            out.tables["postings"] = pd.DataFrame(postings, columns=POSTING_COLUMNS).astype(POSTING_DTYPES)
        return out

    def _month_rows(self, path: Path, i: int, month: object, out: Parsed) -> list[tuple]:
        record = f"[{i}]"
        if not isinstance(month, dict) or not isinstance(month.get("terms"), dict):
            out.rejects.append(Reject(self.name, path.name, record, "month entry without a 'terms' object"))
            return []
        ds = parse_month_label(str(month.get("month")))
        if ds is None:
            out.rejects.append(Reject(self.name, path.name, record, f"unparseable month {month.get('month')!r}"))
            return []
        n = month.get("num_comments")
        if not isinstance(n, int) or n < 0:
            out.rejects.append(Reject(self.name, path.name, record, f"bad num_comments {n!r}"))
            return []
        rows = []
        for term, stats in month["terms"].items():
            count = stats.get("count") if isinstance(stats, dict) else None
            if not isinstance(count, int) or count < 0:
                out.rejects.append(Reject(self.name, path.name, f"{record}.terms[{term!r}]",
                                          f"bad count {count!r}"))
                continue
            rows.append((month["month"], ds, n, month.get("points"), term, stats.get("full_term"), count,
                         stats.get("percentage"), stats.get("rank")))
        return rows
