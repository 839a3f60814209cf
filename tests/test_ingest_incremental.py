"""Incremental live pulls (issue 3): each live connector asks only for what changed since the last successful
live batch. No network: the connectors take an HTTP function, and the one here answers with payloads reshaped
from the bundled real data into each API's response format, applying the API's documented filter."""

import gzip
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx

from core.db import connect
from ingest.hn import HnWhoIsHiring
from ingest.landing import land, last_live_fetch, load
from ingest.usajobs import UsaJobs
from ingest.zh_postings import ZhPostings

SNAPSHOTS = Path(__file__).resolve().parents[1] / "data" / "snapshots"


def _ts(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


class GitHubRecorded:
    """The GitHub REST API for one real thread (tests/fixtures/postings/zh_thread_1392.json): issue search and
    issue comments, honouring `updated:>=` and the comments endpoint's `since` (updated at or after)."""

    def __init__(self, thread: dict):
        self.thread, self.calls = thread, []

    def __call__(self, url, timeout_s, headers=None, params=None, pause_s=1.0):
        self.calls.append((url, dict(params or {})))
        since = (params or {}).get("since")
        comments = [c for c in self.thread["comments"] if since is None or _ts(c["updatedAt"]) >= _ts(since)]
        if url.endswith("/search/issues"):
            body = {"items": [{"number": self.thread["issueNumber"], "title": self.thread["title"],
                               "state": self.thread["state"], "body": self.thread["body"]}]}
        else:
            page, per_page = params["page"], params["per_page"]
            body = [{"id": c["id"], "user": {"login": c["author"]}, "body": c["body"], "created_at": c["createdAt"],
                     "updated_at": c["updatedAt"]} for c in comments][(page - 1) * per_page:page * per_page]
        return httpx.Response(200, json=body)


def test_zh_postings_pulls_only_comments_updated_since(tmp_path, postings_fixtures):
    thread = json.loads((postings_fixtures / "zh_thread_1392.json").read_text(encoding="utf-8"))
    api = GitHubRecorded(thread)
    files = ZhPostings(http_get=api).fetch_live(tmp_path, 1, since=_ts("2020-08-31T00:00:00Z"))
    landed = json.loads(files[0].read_text(encoding="utf-8"))
    # the three comments written or edited on 31 August or later, nothing older
    assert [c["id"] for c in landed["comments"]] == [683523039, 683534559, 683537038]
    query = api.calls[0][1]["q"]
    assert query.endswith("updated:>=2020-08-31T00:00:00Z") and api.calls[1][1]["since"] == "2020-08-31T00:00:00Z"
    assert ZhPostings(http_get=api).fetch_live(tmp_path / "none", 1, since=_ts("2021-01-01T00:00:00Z")) == []


def test_landing_passes_the_last_live_batch_start_and_staging_sees_every_comment(tmp_path, postings_fixtures):
    thread = json.loads((postings_fixtures / "zh_thread_1392.json").read_text(encoding="utf-8"))
    api, raw, db = GitHubRecorded(thread), tmp_path / "raw", tmp_path / "wh.duckdb"
    source = ZhPostings(http_get=api)
    assert last_live_fetch(raw, "zh_postings") is None
    first = land(source, "live", tmp_path, raw)
    assert first.manifest["since"] is None and "since" not in api.calls[1][1]
    started = first.manifest["fetch_started_at"]
    assert last_live_fetch(raw, "zh_postings") == _ts(started)
    api.calls.clear()
    second = land(source, "live", tmp_path, raw)
    assert second.manifest["since"] == started and api.calls[0][1]["q"].endswith(f"updated:>={started}")
    con = connect(db)
    try:
        assert load(con, source, first).rows["comments"] == 6
        load(con, source, second)  # nothing was updated after the first pull: an empty batch
        assert con.execute("SELECT count(DISTINCT comment_id) FROM raw.zh_postings__comments").fetchone()[0] == 6
    finally:
        con.close()


def _real_english_posts() -> list[str]:
    """English postings from the bundled threads (no HN comment text is bundled: the HN snapshot is term counts)."""
    ids = {1288913671, 1951165277, 2270451527}
    bodies = []
    for path in sorted((SNAPSHOTS / "zh_postings").glob("*.json")):
        bodies += [c["body"] for c in json.loads(path.read_text(encoding="utf-8"))["comments"] if c["id"] in ids]
    return bodies


class AlgoliaRecorded:
    """HN Algolia search_by_date: one 'Who is hiring?' story and its comments (two postings, one reply),
    honouring numericFilters=created_at_i>N."""

    def __init__(self):
        posts = _real_english_posts()
        self.story = {"objectID": "40224213", "title": "Ask HN: Who is hiring? (May 2024)", "created_at_i": 1714575600}
        self.comments = [
            {"objectID": "40224300", "parent_id": 40224213, "comment_text": posts[0], "created_at_i": 1714580000,
             "created_at": "2024-05-01T16:13:20Z"},
            {"objectID": "40990000", "parent_id": 40224213, "comment_text": posts[1], "created_at_i": 1715600000,
             "created_at": "2024-05-13T11:33:20Z"},
            {"objectID": "40990001", "parent_id": 40990000, "comment_text": posts[2], "created_at_i": 1715600100,
             "created_at": "2024-05-13T11:35:00Z"},
        ]
        self.calls = []

    def __call__(self, url, timeout_s, headers=None, params=None, pause_s=1.0):
        self.calls.append((url, dict(params or {})))
        after = int(params.get("numericFilters", "created_at_i>0").split(">")[1])
        if params["tags"].startswith("story"):
            hits = [self.story] if self.story["created_at_i"] > after else []
        else:
            hits = [c for c in self.comments if c["created_at_i"] > after]
        return httpx.Response(200, json={"hits": hits, "nbPages": 1})


def test_hn_pulls_only_top_level_comments_created_since(tmp_path):
    api = AlgoliaRecorded()
    since = datetime.fromtimestamp(1715000000, tz=timezone.utc)
    files = HnWhoIsHiring(http_get=api).fetch_live(tmp_path, 1, since=since)
    assert api.calls[1][1]["numericFilters"] == "created_at_i>1715000000"
    assert api.calls[1][1]["tags"] == "comment,story_40224213"
    parsed = HnWhoIsHiring().parse(files)
    postings = parsed.tables["postings"]
    assert list(postings["comment_id"]) == [40990000]  # the older posting and the reply are not pulled
    assert postings["text"].iloc[0] == _real_english_posts()[1] and not parsed.rejects


class UsaJobsRecorded:
    """The USAJOBS Search API answering with bundled real postings as SearchResultItems."""

    def __init__(self, records: list[dict]):
        self.records, self.calls = records, []

    def __call__(self, url, timeout_s, headers=None, params=None, pause_s=1.0):
        self.calls.append((url, dict(params or {})))
        items = [{"MatchedObjectId": r["control_number"], "MatchedObjectDescriptor": {
            "PositionTitle": r["position_title"], "DepartmentName": r["department"], "OrganizationName": r["agency"],
            "JobCategory": [dict(zip(("Code", "Name"), s.split(" - ", 1))) for s in r["occupation_series"]],
            "PublicationStartDate": r["open_date"] + "T00:00:00", "ApplicationCloseDate": r["close_date"] + "T23:59:59",
            "PositionURI": r["usajobs_url"]}} for r in self.records]
        return httpx.Response(200, json={"SearchResult": {"SearchResultItems": items,
                                                          "UserArea": {"NumberOfPages": "1"}}})


def test_usajobs_asks_for_the_days_since_the_last_pull(tmp_path):
    with gzip.open(SNAPSHOTS / "usajobs" / "usajobs_postings_2024_2025.json.gz", "rt", encoding="utf-8") as f:
        records = json.load(f)[:5]
    api = UsaJobsRecorded(records)
    source = UsaJobs(api_key="k", user_agent_email="e@example.org", http_get=api)
    files = source.fetch_live(tmp_path, 1, since=datetime.now(timezone.utc) - timedelta(days=3, hours=2))
    assert api.calls[0][1]["DatePosted"] == 4
    source.fetch_live(tmp_path, 1)
    assert api.calls[1][1]["DatePosted"] == 60
    assert json.loads(files[0].read_text(encoding="utf-8")) == records
