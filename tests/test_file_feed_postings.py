"""A file feed (TALENTCAST_FEED_DIRS: a feed.json folder of CSV, JSONL or Parquet drops) through the postings chain:
composed postings of a CSV feed and a JSONL feed are landed by the refresh-sources Prefect flow beside the bundled
offline sources (loaded by the pipeline steps), staged (contact details redacted, not-a-posting flags), tagged,
linked as reposts and counted into demand/GLOBAL/<feed>/{all,ai,mfg,ai_mfg}. A build with no feed has zero feed rows
and the chain's other sources do not move when a feed arrives."""

import json
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from core.db import connect
from core.settings import REPO_ROOT, get_settings
from features.build import FEATURES, OPTIONAL_RAW, POSTINGS_STAGING, build_models
from flows import steps
from ingest.file_feed import RAW_COLUMNS, FeedConfig, FileFeed
from ingest.landing import land, load
from ingest.registry import all_sources

SNAPSHOTS = REPO_ROOT / "data" / "snapshots"
JAN, FEB, MAR = date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)
VISION = "Train PyTorch deep learning models for defect inspection on our automotive production lines."
ACME = [  # Req ID, Job Title, Description, Opened, Company, Location
    ("R1", "Machine Vision Engineer", VISION, "2025-01-06", "Acme Robotics", "Munich"),                    # AI x mfg
    ("R2", "PLC Controls Engineer", "Program PLC and SCADA systems for the packaging lines in our factory.",
     "2025-01-15", "Beta Packaging", "Ohio"),                                                             # mfg only
    ("R3", "LLM Engineer", "Build LLM evaluation pipelines for retail banking chat assistants.", "2025-01-20",
     "Gamma Bank", "London"),                                                                             # AI only
    ("R4", "Machine Vision Engineer", VISION, "2025-03-03", "Acme Robotics", "Munich"),  # R1 reposted in March
    ("R5", "Sales Analyst", "Weekly sales reporting. Call 13812345678 or write to jobs@delta.example.",
     "2025-03-10", "Delta Retail", "Shanghai"),                                                           # contacts
    ("R6", "求职：机器视觉算法工程师", "3年经验，求内推。", "2025-03-12", "", ""),                            # job seeker
    ("R7", "机器视觉算法工程师", "负责工业相机缺陷检测算法开发，熟悉深度学习和PyTorch，服务汽车零部件产线。", "2025-03-20",
     "苏州智造科技有限公司", "苏州"),                                                                        # Chinese
    ("R8", "Welder", "Night shift.", "", "Epsilon", "Ohio"),                                              # no date
]
BETA = [  # a JSONL feed; its R1 is another posting than acme_ats's R1
    {"id": "R1", "role": "Robot Perception Engineer", "body": "<p>SLAM and sensor fusion for mobile robots in "
     "warehouses and factories.</p>", "date": "2025-02-11T09:00:00", "org": "Hexa Motion"},
    {"id": "B2", "role": "Frontend Developer", "body": "React and TypeScript for our web shop.", "date": "2025-02-14",
     "org": "Shop Co"},
]


def write_feeds(root: Path) -> tuple[Path, Path]:
    """Write the CSV feed acme_ats and the JSONL feed beta_jobs under `root`; return their folders."""
    acme, beta = root / "acme", root / "beta"
    acme.mkdir(parents=True)
    beta.mkdir(parents=True)
    (acme / "feed.json").write_text(json.dumps({"name": "acme_ats", "format": "csv", "columns": {
        "posting_id": "Req ID", "title": "Job Title", "text": "Description", "posted_date": "Opened",
        "employer": "Company", "region": "Location", "lang": None}}), encoding="utf-8")
    pd.DataFrame(ACME, columns=["Req ID", "Job Title", "Description", "Opened", "Company", "Location"]) \
        .to_csv(acme / "drop_2025q1.csv", index=False)
    (beta / "feed.json").write_text(json.dumps({"name": "beta_jobs", "format": "jsonl", "columns": {
        "posting_id": "id", "title": "role", "text": "body", "posted_date": "date", "employer": "org"}}),
        encoding="utf-8")
    (beta / "postings.jsonl").write_text("\n".join(json.dumps(r) for r in BETA) + "\n", encoding="utf-8")
    return acme, beta


