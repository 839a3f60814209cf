"""USAJOBS federal job postings: titles, occupation series, open and close dates (no descriptions).

File format (bundled snapshot and live fetch alike): a JSON list (optionally gzipped) of postings
`{control_number, position_title, department, agency, occupation_series: ["0854 - Computer Engineering", ...],
open_date, close_date, usajobs_url}`. Live mode calls the USAJOBS Search API with the key from the environment
(passed in by the caller; it travels in a header and is never logged or written to the batch).
"""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from pathlib import Path

import pandas as pd

from ingest.base import Parsed, Reject, SourceFormatError
from ingest.http import get
from ingest.payload import read_text, record_problem

SEARCH_API = "https://data.usajobs.gov/api/search"
COLUMNS = ["control_number", "position_title", "department", "agency", "occupation_series",
           "occupation_series_all", "open_date", "close_date", "usajobs_url"]
# live default: the engineering, IT, mathematics and physical-science series that hire AI x manufacturing talent
LIVE_SERIES = ("0801", "0830", "0850", "0854", "0855", "0861", "0893", "0896", "1301", "1310", "1515", "1520",
               "1529", "1550", "2210")


def _date(value: object) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def parse_postings_file(path: Path, source: str = "usajobs") -> tuple[list[dict], list[Reject]]:
    """Return (posting rows, rejects) for one file; raise SourceFormatError when the file is unreadable."""
    text = read_text(path)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceFormatError(path, f"invalid or truncated JSON: {exc.msg} at line {exc.lineno} "
                                      f"column {exc.colno}") from exc
    if not isinstance(doc, list):
        raise SourceFormatError(path, f"expected a JSON list of postings, found {type(doc).__name__}")
    rows, rejects = [], []
    for i, rec in enumerate(doc):
        record = f"[{i}]"
        problem = None
        if not isinstance(rec, dict):
            problem = f"posting is a {type(rec).__name__}, not an object"
        elif missing := [k for k in ("control_number", "position_title", "open_date") if rec.get(k) in (None, "")]:
            problem = f"missing {missing}"
        elif _date(rec["open_date"]) is None:
            problem = f"unparseable open_date {rec['open_date']!r}"
        elif not str(rec["control_number"]).isdigit():
            problem = f"control_number {rec['control_number']!r} is not a number"
        else:
            problem = record_problem({k: rec.get(k) for k in ("position_title", "department", "agency")})
        if problem:
            rejects.append(Reject(source, path.name, record, problem, json.dumps(rec, ensure_ascii=False)[:300]))
            continue
        series = [str(s) for s in (rec.get("occupation_series") or [])]
        rows.append({
            "control_number": int(rec["control_number"]), "position_title": str(rec["position_title"]).strip(),
            "department": rec.get("department"), "agency": rec.get("agency"),
            "occupation_series": series[0][:4] if series else None, "occupation_series_all": "|".join(series),
            "open_date": _date(rec["open_date"]), "close_date": _date(rec.get("close_date")),
            "usajobs_url": rec.get("usajobs_url"),
        })
    return rows, rejects


def _from_search_item(item: dict) -> dict:
    """Map one Search API result (MatchedObjectDescriptor) to the snapshot's record format."""
    d = item.get("MatchedObjectDescriptor", {})
    return {
        "control_number": item.get("MatchedObjectId"), "position_title": d.get("PositionTitle"),
        "department": d.get("DepartmentName"), "agency": d.get("OrganizationName"),
        "occupation_series": [f"{c.get('Code')} - {c.get('Name')}" for c in d.get("JobCategory", [])],
        "open_date": (d.get("PublicationStartDate") or "")[:10], "close_date": (d.get("ApplicationCloseDate") or "")[:10],
        "usajobs_url": d.get("PositionURI"),
    }


class UsaJobs:
    """Connector for US federal postings (USAJOBS): bundled 2024-25 snapshot, or the live Search API."""

    name = "usajobs"
    title = "USAJOBS federal job postings (titles and occupation series)"
    url = "https://developer.usajobs.gov/"
    licence = "US federal work, public domain (snapshot collected by Abigail Haddad, MIT)"
    cadence = "weekly"

    def __init__(self, api_key: str | None = None, user_agent_email: str | None = None,
                 series: tuple[str, ...] = LIVE_SERIES, days_posted: int = 60, http_get=get):
        self._get = http_get  # ingest.http.get; tests pass a function that answers with recorded payloads
        self._api_key = api_key  # never logged, never written to a batch
        self.user_agent_email = user_agent_email
        self.series = series
        self.days_posted = days_posted

    def __repr__(self) -> str:  # keep the key out of any log line that prints the connector
        return f"UsaJobs(api_key={'set' if self._api_key else None}, series={len(self.series)})"

    def snapshot_files(self, snapshot_dir: Path) -> list[Path]:
        """Return the bundled postings files."""
        return sorted((snapshot_dir / self.name).glob("usajobs_postings*.json*"))

    def fetch_live(self, dest: Path, timeout_s: float, since: datetime | None = None) -> list[Path]:
        """Fetch postings of the configured occupation series posted in the last days_posted days; one JSON file.

        With `since` (the start of the last successful live pull) the window shrinks to the whole days since then
        (DatePosted counts days, so the first of them overlaps the last pull; staging keeps one row a posting).
        """
        if not self._api_key or not self.user_agent_email:
            raise SourceFormatError(SEARCH_API, "live USAJOBS needs an API key and the e-mail it was issued to "
                                                "(TALENTCAST_USAJOBS_KEY, TALENTCAST_USAJOBS_EMAIL)")
        headers = {"Host": "data.usajobs.gov", "User-Agent": self.user_agent_email, "Authorization-Key": self._api_key}
        days = self.days_posted
        if since:
            days = min(days, max(1, (datetime.now(timezone.utc) - since).days + 1))
        records, page = [], 1
        while True:
            body = self._get(SEARCH_API, timeout_s, headers, {
                "JobCategoryCode": ";".join(self.series), "DatePosted": days,
                "ResultsPerPage": 500, "Page": page}).json()
            result = body.get("SearchResult", {})
            items = result.get("SearchResultItems", [])
            records += [_from_search_item(i) for i in items]
            pages = int((result.get("UserArea") or {}).get("NumberOfPages", 1) or 1)
            if not items or page >= pages:
                break
            page += 1
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        path = dest / f"usajobs_postings_{stamp}.json"
        path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
        return [path]

    def parse(self, files: list[Path]) -> Parsed:
        """Return raw table 'postings': one row per posting (control number) and file."""
        out, rows = Parsed(), []
        for path in files:
            try:
                file_rows, rejects = parse_postings_file(path, self.name)
            except SourceFormatError as exc:
                out.rejects.append(Reject(self.name, path.name, exc.record, exc.problem))
                continue
            rows += file_rows
            out.rejects += rejects
        out.tables["postings"] = pd.DataFrame(rows, columns=COLUMNS)
        return out
