"""Skill-gap step (issue 5): exact rows on hand-written inputs, the step and marts on a tiny warehouse, real seeds."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from features.build import MARTS, build_models
from forecasting.gap_inputs import annual_sum, cn_supply, occupation_index, program_demand
from forecasting.gap_step import run_gap

REPO = Path(__file__).resolve().parents[1]
VINTAGE = pd.DataFrame({"soc_code": ["17-2112", "17-2199"], "base_year": [2024, 2024], "target_year": [2034, 2034],
                        "emp_base": [100.0, 1000.0], "emp_target": [100.0 * 1.1 ** 10, 1000.0],
                        "openings_annual": [10.0, 50.0]})


def test_index_follows_our_forecast_then_bls_growth_and_bls_alone_without_a_series() -> None:
    employment = pd.DataFrame({"soc_code": ["17-2112"] * 2, "year": [2024, 2025],
                               "y_hat": [200.0, 220.0], "lo_80": [200.0, 200.0], "hi_80": [200.0, 240.0]})
    out = occupation_index(employment, VINTAGE, [2025, 2026]).round(6)
    assert out.to_dict("records") == [
        {"soc_code": "17-2112", "year": 2025, "y_hat": 1.1, "lo_80": 1.0, "hi_80": 1.2, "basis": "OEWS trend"},
        {"soc_code": "17-2112", "year": 2026, "y_hat": 1.21, "lo_80": 1.1, "hi_80": 1.32,
         "basis": "OEWS trend to 2025, then BLS growth"},
        {"soc_code": "17-2199", "year": 2025, "y_hat": 1.0, "lo_80": 1.0, "hi_80": 1.0, "basis": "BLS projected growth"},
        {"soc_code": "17-2199", "year": 2026, "y_hat": 1.0, "lo_80": 1.0, "hi_80": 1.0, "basis": "BLS projected growth"},
    ]


def test_program_demand_splits_openings_by_share_and_counts_missing_occupations() -> None:
    index = pd.DataFrame({"soc_code": ["17-2112", "17-2199"], "year": [2025, 2025], "y_hat": [1.1, 1.0],
                          "lo_80": [1.0, 1.0], "hi_80": [1.2, 1.0], "basis": ["OEWS trend", "BLS projected growth"]})
    shares = pd.DataFrame({"program_code": ["14.3501", "14.3501", "14.3501"],
                           "soc_code": ["17-2112", "17-2199", "99-0001"], "share": ["0.5", "0.1", "0.3"]})
    out = program_demand(shares, VINTAGE, index).round(6)
    # 10 openings x 1.1 x 0.5 + 50 x 1.0 x 0.1
    assert out.to_dict("records") == [{"program_code": "14.3501", "year": 2025, "y_hat": 10.5, "lo_80": 10.0,
                                       "hi_80": 11.0, "occupations": 2, "occupations_trended": 1,
                                       "occupations_extended": 0, "occupations_missing": 1}]
    with pytest.raises(ValueError, match="outside \\[0, 1\\].*'share': 1.5"):
        program_demand(shares.assign(share=1.5), VINTAGE, index)


def test_cn_supply_is_approvals_times_cohort_after_the_lag_with_program_overrides() -> None:
    model = pd.DataFrame({
        "program_code": ["080803T", "080803T", "*", "*", "080213T", "080213T"],
        "parameter": ["programmes_approved", "programmes_approved", "cohort_size", "graduation_lag_years",
                      "programmes_approved", "cohort_size"],
        "year": ["2018", "2020", None, None, "2020", None],
        "value": ["60", "62", "60", "4", "80", "50"], "lo_80": ["60", "62", "30", "4", "80", "40"],
        "hi_80": ["60", "62", "120", "4", "80", "60"]})
    out = cn_supply(model, [2022, 2024])
    assert out.to_dict("records") == [
        {"program_code": "080213T", "year": 2022, "y_hat": 0.0, "lo_80": 0.0, "hi_80": 0.0, "programmes": 0},
        {"program_code": "080213T", "year": 2024, "y_hat": 4000.0, "lo_80": 3200.0, "hi_80": 4800.0, "programmes": 80},
        {"program_code": "080803T", "year": 2022, "y_hat": 3600.0, "lo_80": 1800.0, "hi_80": 7200.0, "programmes": 60},
        {"program_code": "080803T", "year": 2024, "y_hat": 7320.0, "lo_80": 3660.0, "hi_80": 14640.0,
         "programmes": 122},
    ]


def test_annual_sum_takes_the_first_twelve_months() -> None:
    months = pd.date_range("2026-04-01", periods=13, freq="MS")
    monthly = pd.DataFrame({"slice": "ai", "ds": months, "y_hat": 2.0, "lo_80": 1.0, "hi_80": 3.0})
    row = annual_sum(monthly).iloc[0]
    assert (row["y_hat"], row["lo_80"], row["hi_80"], row["months"]) == (24.0, 12.0, 36.0, 12)


TINY = """
CREATE SCHEMA forecasts; CREATE SCHEMA features; CREATE SCHEMA staging; CREATE SCHEMA ref; CREATE SCHEMA marts;
CREATE TABLE forecasts.forecast AS SELECT * FROM (VALUES
  ('supply/US/ipeds/14.3501', DATE '2025-01-01', 'selected', 8.0, 8.0, 8.0),
  ('employment/US/oews/17-2112', DATE '2024-01-01', 'selected', 200.0, 200.0, 200.0),
  ('employment/US/oews/17-2112', DATE '2025-01-01', 'selected', 220.0, 220.0, 220.0),
  ('demand/CN/zh_postings/ai_mfg', DATE '2026-04-01', 'selected', 3.0, 3.0, 3.0)
) t(unique_id, ds, model, y_hat, lo_80, hi_80);
CREATE TABLE features.feat_panel AS SELECT * FROM (VALUES ('employment/US/oews/17-2112', DATE '2022-01-01', 190.0))
  t(unique_id, ds, y);