def _with_env(env: dict[str, str], fn):
    """Call fn() with TALENTCAST_* settings from `env` (get_settings() is cached: cleared around the call)."""
    with pytest.MonkeyPatch.context() as mp:
        for k, v in env.items():
            mp.setenv(k, v)
        get_settings.cache_clear()
        try:
            return fn()
        finally:
            get_settings.cache_clear()


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory, prefect_harness):
    """An offline build of staging and features (every bundled source, no feed), then the two feeds landed by the
    refresh-sources flow and a rebuild. Returns the warehouse path and what the build without feeds saw."""
    from flows.pipeline import refresh_sources

    tmp = tmp_path_factory.mktemp("feed")
    home = tmp / "home"
    settings_env = {"TALENTCAST_HOME": str(home), "TALENTCAST_SNAPSHOT_DIR": str(SNAPSHOTS)}
    db, raw = home / "warehouse" / "talentcast.duckdb", home / "raw"
    db.parent.mkdir(parents=True)
    for source in all_sources().values():
        assert steps.ingest_source(db, source, "offline", SNAPSHOTS, raw, 5).ok
    steps.load_reference(db, REPO_ROOT / "seeds")
    offline = {**steps.build_layer(db, "staging"), **steps.build_layer(db, "features")}
    snapshot = {t: _rows(db, f"SELECT * FROM {t} ORDER BY ALL") for t in (
        "features.feat_demand_zh__monthly", "features.feat_demand_hn__monthly", "features.int_postings__counted")}
    acme, beta = write_feeds(tmp / "feeds")
    feeds = f"{acme},{beta}"
    outcomes = _with_env({**settings_env, "TALENTCAST_FEED_DIRS": feeds, "TALENTCAST_SOURCES": "acme_ats,beta_jobs"},
                         lambda: refresh_sources(cadence="weekly"))
    raw_once = _rows(db, "SELECT * EXCLUDE (_fetched_at) FROM raw.file_feed__postings ORDER BY ALL")
    again = _with_env({**settings_env, "TALENTCAST_FEED_DIRS": feeds, "TALENTCAST_SOURCES": "acme_ats,beta_jobs"},
                      lambda: refresh_sources(cadence="weekly"))
    rebuilt = {**steps.build_layer(db, "staging"), **steps.build_layer(db, "features")}
    return {"db": db, "raw": raw, "offline": offline, "snapshot": snapshot, "outcomes": outcomes, "again": again,
            "raw_once": raw_once, "rebuilt": rebuilt, "acme": acme}


