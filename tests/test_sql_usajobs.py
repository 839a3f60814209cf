"""The USAJOBS staging, title tagging, SOC coding and monthly series on hand-written raw rows, exact rows."""

from datetime import date, datetime

import pandas as pd
import pytest

from features.build import FEATURES, STAGING, build_models

US_MODELS = [m for m in STAGING + FEATURES if "usajobs" in m.table or m.table == "int_skill_terms__patterns"]


@pytest.fixture
def con(seeded_warehouse):
    con = seeded_warehouse({
        "skill_terms.csv": (
            "skill,kind,cluster,lang,term,source\n"
            "artificial intelligence,ai,ai_general,en,(AI),test\n"
            "data science,ai,ml_dl,en,data scientist,test\n"
            "industrial robotics,mfg,robotics_hw,en,robotics,test\n"
            "cad cae,mfg,cad_cae,en,CAD,test\n"
        ),
        "skill_stopphrases.csv": (
            "phrase,reason\nrobotics process automation,RPA is software\n"
        ),
    }, copied=("onet_alternate_titles.csv", "title_abbreviations.csv"))
    old, new = datetime(2026, 1, 1), datetime(2026, 2, 1)
    raw = pd.DataFrame({
        "control_number": [1, 1, 2, 3, 4, 5],
        "position_title": ["Clerk", "Data Scientist", "IT Specialist (AI)", "Robotics Engineer (AI)",
                           "Cadet Machinist", "Robotics Process Automation Analyst"],
        "department": ["DoD"] * 6, "agency": ["Army"] * 6,
        "occupation_series": ["0303", "1560", "2210", "0801", "3414", "2210"],
        "occupation_series_all": ["0303 - Misc", "1560 - Data Science", "2210 - IT", "0801 - Eng", "3414 - Mach",
                                  "2210 - IT"],
        "open_date": [date(2024, 1, 5), date(2024, 1, 9), date(2024, 1, 20), date(2024, 3, 2), date(2024, 3, 3),
                      date(2024, 3, 4)],
        "close_date": [None] * 6, "usajobs_url": [None] * 6,
        "_batch_id": ["b1", "b2", "b1", "b1", "b1", "b1"], "_fetched_at": [old, new, old, old, old, old]})
    con.execute("CREATE TABLE raw.usajobs__postings AS SELECT * FROM raw")
    return con


def test_latest_batch_titles_tagged_and_soc_coded(con):
    build_models(con, US_MODELS)
    rows = con.sql("SELECT control_number, month, title, ai, mfg, ai_mfg, ai_skills, mfg_skills, soc_code "
                   "FROM features.int_usajobs__tagged ORDER BY control_number").fetchall()
    assert rows == [
        (1, date(2024, 1, 1), "Data Scientist", True, False, False, ["data science"], [], "15-2051"),  # latest batch
        (2, date(2024, 1, 1), "IT Specialist (AI)", True, False, False, ["artificial intelligence"], [], "15-1232"),  # O*NET short title "IT Specialist"
        (3, date(2024, 3, 1), "Robotics Engineer (AI)", True, True, True, ["artificial intelligence"],
         ["industrial robotics"], "17-2199"),
        (4, date(2024, 3, 1), "Cadet Machinist", False, False, False, [], [], None),  # CAD only on a word boundary
        (5, date(2024, 3, 1), "Robotics Process Automation Analyst", False, False, False, [], [], None),  # stop phrase
    ]


def test_monthly_series_leave_uncovered_months_out_and_zero_empty_slices(con):
    build_models(con, US_MODELS)
    rows = con.sql("SELECT unique_id, ds, y, is_ai_mfg FROM features.feat_demand_usajobs__monthly "
                   "ORDER BY unique_id, ds").fetchall()
    assert rows == [
        ("demand/US/usajobs/ai", date(2024, 1, 1), 2.0, False),
        ("demand/US/usajobs/ai", date(2024, 3, 1), 1.0, False),
        ("demand/US/usajobs/ai_mfg", date(2024, 1, 1), 0.0, True),
        ("demand/US/usajobs/ai_mfg", date(2024, 3, 1), 1.0, True),
        ("demand/US/usajobs/all", date(2024, 1, 1), 2.0, False),
        ("demand/US/usajobs/all", date(2024, 3, 1), 3.0, False),
        ("demand/US/usajobs/mfg", date(2024, 1, 1), 0.0, False),
        ("demand/US/usajobs/mfg", date(2024, 3, 1), 1.0, False),
    ]
