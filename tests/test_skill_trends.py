"""marts.skill_trends on hand-written counted postings: monthly shares, 3/12-month growth, rising/falling flags."""

from datetime import date

import pytest

from features.build import MARTS, build_models

SKILL_TRENDS = [m for m in MARTS if m.table == "skill_trends"]


@pytest.fixture
def con(seeded_warehouse):
    con = seeded_warehouse({
        "skill_terms.csv": (
            "skill,kind,cluster,lang,term,source\n"
            "large language models,ai,llm_app,en,LLM,test\n"
            "computer vision,ai,computer_vision,en,computer vision,test\n"
        ),
    }, copied=("postings_rules.csv",))
    # 24 months (2023-01 .. 2024-12), two postings a month: 'a' needs computer vision in months 1-6, 'b' needs
    # LLMs from month 10 on
    con.execute("""
        CREATE TABLE features.int_postings__counted AS
        SELECT m * 10 + p AS comment_id, (DATE '2023-01-01' + INTERVAL (m - 1) MONTH)::DATE AS ds, 1.0 AS w,
               'zh_postings' AS source
        FROM range(1, 25) AS r(m), range(2) AS q(p)""")
    con.execute("""
        CREATE TABLE features.int_postings__skill_matches AS
        SELECT comment_id, 1 AS position_no, 'computer vision' AS skill, 'computer_vision' AS cluster,
               'ai' AS kind, true AS is_required
        FROM features.int_postings__counted WHERE comment_id % 10 = 0 AND comment_id // 10 <= 6
        UNION ALL
        SELECT comment_id, 1, 'large language models', 'llm_app', 'ai', true
        FROM features.int_postings__counted WHERE comment_id % 10 = 1 AND comment_id // 10 >= 10
        UNION ALL  -- an optional mention does not count
        SELECT comment_id, 2, 'large language models', 'llm_app', 'ai', false
        FROM features.int_postings__counted WHERE comment_id = 10""")
    return con


def test_shares_growth_and_flags(con):
    build_models(con, SKILL_TRENDS)
    last = con.sql("SELECT level, name, postings, all_postings, share, share_3m, share_12m, growth_3m, growth_12m, "
                   "is_rising, is_falling FROM marts.skill_trends WHERE ds = DATE '2024-12-01' "
                   "ORDER BY level, name").fetchall()
    assert last == [
        ("cluster", "computer_vision", 0.0, 2.0, 0.0, 0.0, 0.0, None, -1.0, False, True),
        ("cluster", "llm_app", 1.0, 2.0, 0.5, 0.5, 0.5, 0.0, 3.0, True, False),
        ("skill", "computer vision", 0.0, 2.0, 0.0, 0.0, 0.0, None, -1.0, False, True),
        ("skill", "large language models", 1.0, 2.0, 0.5, 0.5, 0.5, 0.0, 3.0, True, False),
    ]
    # the first 11 months have no full 12-month window: no share_12m, no growth, no flags
    early = con.execute("SELECT count(*), count(share_12m), count(growth_12m), bool_or(is_rising OR is_falling) "
                    "FROM marts.skill_trends WHERE ds < DATE '2023-12-01'").fetchone()
    assert early == (44, 0, 0, False)
    jan = con.execute("SELECT postings FROM marts.skill_trends WHERE name = 'large language models' "
                      "AND ds = ?", [date(2023, 1, 1)]).fetchone()
    assert jan == (0.0,)   # comment 10's LLM mention is optional
