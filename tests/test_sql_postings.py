"""The postings SQL models on hand-written raw rows, with exact expected tags and monthly counts."""

from datetime import date, datetime

import pandas as pd
import pytest

from core.db import connect
from features.build import FEATURES, STAGING, Model, ModelBuildError, build_models, grain_problems, load_seeds

ZH_MODELS = [m for m in STAGING if m.table.startswith("stg_zh")] + \
            [m for m in FEATURES if m.table in ("int_postings__positions", "int_postings__skill_matches",
                                                 "int_postings__tagged", "feat_demand_zh__monthly")]


@pytest.fixture
def con(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "skill_terms.csv").write_text(
        "skill,kind,cluster,lang,term,source\n"
        "machine vision,ai,computer_vision,zh,机器视觉,test\n"
        "artificial intelligence,ai,ai_general,en,AI,test\n"
        "pytorch,ai,ml_dl,en,PyTorch,test\n"
        "industrial robotics,mfg,robotics_hw,zh,机器人,test\n"
        "industrial automation,mfg,automation_plc,en,PLC,test\n")
    (seeds / "skill_stopphrases.csv").write_text("phrase,reason\n聊天机器人,chatbots are not robots\n")
    con = connect(tmp_path / "wh.duckdb")
    load_seeds(con, seeds)
    threads = pd.DataFrame({
        "issue_number": [1, 2, 3], "title": ["谁在招人？（2024年1月）", "谁在招人？（2024年2月-3月）", "谁在招人？（2024年5月）"],
        "year_month": ["2024-01", "2024-02", "2024-05"], "first_month": ["2024-01", "2024-02", "2024-05"],
        "last_month": ["2024-01", "2024-03", "2024-05"], "body": ["", "", ""],
        "fetched_at": [datetime(2026, 1, 1)] * 3, "_batch_id": ["b1"] * 3, "_fetched_at": [datetime(2026, 1, 1)] * 3})
    long_tail = "。负责产线相关工作，欢迎投递简历，联系 hr@example.com 或 13812345678。" * 2
    comments = pd.DataFrame({
        "comment_id": [10, 11, 12, 13, 14, 15],
        "issue_number": [1, 1, 2, 2, 2, 3],
        "author": ["alice", "ruanyf", "bob", "carol", "dan", "erin"],
        "body": ["招聘机器视觉算法工程师，熟悉 PyTorch，为工业机器人产线做缺陷检测" + long_tail,
                 "上一期《谁在招人？》的招聘汇总，这些工作岗位都依然有效" + long_tail,
                 "招聘 PLC 工程师，负责自动化产线调试" + long_tail,
                 "招聘 AI 聊天机器人产品经理，maintain our chatbot" + long_tail,
                 "请问有没有远程岗位？",
                 "daily standups; SAIC; Paint lines need a PLC programmer with AI experience" + long_tail],
        "created_at": [datetime(2024, 1, 2)] * 6, "updated_at": [None] * 6, "is_minimized": [False] * 6,
        "_batch_id": ["b1"] * 6, "_fetched_at": [datetime(2026, 1, 1)] * 6})
    con.execute("CREATE TABLE raw.zh_postings__threads AS SELECT * FROM threads")
    con.execute("CREATE TABLE raw.zh_postings__comments AS SELECT * FROM comments")
    yield con
    con.close()


def test_tags_evidence_and_redaction(con):
    build_models(con, ZH_MODELS)
    tagged = con.sql("SELECT comment_id, is_posting, not_posting_reason, ai, mfg, ai_mfg, ai_skills, mfg_skills "
                     "FROM features.int_postings__tagged ORDER BY comment_id").fetchall()
    assert tagged == [
        (10, True, None, True, True, True, ["machine vision", "pytorch"], ["industrial robotics"]),
        (11, False, "moderator recap", False, False, False, [], []),
        (12, True, None, False, True, False, [], ["industrial automation"]),
        (13, True, None, True, False, False, ["artificial intelligence"], []),  # 聊天机器人 is not a robot
        (14, False, "too short to be a posting", False, False, False, [], []),
        (15, True, None, True, True, True, ["artificial intelligence"], ["industrial automation"]),  # not 'daily'/'SAIC'
    ]
    evidence = con.execute("SELECT evidence FROM features.int_postings__skill_matches "
                           "WHERE comment_id = 10 AND term = '机器视觉'").fetchone()[0]
    assert evidence.startswith("招聘机器视觉算法工程师")
    text = con.execute("SELECT text, author_key FROM staging.stg_zh_postings__comments WHERE comment_id = 10").fetchone()
    assert "hr@example.com" not in text[0] and "[email]" in text[0] and "[phone]" in text[0]
    assert text[1].startswith("u_") and "alice" not in text[1]


