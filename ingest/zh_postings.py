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

import pandas as pd

from ingest.base import Parsed, Reject, SourceFormatError
from ingest.http import get

REPO = "ruanyf/weekly"
API = "https://api.github.com"
TITLE_MARK = "谁在招人"
MONTH_RANGE = re.compile(r"(\d{4})年(\d{1,2})月(?:\s*[-~～至]\s*(?:(\d{4})年)?(\d{1,2})月)?")
COMMENT_FIELDS = ("id", "author", "body", "createdAt")


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


def parse_thread_file(path: Path, source: str = "zh_postings") -> tuple[dict, list[dict], list[Reject]]:
    """Return (thread row, comment rows, rejects) for one thread file; raise SourceFormatError if unreadable."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SourceFormatError(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    return parse_thread_text(text, path, source)


def parse_thread_text(text: str, path: Path, source: str = "zh_postings") -> tuple[dict, list[dict], list[Reject]]:
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
        "body": doc.get("body") or "", "fetched_at": _parse_ts(doc.get("fetchedAt")),
    }
    comments, rejects = [], []
    for i, c in enumerate(doc["comments"]):
        record = f"comments[{i}]"
        problem = None
        if not isinstance(c, dict):
            problem = f"comment is a {type(c).__name__}, not an object"
        elif missing := [k for k in COMMENT_FIELDS if c.get(k) in (None, "")]:
            problem = f"missing {missing}"
        elif _parse_ts(c["createdAt"]) is None:
            problem = f"unparseable createdAt {c['createdAt']!r}"
        elif "\x00" in str(c["body"]):
            problem = "NUL byte in body"
        if problem:
            rejects.append(Reject(source, path.name, record, problem, json.dumps(c, ensure_ascii=False)[:300]))
            continue
        comments.append({
            "comment_id": int(c["id"]), "issue_number": thread["issue_number"],
            "author": str(c["author"]), "body": str(c["body"]),
            "created_at": _parse_ts(c["createdAt"]), "updated_at": _parse_ts(c.get("updatedAt")),
            "is_minimized": bool(c.get("isMinimized", False)),
        })
    return thread, comments, rejects


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
                thread, rows, rejects = parse_thread_file(path, self.name)
            except SourceFormatError as exc:
                out.rejects.append(Reject(self.name, path.name, None, exc.problem))
                continue
            threads.append(thread)
            comments += rows
            out.rejects += rejects
        out.tables["threads"] = pd.DataFrame(threads, columns=[
            "issue_number", "title", "year_month", "first_month", "last_month", "body", "fetched_at"])
        out.tables["comments"] = pd.DataFrame(comments, columns=[
            "comment_id", "issue_number", "author", "body", "created_at", "updated_at", "is_minimized"])
        return out