CREATE TABLE staging.stg_bls_ep__projections AS SELECT * FROM (VALUES
  (2024, 2034, '17-2112', 100.0, 100.0, 20.0), (2021, 2031, '17-2112', 1.0, 1.0, 999.0))
  t(base_year, target_year, soc_code, emp_base, emp_target, openings_annual);
CREATE TABLE ref.programs AS SELECT * FROM (VALUES ('14.3501', 'CIP2020', 'Industrial Engineering'),
  ('080803T', 'CN-major', 'Robotics Engineering')) t(program_code, system, title_en);
CREATE TABLE ref.program_occupation_shares AS SELECT '14.3501' AS program_code, '17-2112' AS soc_code, '0.5' AS share;
CREATE TABLE ref.gap_assumptions AS SELECT * FROM (VALUES ('default', 'new_graduate_share', '0.5'),
  ('default', 'retention_share', '0.8'), ('default', 'draws', '20'), ('default', 'seed', '0'))
  t(assumption_set, parameter, value);
CREATE TABLE ref.cn_major_occupations AS SELECT '080803T' AS program_code, 'ai_mfg' AS postings_slice;
CREATE TABLE ref.cn_supply_model AS SELECT * FROM (VALUES
  ('080803T', 'programmes_approved', '2018', '10', '10', '10'), ('*', 'cohort_size', NULL, '50', '50', '50'),
  ('*', 'graduation_lag_years', NULL, '4', '4', '4')) t(program_code, parameter, year, value, lo_80, hi_80);
CREATE TABLE ref.program_skill_clusters AS SELECT * FROM (VALUES ('14.3501', 'quality'),
  ('14.3501', 'manufacturing_general'), ('080803T', 'robotics_hw'), ('080803T', 'robotics_ai'),
  ('080803T', 'automation_plc'), ('080803T', 'embedded_firmware'), ('080803T', 'mes_iiot')) t(program_code, cluster);
CREATE TABLE marts.skill_trends AS SELECT * FROM (VALUES
  ('cluster', 'manufacturing_general', DATE '2026-03-01', 0.2, 0.086614, 1.6355, true, false),
  ('cluster', 'quality', DATE '2026-03-01', 0.0, 0.0, NULL, false, false),
  ('cluster', 'robotics_hw', DATE '2026-03-01', 0.0, 0.023622, 0.6772, true, false),
  ('cluster', 'robotics_ai', DATE '2026-03-01', 0.05, NULL, NULL, false, false),
  ('cluster', 'automation_plc', DATE '2026-03-01', 0.1, 0.04, -0.5, false, true),
  ('cluster', 'embedded_firmware', DATE '2026-03-01', 0.05, 0.055118, 0.4675, false, false),
  ('cluster', 'robotics_hw', DATE '2026-02-01', 0.9, 0.9, 9.0, true, false),
  ('skill', 'robotics_hw', DATE '2026-03-01', 0.9, 0.9, 9.0, true, false))
  t(level, name, ds, share, share_12m, growth_12m, is_rising, is_falling);