def _rows(db, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def _ids(db) -> dict[str, int]:
    """posting id -> comment_id of the acme_ats feed."""
    return dict(_rows(db, "SELECT posting_id, comment_id FROM staging.stg_file_feed__postings WHERE feed = 'acme_ats'"))


def test_a_build_without_feeds_has_no_feed_rows(warehouse):
    offline = warehouse["offline"]
    assert offline["staging.stg_file_feed__postings"] == 0 and offline["features.feat_demand_file_feed__monthly"] == 0
    assert offline["staging.stg_postings__comments"] == offline["staging.stg_zh_postings__comments"] > 1000
    # the runner made the raw table with the columns the loader declares
    declared = {c: t for c, t in OPTIONAL_RAW["raw.file_feed__postings"].items() if not c.startswith("_")}
    assert declared == RAW_COLUMNS


def test_the_flow_lands_each_feed_once_into_one_raw_table_with_rejects(warehouse):
    by_source = {o["source"]: o for o in warehouse["outcomes"]}
    assert (by_source["acme_ats"]["rows"], by_source["acme_ats"]["rejects"]) == (7, 1)
    assert (by_source["beta_jobs"]["rows"], by_source["beta_jobs"]["rejects"]) == (2, 0)
    assert by_source["acme_ats"]["batch_id"].startswith("acme_ats-")
    rejects = _rows(warehouse["db"], "SELECT file, record, problem FROM raw.rejects WHERE source = 'acme_ats'")
    assert rejects == [("drop_2025q1.csv", "row 8", "missing ['posted_date']")]
    feeds = _rows(warehouse["db"], "SELECT feed, count(*) FROM raw.file_feed__postings GROUP BY ALL ORDER BY 1")
    assert feeds == [("acme_ats", 7), ("beta_jobs", 2)]
    # the same drop again: the batches are skipped, the raw rows are the same
    assert all(o["skipped"] for o in warehouse["again"])
    assert _rows(warehouse["db"], "SELECT * EXCLUDE (_fetched_at) FROM raw.file_feed__postings ORDER BY ALL") == \
        warehouse["raw_once"]


def test_staging_redacts_flags_and_keys_feed_postings(warehouse):
    rows = {r[0]: r[1:] for r in _rows(warehouse["db"], """
        SELECT posting_id, comment_id, month, author_key, not_posting_reason, text, region
        FROM staging.stg_file_feed__postings WHERE feed = 'acme_ats'""")}
    assert sorted(rows) == ["R1", "R2", "R3", "R4", "R5", "R6", "R7"]
    assert all(r[0] < 0 for r in rows.values())  # feed ids are negative: GitHub and HN ids are positive
    assert rows["R1"][1] == JAN and rows["R4"][1] == MAR
    assert rows["R1"][2].startswith("u_") and rows["R1"][2] == rows["R4"][2] != rows["R2"][2]  # same employer
    assert rows["R1"][4] == "Machine Vision Engineer\n\n" + VISION  # the title is the first line
    assert rows["R5"][4] == "Sales Analyst\n\nWeekly sales reporting. Call [phone] or write to [email]."
    assert rows["R6"][3] == "question or job seeker"
    assert [r[3] for k, r in rows.items() if k != "R6"] == [None] * 6
    assert rows["R7"][5] == "苏州"
    beta = dict(_rows(warehouse["db"], "SELECT posting_id, text FROM staging.stg_file_feed__postings "
                                       "WHERE feed = 'beta_jobs'"))
    assert beta["R1"] == ("Robot Perception Engineer\n\nSLAM and sensor fusion for mobile robots in warehouses and "
                          "factories.")  # the HTML description is plain text
    union = _rows(warehouse["db"], "SELECT source, count(*) FROM staging.stg_postings__comments "
                                   "WHERE source NOT IN ('zh_postings', 'hn') GROUP BY ALL ORDER BY 1")
    assert union == [("acme_ats", 7), ("beta_jobs", 2)]
    # the same posting id in two feeds is two postings
    assert len(_rows(warehouse["db"], "SELECT DISTINCT comment_id FROM staging.stg_file_feed__postings "
                                      "WHERE posting_id = 'R1'")) == 2


def test_feed_postings_are_tagged_with_evidence_and_reposts_linked(warehouse):
    ids = _ids(warehouse["db"])
    tags = {r[0]: r[1:] for r in _rows(warehouse["db"], """
        SELECT comment_id, is_posting, ai, mfg, ai_mfg, ai_skills, evidence
        FROM features.int_postings__tagged WHERE source = 'acme_ats'""")}
    assert [k for k, v in ids.items() if not tags[v][0]] == ["R6"]  # the job seeker is not a posting (not counted)
    got = {k: tags[v][1:4] for k, v in ids.items() if k != "R6"}
    assert got == {"R1": (True, True, True), "R2": (False, True, False), "R3": (True, False, False),
                   "R4": (True, True, True), "R5": (False, False, False), "R7": (True, True, True)}
    assert tags[ids["R1"]][4] == ["deep learning", "machine vision", "pytorch"]
    assert any(e.startswith("automotive: ") for e in tags[ids["R1"]][5])  # the manufacturing evidence
    assert tags[ids["R3"]][4] == ["large language models"]
    links = dict(_rows(warehouse["db"], "SELECT comment_id, (repost_group, link) FROM features.int_postings__reposts "
                                        "WHERE comment_id IN ?", [[ids["R1"], ids["R4"]]]))
    assert links == {ids["R1"]: (ids["R1"], "first"), ids["R4"]: (ids["R1"], "exact")}
    # the first line is the position's title: occupation coding reads it (SOC for English, CSCO for Chinese titles)
    codes = dict(_rows(warehouse["db"], "SELECT comment_id, (title, soc_code, csco_code) FROM "
                                        "features.int_postings__occupations WHERE comment_id IN ?",
                       [[ids["R2"], ids["R7"]]]))
    assert codes == {ids["R2"]: ("PLC Controls Engineer", "17-2071", None),
                     ids["R7"]: ("机器视觉算法工程师", None, "2-02-10-03")}


def test_monthly_series_per_feed_with_zero_months_inside_the_span(warehouse):
    series = _rows(warehouse["db"], "SELECT unique_id, ds, y FROM features.feat_panel "
                                    "WHERE unique_id LIKE 'demand/GLOBAL/acme_ats/%' ORDER BY ALL")
    expected = {"all": (3, 0, 3), "ai": (2, 0, 2), "mfg": (2, 0, 2), "ai_mfg": (1, 0, 2)}  # March: R4 (repost), R7
    assert series == sorted((f"demand/GLOBAL/acme_ats/{s}", ds, float(y))
                            for s, ys in expected.items() for ds, y in zip((JAN, FEB, MAR), ys))
    beta = _rows(warehouse["db"], "SELECT unique_id, ds, y FROM features.feat_panel "
                                  "WHERE unique_id LIKE 'demand/GLOBAL/beta_jobs/%' ORDER BY ALL")
    assert beta == [("demand/GLOBAL/beta_jobs/ai", FEB, 1.0), ("demand/GLOBAL/beta_jobs/ai_mfg", FEB, 1.0),
                    ("demand/GLOBAL/beta_jobs/all", FEB, 2.0), ("demand/GLOBAL/beta_jobs/mfg", FEB, 1.0)]
    meta = _rows(warehouse["db"], "SELECT source, region, label, is_ai_mfg FROM features.series "
                                  "WHERE unique_id = 'demand/GLOBAL/acme_ats/ai_mfg'")
    assert meta == [("acme_ats", "GLOBAL", "File feed acme_ats: AI x manufacturing postings", True)]
    # the other sources' series and counts do not move when feeds arrive
    for table, before in warehouse["snapshot"].items():
        where = " WHERE source = 'zh_postings'" if table.endswith("counted") else ""
        assert _rows(warehouse["db"], f"SELECT * FROM {table}{where} ORDER BY ALL") == before, table


def test_first_seen_counts_the_repost_month_as_no_new_opening(warehouse):
    con = connect(warehouse["db"])
    try:
        again = [m for m in FEATURES if m.table in ("int_postings__counted", "feat_demand_file_feed__monthly")]
        con.execute("SET VARIABLE repost_rule = 'first_seen'")
        build_models(con, again)
        first_seen = con.execute("SELECT ds, y FROM features.feat_demand_file_feed__monthly "
                                 "WHERE unique_id = 'demand/GLOBAL/acme_ats/ai_mfg' ORDER BY ds").fetchall()
        con.execute("RESET VARIABLE repost_rule")
        build_models(con, again)
    finally:
        con.close()
    assert first_seen == [(JAN, 1.0), (FEB, 0.0), (MAR, 1.0)]  # March: R7 only, R4 is R1 again


def test_freshness_and_skill_trends_name_the_feed(warehouse):
    from features.build import MARTS

    con = connect(warehouse["db"])
    try:
        build_models(con, [m for m in MARTS if m.table == "skill_trends"])
        trends = con.execute("SELECT ds, postings, all_postings FROM marts.skill_trends WHERE source = 'acme_ats' "
                             "AND level = 'skill' AND name = 'pytorch' ORDER BY ds").fetchall()
        freshness = con.execute(f"SELECT source, title, rows, rejects, series, first_period, last_period FROM "
                                f"({(REPO_ROOT / 'features/sql/marts/data_freshness.sql').read_text()}) "
                                "WHERE source = 'acme_ats'").fetchall()
    finally:
        con.close()
    assert trends == [(JAN, 1.0, 3.0), (MAR, 2.0, 3.0)]  # R1; R4 and R7 (months with counted postings)
    assert freshness == [("acme_ats", "file feed acme_ats: csv files dropped in a feed.json folder", 7, 1, 4, JAN, MAR)]


def test_a_new_drop_replaces_a_posting_and_reloads_only_its_feed(warehouse, tmp_path):
    """A later extract of the same feed (R3 closed and re-dated, a new posting) lands as a new batch; staging keeps
    the latest row per posting id, the other feed's rows stay."""
    con = connect(warehouse["db"])
    try:
        before = con.execute("SELECT feed, count(*) FROM raw.file_feed__postings GROUP BY ALL ORDER BY 1").fetchall()
        folder = tmp_path / "acme"
        folder.mkdir()
        (folder / "feed.json").write_text((warehouse["acme"] / "feed.json").read_text())
        pd.DataFrame([("R3", "LLM Engineer", "Build LLM evaluation pipelines for retail banking chat assistants.",
                       "2025-04-02", "Gamma Bank", "London")],
                     columns=["Req ID", "Job Title", "Description", "Opened", "Company", "Location"]) \
            .to_csv(folder / "drop_2025q2.csv", index=False)
        feed = FileFeed(folder)
        result = load(con, feed, land(feed, "offline", tmp_path, warehouse["raw"]))
        build_models(con, POSTINGS_STAGING)
        after = con.execute("SELECT feed, count(*) FROM raw.file_feed__postings GROUP BY ALL ORDER BY 1").fetchall()
        r3 = con.execute("SELECT month FROM staging.stg_file_feed__postings WHERE feed = 'acme_ats' "
                         "AND posting_id = 'R3'").fetchall()
        n = con.execute("SELECT count(*) FROM staging.stg_file_feed__postings WHERE feed = 'acme_ats'").fetchone()
        # put the module's warehouse back as it was
        con.execute("DELETE FROM raw.file_feed__postings WHERE _batch_id = ?", [result.batch_id])
        con.execute("DELETE FROM meta.batches WHERE batch_id = ?", [result.batch_id])
        build_models(con, POSTINGS_STAGING)
    finally:
        con.close()
    assert not result.skipped and result.rows == {"postings": 1}
    assert after == [("acme_ats", 8), ("beta_jobs", 2)] and before == [("acme_ats", 7), ("beta_jobs", 2)]
    assert r3 == [(date(2025, 4, 1),)] and n == (7,)


def test_parquet_feed_and_a_batch_loaded_before_the_shared_table(tmp_path):
    """A Parquet feed loads with declared types even when an optional column is all null; a batch loaded into the
    former per-feed table raw.<name>__postings is loaded again into raw.file_feed__postings."""
    folder = tmp_path / "feed"
    folder.mkdir()
    (folder / "feed.json").write_text(json.dumps({"name": "gamma_extract", "format": "parquet", "columns": {
        "posting_id": "pid", "title": "t", "posted_date": "d", "region": "r"}}), encoding="utf-8")
    pd.DataFrame({"pid": ["1", "2"], "t": ["Robotics Engineer", "Data Scientist"], "d": ["2025-05-02", "2025-06-30"],
                  "r": [None, None]}).to_parquet(folder / "x.parquet")
    feed = FileFeed(folder)
    batch = land(feed, "offline", tmp_path, tmp_path / "raw")
    con = connect(tmp_path / "wh.duckdb")
    try:
        # what the earlier loader left: the batch in meta.batches, its rows in raw.gamma_extract__postings
        load(con, feed, batch)
        con.execute("CREATE TABLE raw.gamma_extract__postings AS SELECT * EXCLUDE (feed) FROM raw.file_feed__postings")
        con.execute("DROP TABLE raw.file_feed__postings")
        again = load(con, feed, batch)
        types = dict(con.execute("SELECT column_name, data_type FROM information_schema.columns WHERE "
                                 "table_schema = 'raw' AND table_name = 'file_feed__postings'").fetchall())
        rows = con.execute("SELECT feed, posting_id, posted_date, region FROM raw.file_feed__postings "
                           "ORDER BY posting_id").fetchall()
        third = load(con, feed, batch)
    finally:
        con.close()
    assert not again.skipped and again.rows == {"postings": 2} and third.skipped
    assert types["region"] == "VARCHAR" and types["posted_date"] == "DATE"
    assert rows == [("gamma_extract", "1", date(2025, 5, 2), None), ("gamma_extract", "2", date(2025, 6, 30), None)]


def test_live_mode_lands_copies_of_the_dropped_files(tmp_path):
    acme, _ = write_feeds(tmp_path / "feeds")
    feed = FileFeed(acme)
    batch = land(feed, "live", tmp_path, tmp_path / "raw")
    assert [f.name for f in batch.files] == ["drop_2025q1.csv"] and all(f.exists() for f in batch.files)
    assert batch.folder in batch.files[0].parents
    con = connect(tmp_path / "wh.duckdb")
    try:
        assert load(con, feed, batch).rows == {"postings": 7}
    finally:
        con.close()


def test_feed_names_that_would_shadow_a_table_or_series_are_refused(tmp_path):
    for name in ("file_feed", "hn_postings"):
        (tmp_path / "feed.json").write_text(json.dumps({"name": name, "format": "csv", "columns": {
            "posting_id": "i", "title": "t", "posted_date": "d"}}), encoding="utf-8")
        with pytest.raises(ValueError, match=f"name '{name}' is reserved"):
            FeedConfig.read(tmp_path / "feed.json")


def test_drop_raw_text_redacts_feed_texts_and_staging_stays_the_same(tmp_path):
    from features.redact import drop_raw_text

    acme, _ = write_feeds(tmp_path / "feeds")
    feed = FileFeed(acme)
    con = connect(tmp_path / "wh.duckdb")
    try:
        load(con, feed, land(feed, "live", tmp_path, tmp_path / "raw"))
        models = [m for m in POSTINGS_STAGING if m.table == "stg_file_feed__postings"]
        build_models(con, models)
        before = con.execute("SELECT * FROM staging.stg_file_feed__postings ORDER BY comment_id").fetchall()
        changed = drop_raw_text(con, tmp_path / "raw")
        build_models(con, models)
        after = con.execute("SELECT * FROM staging.stg_file_feed__postings ORDER BY comment_id").fetchall()
        text = con.execute("SELECT text FROM raw.file_feed__postings WHERE posting_id = 'R5'").fetchone()[0]
    finally:
        con.close()
    assert changed["file_feed__postings"] == 1 and changed["files_deleted"] == 1 and after == before
    assert "[phone]" in text and "@" not in text