def test_monthly_series_split_multi_month_threads_and_leave_gaps(con):
    build_models(con, ZH_MODELS)
    rows = con.sql("SELECT unique_id, ds, y FROM features.feat_demand_zh__monthly "
                   "WHERE unique_id IN ('demand/CN/zh_postings/all', 'demand/CN/zh_postings/ai_mfg') "
                   "ORDER BY unique_id, ds").fetchall()
    assert rows == [
        ("demand/CN/zh_postings/ai_mfg", date(2024, 1, 1), 1.0),
        ("demand/CN/zh_postings/ai_mfg", date(2024, 2, 1), 0.0),
        ("demand/CN/zh_postings/ai_mfg", date(2024, 3, 1), 0.0),
        ("demand/CN/zh_postings/ai_mfg", date(2024, 5, 1), 1.0),   # April: no thread, a gap, not zero
        ("demand/CN/zh_postings/all", date(2024, 1, 1), 1.0),
        ("demand/CN/zh_postings/all", date(2024, 2, 1), 1.0),      # 2 postings over Feb-Mar
        ("demand/CN/zh_postings/all", date(2024, 3, 1), 1.0),
        ("demand/CN/zh_postings/all", date(2024, 5, 1), 1.0),
    ]


def test_reposted_batches_keep_one_row_per_key_and_grain_checks_catch_duplicates(con):
    # the same comment loaded again by a later batch: staging keeps the latest only
    con.execute("INSERT INTO raw.zh_postings__comments SELECT * REPLACE ('b2' AS _batch_id, "
                "_fetched_at + INTERVAL 1 DAY AS _fetched_at, body || ' (edited)' AS body) "
                "FROM raw.zh_postings__comments WHERE comment_id = 10")
    build_models(con, ZH_MODELS[:2])
    assert con.execute("SELECT count(*), max(batch_id) FROM staging.stg_zh_postings__comments "
                       "WHERE comment_id = 10").fetchone() == (1, "b2")
    con.execute("CREATE TABLE features.dupes AS SELECT * FROM (VALUES (1), (1), (NULL)) t(k)")
    problems = grain_problems(con, Model("features", "dupes", ("k",)))
    assert problems == ["features.dupes: 1 rows with a null in grain (k)",
                        "features.dupes: grain (k) not unique, e.g. [(1, 2)]"]


def test_a_failing_model_names_its_file(con):
    con.execute("DROP TABLE raw.zh_postings__threads")
    with pytest.raises(ModelBuildError, match="needs \\['raw.zh_postings__threads'\\]"):
        build_models(con, ZH_MODELS)


def test_both_needs_one_position_and_optional_skills_do_not_tag(con):
    # issue 3: AI in one position and manufacturing in another is not "both"; "...者优先" is not required;
    # full-width ＰＬＣ matches PLC; a bare English title is a posting
    tail = "。欢迎投递简历。" * 8
    con.execute("INSERT INTO raw.zh_postings__comments SELECT c.* REPLACE (v.id AS comment_id, v.body AS body) "
                "FROM raw.zh_postings__comments AS c, (VALUES (20, ?), (21, ?), (22, ?), (23, ?)) v(id, body) "
                "WHERE comment_id = 10",
                ["### PLC 工程师\n负责产线调试" + tail + "\n### 前端工程师\n熟悉 PyTorch 者优先" + tail,
                 "### PLC 工程师\n负责产线调试" + tail + "\n### 机器视觉算法工程师\n缺陷检测" + tail,
                 "招聘ＰＬＣ工程师，要求熟悉机器视觉" + tail,
                 "PyTorch Engineer"])
    build_models(con, ZH_MODELS)
    rows = con.sql("SELECT comment_id, is_posting, n_positions, ai, mfg, ai_mfg FROM features.int_postings__tagged "
                   "WHERE comment_id >= 20 ORDER BY comment_id").fetchall()
    assert rows == [(20, True, 2, False, True, False),   # PyTorch only preferred, in the other position
                    (21, True, 2, True, True, False),    # AI and mfg in two different positions
                    (22, True, 1, True, True, True),     # full-width ＰＬＣ
                    (23, True, 1, True, False, False)]   # a bare title is a posting
    optional = con.execute("SELECT position_no, is_required FROM features.int_postings__skill_matches "
                           "WHERE comment_id = 20 AND term = 'PyTorch'").fetchall()
    assert optional == [(2, False)]