"""


def test_step_and_marts_on_a_tiny_warehouse(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    con = duckdb.connect(str(db))
    con.execute(TINY)
    con.close()
    assert run_gap(db, "run-x") == {"forecasts.gap_simulation": 2}
    con = duckdb.connect(str(db))
    con.execute("SET VARIABLE run_id = 'run-x'")
    build_models(con, [m for m in MARTS if m.table in ("skill_gap", "program_outlook")])
    us = con.sql("SELECT program_code, region, year, demand_value, supply_value, gap, ratio, assumption_set, "
                 "demand_p10, demand_p90 FROM marts.skill_gap ORDER BY region DESC").fetchall()
    # 20 openings x (220 / 200) x 0.5 share x 0.5 new-graduate share = 5.5; supply 8 x 0.8 = 6.4
    assert [tuple(round(v, 6) if isinstance(v, float) else v for v in row) for row in us[:1]] == [
        ("14.3501", "US", 2025, 5.5, 6.4, -0.9, 0.859375, "default", 5.5, 5.5)]
    # CN: 12 months of the index are not in the tiny forecast, one month is: 3 postings; 10 x 50 graduates
    assert us[1][:7] == ("080803T", "CN", 2026, 3.0, 500.0, None, None)
    outlook = con.sql("SELECT program_code, outlook FROM marts.program_outlook ORDER BY region DESC").fetchall()
    assert outlook == [("14.3501", "supply exceeds demand in every year even at P90: graduates likely outnumber openings"),
                       ("080803T", "no gap in persons: demand is a postings index, supply a model of graduates")]
    # top 3 linked clusters by 12-month share in the latest month (the month's share where no 12-month window);
    # mes_iiot has no trend row and ranks last; the February row and the skill-level row are not read
    skills = con.sql("SELECT program_code, top_skills, skills_month FROM marts.program_outlook "
                     "ORDER BY region DESC").fetchall()
    assert skills == [
        ("14.3501", "manufacturing_general 8.7% (+164% in 12m, rising); quality 0.0% (n/a in 12m)", date(2026, 3, 1)),
        ("080803T", "embedded_firmware 5.5% (+47% in 12m); robotics_ai 5.0% (n/a in 12m); "
                    "automation_plc 4.0% (-50% in 12m, falling)", date(2026, 3, 1)),
    ]
    con.close()


def test_real_seeds_are_consistent() -> None:
    seeds = REPO / "seeds"
    programs = pd.read_csv(seeds / "programs.csv", dtype=str)
    shares = pd.read_csv(seeds / "program_occupation_shares.csv", dtype={"program_code": str, "share": float})
    assert set(shares["program_code"]) == set(programs.loc[programs["system"] == "CIP2020", "program_code"])
    # a program's share of an occupation can never exceed the occupation: shares per SOC sum to at most 1
    assert shares.groupby("soc_code")["share"].sum().max() <= 1.0
    links = pd.read_csv(seeds / "cn_major_occupations.csv", dtype=str)
    assert set(links["program_code"]) == set(programs.loc[programs["system"] == "CN-major", "program_code"])
    model = pd.read_csv(seeds / "cn_supply_model.csv", dtype=str)
    assert set(model["program_code"]) - {"*"} <= set(links["program_code"])
    assert model["source"].notna().all()
    assumptions = pd.read_csv(seeds / "gap_assumptions.csv", dtype=str)
    assert set(assumptions.loc[assumptions["assumption_set"] == "default", "parameter"]) == {
        "new_graduate_share", "retention_share", "draws", "seed"}
    assert assumptions["source"].notna().all()
    skills = pd.read_csv(seeds / "program_skill_clusters.csv", dtype=str)
    assert set(skills["program_code"]) == set(programs["program_code"])
    assert set(skills["cluster"]) <= set(pd.read_csv(seeds / "skill_terms.csv", dtype=str)["cluster"])
    assert not skills.duplicated(["program_code", "cluster"]).any() and skills["evidence"].notna().all()
