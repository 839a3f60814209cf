"""The skill matcher's literal prefilters (the fast path) give exactly the rows of the committed regex-join matcher."""

from pathlib import Path

import duckdb

from core.db import build_table
from features.build import FEATURES, POSTINGS_STAGING, build_models
from features.tagging import _raw_tables, load_texts
from ingest.zh_postings import ZhPostings

REPO = Path(__file__).resolve().parents[1]
MODELS = POSTINGS_STAGING + \
         [m for m in FEATURES if m.table in ("int_skill_terms__patterns", "int_postings__positions",
                                             "int_postings__skill_matches")]


def _load(con: duckdb.DuckDBPyConnection, texts: list[str]) -> None:
    load_texts(con, *_raw_tables(texts), ("skill_terms", "skill_stopphrases"))


def test_fast_matcher_equals_the_baseline_on_real_postings():
    source = ZhPostings()
    bodies = source.parse(source.snapshot_files(REPO / "data" / "snapshots")).tables["comments"]["body"].tolist()
    cut = bodies[::8] + ["ＰＬＣ 与 AI 聊天机器人，自动化测试 and test automation, PyTorch preferred",
                         # RE2's (?i) folds the long s and the Kelvin sign to s and k; lower() does not
                         "Te\u017ft Automation and Mar\u212aeting Automation; UI自动化, PLC, machine learning, "
                         "Marketing Automation"]  # ~240 texts
    con = duckdb.connect()
    try:
        _load(con, cut)
        build_models(con, MODELS)
        build_table(con, "features", "baseline_matches",
                    (REPO / "benchmarks" / "baseline_skill_matches.sql").read_text(encoding="utf-8"))
        fast = con.execute("SELECT * FROM features.int_postings__skill_matches ORDER BY ALL").fetchall()
        baseline = con.execute("SELECT * FROM features.baseline_matches ORDER BY ALL").fetchall()
    finally:
        con.close()
    assert len(fast) > 250 and fast == baseline


def test_positions_equal_the_baseline_on_real_postings():
    """Heading tests once per distinct line and windows over segments (c40a3f2 -> now): the same positions."""
    source = ZhPostings()
    bodies = source.parse(source.snapshot_files(REPO / "data" / "snapshots")).tables["comments"]["body"].tolist()
    tricky = ["", "\n", "### 机器视觉算法工程师\n熟悉C++", "line one\n\n\n",
              "公司介绍\n我们是…\n\n### 算法工程师\n加分项：\nROS\n\n福利：\n无人机",
              "**加分项**\nPyTorch\n**Java 开发工程师**\n- Spring"]
    con = duckdb.connect()
    try:
        _load(con, bodies + bodies[:50] + tricky)  # every real comment, 50 reposts, and edge cases
        build_models(con, [m for m in MODELS if m.table != "int_postings__skill_matches"])
        build_table(con, "features", "baseline_positions",
                    (REPO / "benchmarks" / "baseline_positions.sql").read_text(encoding="utf-8"))
        fast = con.execute("SELECT * FROM features.int_postings__positions ORDER BY ALL").fetchall()
        baseline = con.execute("SELECT * FROM features.baseline_positions ORDER BY ALL").fetchall()
        kinds = con.execute("SELECT count(DISTINCT position_no) FROM features.int_postings__positions").fetchone()[0]
        optional = con.execute("SELECT count(*) FROM features.int_postings__positions "
                               "WHERE contains(text, '[optional] ')").fetchone()[0]
    finally:
        con.close()
    assert len(fast) > 2500 and fast == baseline
    assert kinds > 5 and optional > 10  # employer, benefits and numbered positions, optional sections exercised
