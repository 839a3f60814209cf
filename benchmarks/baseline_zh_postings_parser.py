"""The thread parser of ingest/zh_postings.py as committed in 07c1860, before the columnar fast path (one dict and two
Python datetime parses per comment), kept verbatim as baseline_*: tests/test_zh_parser_fast_path.py proves the new
parser gives the same rows and rejects.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from ingest.base import Parsed, Reject, SourceFormatError
from ingest.zh_postings import COMMENT_FIELDS, months_covered


def baseline_parse_ts(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(timezone.utc).replace(tzinfo=None)
    except ValueError:
        return None


def baseline_parse_thread_file(path: Path, source: str = "zh_postings") -> tuple[dict, list[dict], list[Reject]]:
    """Return (thread row, comment rows, rejects) for one thread file; raise SourceFormatError if unreadable."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SourceFormatError(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    return baseline_parse_thread_text(text, path, source)


def baseline_parse_thread_text(text: str, path: Path,
                               source: str = "zh_postings") -> tuple[dict, list[dict], list[Reject]]:
    """Return (thread row, comment rows, rejects) for one thread document's text; `path` names it in errors."""
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
        "body": doc.get("body") or "", "fetched_at": baseline_parse_ts(doc.get("fetchedAt")),
    }
    comments, rejects = [], []
    for i, c in enumerate(doc["comments"]):
        record = f"comments[{i}]"
        problem = None
        if not isinstance(c, dict):
            problem = f"comment is a {type(c).__name__}, not an object"
        elif missing := [k for k in COMMENT_FIELDS if c.get(k) in (None, "")]:
            problem = f"missing {missing}"
        elif baseline_parse_ts(c["createdAt"]) is None:
            problem = f"unparseable createdAt {c['createdAt']!r}"
        elif "\x00" in str(c["body"]):
            problem = "NUL byte in body"
        if problem:
            rejects.append(Reject(source, path.name, record, problem, json.dumps(c, ensure_ascii=False)[:300]))
            continue
        comments.append({
            "comment_id": int(c["id"]), "issue_number": thread["issue_number"],
            "author": str(c["author"]), "body": str(c["body"]),
            "created_at": baseline_parse_ts(c["createdAt"]), "updated_at": baseline_parse_ts(c.get("updatedAt")),
            "is_minimized": bool(c.get("isMinimized", False)),
        })
    return thread, comments, rejects


def baseline_parse(files: list[Path], name: str = "zh_postings") -> Parsed:
    """ZhPostings.parse as committed in 07c1860: raw tables 'threads' and 'comments' from lists of dicts."""
    threads, comments, out = [], [], Parsed()
    for path in files:
        try:
            thread, rows, rejects = baseline_parse_thread_file(path, name)
        except SourceFormatError as exc:
            out.rejects.append(Reject(name, path.name, None, exc.problem))
            continue
        threads.append(thread)
        comments += rows
        out.rejects += rejects
    out.tables["threads"] = pd.DataFrame(threads, columns=[
        "issue_number", "title", "year_month", "first_month", "last_month", "body", "fetched_at"])
    out.tables["comments"] = pd.DataFrame(comments, columns=[
        "comment_id", "issue_number", "author", "body", "created_at", "updated_at", "is_minimized"])
    return out
