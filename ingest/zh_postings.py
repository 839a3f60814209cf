"""The monthly "谁在招人" (who is hiring) threads of ruanyf/weekly: one comment is one posting.

File format (bundled snapshot and live fetch alike): one JSON object per thread,
`{issueNumber, title, yearMonth, state, body, fetchedAt, comments: [{id, author, body, createdAt,
updatedAt, isMinimized}]}`. The bundled snapshot has contact details redacted (see SOURCE.md).
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ingest.base import Parsed, Reject, SourceFormatError
from ingest.http import get

REPO = "ruanyf/weekly"
API = "https://api.github.com"
TITLE_MARK = "谁在招人"
MONTH_RANGE = re.compile(r"(\d{4})年(\d{1,2})月(?:\s*[-~～至]\s*(?:(\d{4})年)?(\d{1,2})月)?")
COMMENT_FIELDS = ("id", "author", "body", "createdAt")
COMMENT_SCHEMA = pa.schema([("comment_id", pa.int64()), ("issue_number", pa.int64()), ("author", pa.string()),
                            ("body", pa.string()), ("created_at", pa.timestamp("us")),
                            ("updated_at", pa.timestamp("us")), ("is_minimized", pa.bool_())])
THREAD_COLUMNS = ["issue_number", "title", "year_month", "first_month", "last_month", "body", "fetched_at"]
_EMPTY = (None, "")  # a comment field holding one of these is missing
_TS_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
_TS_TYPE = pa.timestamp("us")
_TS_SHAPE = r"^[12]\d{3}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\dZ$"
_NO_STRING = pa.scalar(None, pa.string())


def months_covered(title: str, year_month: str | None) -> tuple[str | None, str | None]:
    """Return (first, last) 'YYYY-MM' months a thread covers, read from its title, else from yearMonth."""
    match = MONTH_RANGE.search(title or "")
    if match:
        y1, m1, y2, m2 = match.groups()
        first = f"{int(y1):04d}-{int(m1):02d}"
        last = f"{int(y2 or y1):04d}-{int(m2):02d}" if m2 else first
        return first, last
    if year_month and re.fullmatch(r"\d{4}-\d{2}", year_month):
        return year_month, year_month
    return None, None


def _parse_ts(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(timezone.utc).replace(tzinfo=None)
    except ValueError:
        return None


def _parse_ts_column(values: list) -> pa.TimestampArray:
    """Return _parse_ts of every value as one Arrow timestamp[us] array (null where _parse_ts gives None).

    GitHub's form 'YYYY-MM-DDTHH:MM:SSZ' with fields in range (year 1000-2999, month 01-12, day 01-31, hour
    00-23, minute and second 00-59) is parsed by Arrow in one pass, and kept where the parsed day is the written
    one (Arrow's strptime rolls 2016-02-30 over to March 1st; fromisoformat refuses it). Every other string
    (offsets, fractions, a date alone, garbage, the rolled-over days) goes through _parse_ts itself, so the result
    is _parse_ts's, value for value.
    """
    strings = pa.array([v if type(v) is str else None for v in values], pa.string())
    if strings.null_count == len(strings):  # no strings (no updatedAt at all, say): _parse_ts gives None for all
        return pa.nulls(len(strings), _TS_TYPE)
    canonical = pc.if_else(pc.match_substring_regex(strings, _TS_SHAPE), strings, _NO_STRING)
    ts = pc.strptime(canonical, format=_TS_FORMAT, unit="s", error_is_null=True)
    day = pc.cast(pc.utf8_slice_codeunits(canonical, 8, 10), pa.int64())
    ok = pc.equal(pc.day(ts), day).fill_null(False)
    ts = ts.cast(_TS_TYPE)
    if pc.all(pc.or_(ok, pc.is_null(strings))).as_py() is not False:  # nothing for _parse_ts (ts null where
        return ts                                                        # strings is: not a string, None)
    fallback, any_parsed = [None] * len(values), False
    for i in np.flatnonzero(~ok.to_numpy(zero_copy_only=False)).tolist():
        if values[i] is not None and (parsed := _parse_ts(values[i])) is not None:
            fallback[i], any_parsed = parsed, True
    return pc.if_else(ok, ts, pa.array(fallback, _TS_TYPE) if any_parsed else pa.scalar(None, _TS_TYPE))


def _holds_nul(strings: pa.StringArray) -> bool:
    """Return whether any string of the array holds U+0000: in UTF-8 the only zero byte is that character's."""
    if len(strings) == 0:
        return False
    offsets = np.frombuffer(strings.buffers()[1], np.int32)[strings.offset:strings.offset + len(strings) + 1]
    data = np.frombuffer(strings.buffers()[2], np.uint8)[offsets[0]:offsets[-1]]
    return bool(data.size) and int(data.min()) == 0


def _read_thread(text: str, path: Path) -> tuple[dict, dict]:
    """Return (JSON document, thread row) of one thread document's text; raise SourceFormatError if unusable."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceFormatError(path, f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from exc
    if not isinstance(doc, dict):
        raise SourceFormatError(path, f"expected a JSON object per thread, found {type(doc).__name__}")
    missing = [k for k in ("issueNumber", "title", "comments") if k not in doc]
    if missing:
        raise SourceFormatError(path, f"missing field(s) {missing}")
    if not isinstance(doc["comments"], list):
        raise SourceFormatError(path, "field 'comments' is not a list")
    first, last = months_covered(str(doc.get("title", "")), doc.get("yearMonth"))
    thread = {
        "issue_number": int(doc["issueNumber"]), "title": str(doc["title"]),
        "year_month": doc.get("yearMonth"), "first_month": first, "last_month": last,
        "body": doc.get("body") or "", "fetched_at": _parse_ts(doc.get("fetchedAt")),
    }
    return doc, thread


def parse_thread_file(path: Path, source: str = "zh_postings") -> tuple[dict, pa.Table, list[Reject]]:
    """Return (thread row, comments table, rejects) for one thread file; raise SourceFormatError if unreadable."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SourceFormatError(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    return parse_thread_table(text, path, source)


def parse_thread_table(text: str, path: Path, source: str = "zh_postings") -> tuple[dict, pa.Table, list[Reject]]:
    """Return (thread row, comments as an Arrow table of COMMENT_SCHEMA, rejects) for one thread document's text.

    A comment is rejected, the first problem named, if it is not an object, lacks (or has empty) id, author, body
    or createdAt, has a createdAt _parse_ts cannot read, or has a NUL byte in its body. The columns are built
    whole: the timestamps parsed by Arrow in one pass per thread (_parse_ts_column), the NUL test one scan of
    the body column's UTF-8 bytes, no dict or datetime object per comment. `path` names the document in errors.
    """
    doc, thread = _read_thread(text, path)
    comments = doc["comments"]
    problems: list[tuple[int, str]] = []
    kept, kept_at = [], []
    for i, c in enumerate(comments):
        if not isinstance(c, dict):
            problems.append((i, f"comment is a {type(c).__name__}, not an object"))
        elif (c.get("id") in _EMPTY or c.get("author") in _EMPTY or c.get("body") in _EMPTY
              or c.get("createdAt") in _EMPTY):
            problems.append((i, f"missing {[k for k in COMMENT_FIELDS if c.get(k) in _EMPTY]}"))
        else:
            kept.append(c)
            kept_at.append(i)
    created = _parse_ts_column([c["createdAt"] for c in kept])
    bodies = pa.array([str(c["body"]) for c in kept], pa.string())
    good = created.is_valid().to_numpy(zero_copy_only=False)
    if _holds_nul(bodies):  # rare: find which
        good &= ~np.array(["\x00" in b for b in bodies.to_pylist()], dtype=bool)
    if not good.all():
        parsed = created.is_valid().to_numpy(zero_copy_only=False)
        for j in np.flatnonzero(~good).tolist():
            problems.append((kept_at[j], "NUL byte in body" if parsed[j] else
                             f"unparseable createdAt {kept[j]['createdAt']!r}"))
        kept = [kept[j] for j in np.flatnonzero(good).tolist()]
        mask = pa.array(good)
        created, bodies = created.filter(mask), bodies.filter(mask)
    rejects = [Reject(source, path.name, f"comments[{i}]", problem,
                      json.dumps(comments[i], ensure_ascii=False)[:300]) for i, problem in sorted(problems)]
    table = pa.Table.from_arrays([
        pa.array([int(c["id"]) for c in kept], pa.int64()),
        pa.array(np.full(len(kept), thread["issue_number"], dtype=np.int64)),
        pa.array([str(c["author"]) for c in kept], pa.string()),
        bodies, created,
        _parse_ts_column([c.get("updatedAt") for c in kept]),
        pa.array([bool(c.get("isMinimized", False)) for c in kept], pa.bool_()),
    ], schema=COMMENT_SCHEMA)
    return thread, table, rejects


def parse_thread_text(text: str, path: Path, source: str = "zh_postings") -> tuple[dict, list[dict], list[Reject]]:
    """Return (thread row, comment rows as dicts, rejects) for one thread document's text (parse_thread_table)."""
    thread, table, rejects = parse_thread_table(text, path, source)
    return thread, table.to_pylist(), rejects


class ZhPostings:
    """Connector for the Chinese posting threads (GitHub issues of ruanyf/weekly)."""

    name = "zh_postings"
    title = "谁在招人 monthly hiring threads (ruanyf/weekly)"
    url = f"https://github.com/{REPO}/issues?q=谁在招人"
    licence = "Post texts belong to their posters; used for aggregate statistics, contact details removed"
    cadence = "weekly"

    def __init__(self, token: str | None = None, http_get=get):
        self.token = token
        self._get = http_get  # ingest.http.get; tests pass a function that answers with recorded payloads

    def snapshot_files(self, snapshot_dir: Path) -> list[Path]:
        """Return the bundled thread files."""
        return sorted((snapshot_dir / self.name).glob("*.json"))

    def fetch_live(self, dest: Path, timeout_s: float, since: datetime | None = None) -> list[Path]:
        """Fetch the hiring threads and their comments from the GitHub REST API into one JSON file each.

        With `since` (the start of the last successful live pull) only threads updated since then are searched
        (`updated:>=`) and only comments created or edited since then are fetched (the comments endpoint's
        `since`); a thread with no such comment writes no file.
        """
        headers = {"Accept": "application/vnd.github+json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        stamp = since.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if since else None
        query = f"repo:{REPO} in:title {TITLE_MARK}" + (f" updated:>={stamp}" if stamp else "")
        issues, page = [], 1
        while True:
            batch = self._get(f"{API}/search/issues", timeout_s, headers,
                              {"q": query, "per_page": 100, "page": page}).json()
            issues += batch.get("items", [])
            if len(batch.get("items", [])) < 100:
                break
            page += 1
        files = []
        fetched_at = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        for issue in issues:
            comments, page = [], 1
            while True:
                params = {"per_page": 100, "page": page, **({"since": stamp} if stamp else {})}
                chunk = self._get(f"{API}/repos/{REPO}/issues/{issue['number']}/comments", timeout_s, headers,
                                  params).json()
                comments += chunk
                if len(chunk) < 100:
                    break
                page += 1
            if stamp and not comments:
                continue
            first, _ = months_covered(issue["title"], None)
            doc = {
                "issueNumber": issue["number"], "title": issue["title"], "yearMonth": first or "unknown",
                "state": issue.get("state"), "body": issue.get("body") or "", "fetchedAt": fetched_at,
                "comments": [{
                    "id": c["id"], "author": (c.get("user") or {}).get("login", ""), "body": c.get("body") or "",
                    "createdAt": c["created_at"], "updatedAt": c.get("updated_at"),
                    "isMinimized": False,  # the REST API does not expose minimised state
                } for c in comments],
            }
            path = dest / f"{issue['number']}.json"
            path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
            files.append(path)
        return files

    def parse(self, files: list[Path]) -> Parsed:
        """Return raw tables 'threads' (one row a thread) and 'comments' (one row a comment)."""
        threads, comments, out = [], [], Parsed()
        for path in files:
            try:
                thread, table, rejects = parse_thread_file(path, self.name)
            except SourceFormatError as exc:
                out.rejects.append(Reject(self.name, path.name, None, exc.problem))
                continue
            threads.append(thread)
            comments.append(table)
            out.rejects += rejects
        out.tables["threads"] = pd.DataFrame(threads, columns=THREAD_COLUMNS)
        out.tables["comments"] = pa.concat_tables(comments or [COMMENT_SCHEMA.empty_table()]).to_pandas()
        return out
