"""HN "Who is hiring?" postings of live mode through the postings chain: a recorded Algolia payload
(tests/fixtures/postings/hn_algolia_whoishiring.json, postings composed in the API's HTML) is landed and loaded by
the pipeline steps beside the bundled offline sources; staging cleans it, the int_postings__* models tag, link and
count it, and demand/GLOBAL/hn_postings/* holds its monthly series. An offline run, which has no raw.hn__postings,
builds the same chain with zero HN rows."""

import json
from datetime import date, datetime

import duckdb
import httpx
import pandas as pd
import pytest

from core.db import connect
from core.settings import REPO_ROOT
from features.build import FEATURES, MARTS, OPTIONAL_RAW, POSTINGS_STAGING, ModelBuildError, build_models
from features.html_text import html_to_text
from flows import steps
from ingest.hn import POSTING_DTYPES, HnWhoIsHiring
from ingest.landing import land, load
from ingest.registry import all_sources

SNAPSHOTS = REPO_ROOT / "data" / "snapshots"
MAY, JUNE = date(2024, 5, 1), date(2024, 6, 1)


class AlgoliaRecorded:
    """The HN Algolia API answering from the recorded fixture: the story search, then /items/<story id>."""

    def __init__(self, fixture: dict):
        self.fixture, self.calls = fixture, []

    def __call__(self, url, timeout_s, headers=None, params=None, pause_s=1.0):
        self.calls.append(url)
        if url.endswith("/search_by_date"):
            return httpx.Response(200, json=self.fixture["search_by_date"])
        return httpx.Response(200, json=self.fixture["items"][url.rsplit("/", 1)[1]])


@pytest.fixture(scope="module")
def recorded() -> dict:
    path = REPO_ROOT / "tests" / "fixtures" / "postings" / "hn_algolia_whoishiring.json"
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory, recorded):
    """An offline run's staging and features (every bundled source), then a live HN batch and a rebuild.

    Returns the warehouse path and what the offline build saw, before the HN batch landed."""
    tmp = tmp_path_factory.mktemp("hn")
    db, raw = tmp / "wh.duckdb", tmp / "raw"
    for source in all_sources().values():
        assert steps.ingest_source(db, source, "offline", SNAPSHOTS, raw, 5).ok
    steps.load_reference(db, REPO_ROOT / "seeds")
    con = connect(db)
    had_raw = con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'raw' "
                          "AND table_name = 'hn__postings'").fetchone()[0]
    con.close()
    offline = {**steps.build_layer(db, "staging"), **steps.build_layer(db, "features")}
    con = connect(db)
    offline_types = con.execute("SELECT column_name, data_type FROM information_schema.columns WHERE "
                                "table_schema = 'staging' AND table_name = 'stg_hn__postings' ORDER BY ordinal_position"
                                ).fetchall()
    offline_zh = con.execute("SELECT * FROM features.feat_demand_zh__monthly ORDER BY ALL").fetchall()
    con.close()
    api = AlgoliaRecorded(recorded)
    outcome = steps.ingest_source(db, HnWhoIsHiring(http_get=api), "live", SNAPSHOTS, raw, 5)
    rebuilt = {**steps.build_layer(db, "staging"), **steps.build_layer(db, "features")}
    return {"db": db, "had_raw": had_raw, "offline": offline, "offline_types": offline_types,
            "offline_zh": offline_zh, "outcome": outcome, "rebuilt": rebuilt, "calls": api.calls}


def _rows(db, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_an_offline_run_without_hn_postings_builds_the_chain_with_zero_hn_rows(warehouse):
    assert warehouse["had_raw"] == 0  # offline mode lands the monthly term counts only
    offline = warehouse["offline"]
    assert offline["staging.stg_hn__postings"] == 0 and offline["features.feat_demand_hn_postings__monthly"] == 0
    assert offline["staging.stg_postings__comments"] == offline["staging.stg_zh_postings__comments"] > 1000
    types = dict(warehouse["offline_types"])
    assert (types["comment_id"], types["month"], types["text"], types["is_posting"]) == \
        ("BIGINT", "DATE", "VARCHAR", "BOOLEAN")
    # the runner made the raw table with its declared columns: what a live load of the connector's frame makes
    declared = {c: t for c, t in OPTIONAL_RAW["raw.hn__postings"].items() if not c.startswith("_")}
    frame = pd.DataFrame(columns=list(POSTING_DTYPES)).astype(POSTING_DTYPES)
    con = duckdb.connect()
    assert dict(con.execute("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM frame)").fetchall()) == declared
    con.close()


def test_live_batch_lands_every_top_level_comment_with_its_author(warehouse, recorded):
    assert warehouse["outcome"].ok and warehouse["outcome"].rows == 9 and warehouse["outcome"].rejects == 0
    assert warehouse["calls"][0].endswith("/search_by_date") and len(warehouse["calls"]) == 4  # 3 stories
    raw = _rows(warehouse["db"], "SELECT comment_id, author, created_at FROM raw.hn__postings ORDER BY comment_id")
    assert 40230001 not in [r[0] for r in raw]  # a reply is not a posting
    assert raw[0] == (40224301, "acme_jobs", datetime(2024, 5, 1, 15, 3, 12))


def test_staging_converts_html_redacts_and_flags(warehouse):
    rows = {r[0]: r[1:] for r in _rows(warehouse["db"], """
        SELECT comment_id, month, author_key, not_posting_reason, is_posting, text
        FROM staging.stg_hn__postings ORDER BY comment_id""")}
    assert len(rows) == 9
    acme = rows[40224301]
    assert acme[0] == MAY and acme[1].startswith("u_") and acme[1] != "acme_jobs"
    assert acme[4].startswith("Acme Vision | Machine Vision Engineer (Computer Vision / Deep Learning) | Munich")
    assert "You'll train PyTorch" in acme[4] and "<p>" not in acme[4] and "&#x" not in acme[4]
    # HN shortens a long link's text with "...": the whole address is kept
    assert acme[4].endswith("Apply: https://acmevision.example/careers/machine-vision-engineer-munich-2024")
    northwind = rows[40224302][4]
    assert "@" not in northwind and northwind.endswith("Email me directly: [email] (or [email]), mention HN.")
    assert rows[40224305][2:4] == ("job seeker", False)  # SEEKING WORK
    assert rows[40563401][2:4] == ("not a Who is hiring? thread", False)  # a "Who wants to be hired?" comment
    assert rows[40563401][4].endswith("Email: [email]")
    assert rows[40563301][0] == JUNE and rows[40563301][1] == acme[1]  # same poster, next month's thread
    assert sum(r[3] for r in rows.values()) == 7
    union = _rows(warehouse["db"], "SELECT source, count(*) FROM staging.stg_postings__comments GROUP BY ALL ORDER BY 1")
    assert union[0] == ("hn", 9) and union[1][0] == "zh_postings"


def test_tags_with_evidence_and_the_repost_link(warehouse):
    tags = {r[0]: r[1:] for r in _rows(warehouse["db"], """
        SELECT comment_id, ai, mfg, ai_mfg, ai_skills, evidence FROM features.int_postings__tagged
        WHERE source = 'hn' AND is_posting ORDER BY comment_id""")}
    assert {k: v[:3] for k, v in tags.items()} == {
        40224301: (True, True, True),     # machine vision + PyTorch for automotive factories' production lines
        40224302: (False, False, False),  # billing software
        40224303: (True, False, False),   # LLM evaluation for banks
        40224304: (False, True, False),   # PLC / SCADA controls, no AI
        40224306: (False, False, False),  # a React front end
        40563301: (True, True, True),     # Acme's repost
        40563302: (True, True, True),     # robot perception (SLAM, sensor fusion) for mobile robots
    }
    assert tags[40224301][3] == ["computer vision", "deep learning", "machine vision", "pytorch"]
    assert any(e.startswith("production line: ") for e in tags[40224301][4])
    links = _rows(warehouse["db"], "SELECT comment_id, repost_group, link FROM features.int_postings__reposts "
                                   "WHERE comment_id IN (40224301, 40563301, 40563302) ORDER BY comment_id")
    assert links == [(40224301, 40224301, "first"), (40563301, 40224301, "exact"), (40563302, 40563302, "first")]


def test_monthly_series_count_each_posting_once_per_month_open(warehouse):
    series = _rows(warehouse["db"], "SELECT unique_id, ds, y FROM features.feat_panel "
                                    "WHERE unique_id LIKE 'demand/GLOBAL/hn_postings/%' ORDER BY ALL")
    assert series == [
        ("demand/GLOBAL/hn_postings/ai", MAY, 2.0), ("demand/GLOBAL/hn_postings/ai", JUNE, 2.0),
        ("demand/GLOBAL/hn_postings/ai_mfg", MAY, 1.0), ("demand/GLOBAL/hn_postings/ai_mfg", JUNE, 2.0),
        ("demand/GLOBAL/hn_postings/all", MAY, 5.0), ("demand/GLOBAL/hn_postings/all", JUNE, 2.0),
        ("demand/GLOBAL/hn_postings/mfg", MAY, 2.0), ("demand/GLOBAL/hn_postings/mfg", JUNE, 2.0),
    ]
    meta = _rows(warehouse["db"], "SELECT source, region, label, is_ai_mfg FROM features.series "
                                  "WHERE unique_id = 'demand/GLOBAL/hn_postings/ai_mfg'")
    assert meta == [("hn", "GLOBAL", "HN Who is hiring? live postings: AI x manufacturing", True)]
    # the 谁在招人 series do not move, and the HN term-count series are still there
    assert _rows(warehouse["db"], "SELECT * FROM features.feat_demand_zh__monthly ORDER BY ALL") == \
        warehouse["offline_zh"]
    assert _rows(warehouse["db"], "SELECT count(*) > 0 FROM features.feat_panel "
                                  "WHERE unique_id LIKE 'demand/GLOBAL/hn/%'") == [(True,)]


def test_first_seen_drops_the_repost_and_months_without_a_thread_are_gaps(warehouse):
    con = connect(warehouse["db"])
    try:
        again = [m for m in FEATURES if m.table in ("int_postings__counted", "feat_demand_hn_postings__monthly")]
        con.execute("SET VARIABLE repost_rule = 'first_seen'")
        build_models(con, again)
        first_seen = con.execute("SELECT ds, y FROM features.feat_demand_hn_postings__monthly "
                                 "WHERE unique_id = 'demand/GLOBAL/hn_postings/all' ORDER BY ds").fetchall()
        con.execute("RESET VARIABLE repost_rule")
        build_models(con, again)
    finally:
        con.close()
    assert first_seen == [(MAY, 5.0), (JUNE, 1.0)]  # June: only Hexa Motion is a new opening
    assert _rows(warehouse["db"], "SELECT count(*) FROM features.feat_demand_hn_postings__monthly "
                                  "WHERE ds NOT IN (DATE '2024-05-01', DATE '2024-06-01')") == [(0,)]


def test_skill_trends_and_tagger_ids_carry_the_source(warehouse):
    con = connect(warehouse["db"])
    try:
        build_models(con, [m for m in MARTS if m.table == "skill_trends"])
        hn = con.execute("SELECT ds, postings, all_postings FROM marts.skill_trends WHERE source = 'hn' "
                         "AND level = 'skill' AND name = 'pytorch' ORDER BY ds").fetchall()
        sources = con.execute("SELECT DISTINCT source FROM marts.skill_trends ORDER BY 1").fetchall()
    finally:
        con.close()
    assert hn == [(MAY, 2.0, 5.0), (JUNE, 1.0, 2.0)] and sources == [("hn",), ("zh_postings",)]


def test_an_older_batch_without_author_still_loads_and_builds(tmp_path, recorded):
    """raw.hn__postings made by a batch landed before `author` was kept gets the column, null in old rows."""
    con = connect(tmp_path / "wh.duckdb")
    try:
        con.execute("CREATE TABLE raw.hn__postings (thread_id BIGINT, thread_title VARCHAR, comment_id BIGINT, "
                    "created_at TIMESTAMP, text VARCHAR, fetched_at VARCHAR, _batch_id VARCHAR, _fetched_at TIMESTAMP)")
        con.execute("INSERT INTO raw.hn__postings VALUES (40224213, 'Ask HN: Who is hiring? (May 2024)', 40224399, "
                    "TIMESTAMP '2024-05-01 18:00:00', 'Old Co | Data Scientist | Remote', NULL, 'hn-old', "
                    "TIMESTAMP '2024-05-02 00:00:00')")
        source = HnWhoIsHiring(http_get=AlgoliaRecorded(recorded))
        assert load(con, source, land(source, "live", tmp_path, tmp_path / "raw")).rows["postings"] == 9
        build_models(con, POSTINGS_STAGING[2:3])
        got = con.execute("SELECT comment_id, author_key, month FROM staging.stg_hn__postings "
                          "WHERE comment_id IN (40224399, 40224301) ORDER BY 1").fetchall()
    finally:
        con.close()
    assert got[0][0] == 40224301 and got[0][1].startswith("u_") and got[1] == (40224399, None, MAY)


def test_a_comment_id_in_two_sources_stops_the_build(tmp_path):
    con = connect(tmp_path / "wh.duckdb")
    try:
        con.execute("CREATE TABLE staging.stg_zh_postings__comments AS SELECT 40224301::BIGINT AS comment_id, "
                    "1::BIGINT AS issue_number, DATE '2024-05-01' AS month, 1::BIGINT AS months_covered, "
                    "'u_x' AS author_key, 'text' AS text, TIMESTAMP '2024-05-01' AS created_at, false AS is_minimized, "
                    "'b' AS batch_id, NULL::VARCHAR AS not_posting_reason, true AS is_posting")
        con.execute("CREATE TABLE raw.hn__postings AS SELECT 40224213::BIGINT AS thread_id, "
                    "'Ask HN: Who is hiring? (May 2024)' AS thread_title, 40224301::BIGINT AS comment_id, "
                    "'acme' AS author, TIMESTAMP '2024-05-01' AS created_at, 'Acme | ML Engineer' AS text, "
                    "NULL::VARCHAR AS fetched_at, 'b' AS _batch_id, TIMESTAMP '2024-05-02' AS _fetched_at")
        with pytest.raises(ModelBuildError, match="stg_postings__comments: grain \\(comment_id\\) not unique"):
            build_models(con, POSTINGS_STAGING[2:])
    finally:
        con.close()


@pytest.mark.parametrize("html, text", [
    ("Acme | Engineer | Remote<p>We&#x27;re hiring &quot;now&quot; &amp; later", "Acme | Engineer | Remote\n\n"
                                                                                "We're hiring \"now\" & later"),
    ("See <a href=\"https:&#x2F;&#x2F;a.example&#x2F;jobs\" rel=\"nofollow\">our page</a>.", "See our page."),
    ("<i>Remote</i> ok<pre><code>  pip install x\n  run\n</code></pre>Thanks", "Remote ok\npip install x\nrun\n\nThanks"),
    ("", ""),
    (None, None),
])
def test_html_to_text(html, text):
    assert html_to_text(html) == text


def test_drop_raw_text_keeps_staging_the_same(tmp_path, recorded):
    """TALENTCAST_DROP_RAW_TEXT redacts the raw HTML in place and pseudonymises the HN login: a rebuild of
    staging gives the same rows, and the live batch's landed file is deleted."""
    from features.redact import drop_raw_text

    con = connect(tmp_path / "wh.duckdb")
    try:
        source = HnWhoIsHiring(http_get=AlgoliaRecorded(recorded))
        load(con, source, land(source, "live", tmp_path, tmp_path / "raw"))
        build_models(con, POSTINGS_STAGING[2:3])
        before = con.execute("SELECT * FROM staging.stg_hn__postings ORDER BY comment_id").fetchall()
        changed = drop_raw_text(con, tmp_path / "raw")
        build_models(con, POSTINGS_STAGING[2:3])
        after = con.execute("SELECT * FROM staging.stg_hn__postings ORDER BY comment_id").fetchall()
        raw = con.execute("SELECT author, text FROM raw.hn__postings WHERE comment_id = 40224302").fetchone()
    finally:
        con.close()
    assert changed["hn__postings"] == 9 and changed["files_deleted"] == 1 and after == before
    assert raw[0].startswith("u_") and "@" not in raw[1] and 'href="mailto:[email]"' in raw[1]


def test_a_text_posted_in_both_sources_counts_in_each(seeded_warehouse):
    """Reposts are linked across sources (one repost model), but each source counts its own postings: under
    first_seen an HN text whose earliest match is a 谁在招人 comment is new on HN the first time only."""
    con = seeded_warehouse({
        "skill_terms.csv": "skill,kind,cluster,lang,term,source\npytorch,ai,ml_dl,en,PyTorch,test\n",
        "skill_stopphrases.csv": "phrase,reason\n",
    }, copied=("postings_rules.csv", "cn_regions.csv"))
    body = ("Acme Robotics | Perception Engineer | Shanghai or Remote\n\nWe train PyTorch models that guide robot arms "
            "on assembly lines for electronics makers; you will own data collection and evaluation.")
    con.execute("CREATE TABLE raw.zh_postings__threads AS SELECT 1::BIGINT AS issue_number, '谁在招人（2024年5月）' AS "
                "title, '2024-05' AS year_month, '2024-05' AS first_month, '2024-05' AS last_month, '' AS body, "
                "TIMESTAMP '2024-06-01' AS fetched_at, 'b' AS _batch_id, TIMESTAMP '2024-06-01' AS _fetched_at")
    con.execute("CREATE TABLE raw.zh_postings__comments AS SELECT 10::BIGINT AS comment_id, 1::BIGINT AS issue_number, "
                "'acme' AS author, ? AS body, TIMESTAMP '2024-05-01 01:00:00' AS created_at, NULL::TIMESTAMP AS "
                "updated_at, false AS is_minimized, 'b' AS _batch_id, TIMESTAMP '2024-06-01' AS _fetched_at", [body])
    html = body.replace("\n\n", "<p>").replace(";", "&#x3B;")
    con.execute("CREATE TABLE raw.hn__postings AS SELECT * FROM (VALUES "
                "(40224213, 'Ask HN: Who is hiring? (May 2024)', 40224400, TIMESTAMP '2024-05-01 16:00:00'), "
                "(40563283, 'Ask HN: Who is hiring? (June 2024)', 40563400, TIMESTAMP '2024-06-03 16:00:00')) "
                "t(thread_id, thread_title, comment_id, created_at), "
                "(SELECT 'acme_hn' AS author, ? AS text, NULL AS fetched_at, 'h' AS _batch_id, "
                "TIMESTAMP '2024-06-04' AS _fetched_at)", [html])
    models = POSTINGS_STAGING + [m for m in FEATURES if m.table in (
        "int_skill_terms__patterns", "int_postings__positions", "int_postings__skill_matches", "int_postings__tagged",
        "int_postings__attributes", "int_postings__reposts", "int_postings__counted", "feat_demand_zh__monthly",
        "feat_demand_hn_postings__monthly")]
    build_models(con, models)
    links = con.execute("SELECT comment_id, repost_group, link FROM features.int_postings__reposts ORDER BY 1").fetchall()
    assert links == [(10, 10, "first"), (40224400, 10, "exact"), (40563400, 10, "exact")]

    def series() -> list[tuple]:
        build_models(con, models[-3:])
        return con.execute("SELECT unique_id, ds, y FROM features.feat_demand_zh__monthly WHERE unique_id LIKE '%/all' "
                           "UNION ALL SELECT unique_id, ds, y FROM features.feat_demand_hn_postings__monthly "
                           "WHERE unique_id LIKE '%/all' ORDER BY ALL").fetchall()

    assert series() == [("demand/CN/zh_postings/all", MAY, 1.0), ("demand/GLOBAL/hn_postings/all", MAY, 1.0),
                        ("demand/GLOBAL/hn_postings/all", JUNE, 1.0)]
    con.execute("SET VARIABLE repost_rule = 'first_seen'")
    assert series() == [("demand/CN/zh_postings/all", MAY, 1.0), ("demand/GLOBAL/hn_postings/all", MAY, 1.0),
                        ("demand/GLOBAL/hn_postings/all", JUNE, 0.0)]
