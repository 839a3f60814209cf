"""Skill-gap step (issue 5): exact rows on hand-written inputs, the step and marts on a tiny warehouse, real seeds."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from features.build import MARTS, build_models
from forecasting.gap_inputs import annual_sum, cn_supply, occupation_index, program_demand
from forecasting.gap import GapAssumptions
from forecasting.gap_step import assumption_sets, official_supply, run_gap

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
CREATE TABLE features.int_skill_clusters__shares AS SELECT * FROM (VALUES
  ('zh_postings', 'manufacturing_general', 0.086614, 0.05, 30.0, 1.6355, true, false),
  ('zh_postings', 'quality', 0.0, 0.0, 0.0, NULL, false, false),
  ('zh_postings', 'robotics_hw', 0.023622, 0.02, 10.0, 0.6772, true, false),
  ('zh_postings', 'robotics_ai', 0.05, 0.03, 7.0, NULL, false, false),
  ('zh_postings', 'automation_plc', 0.04, 0.05, 12.0, -0.5, false, true),
  ('zh_postings', 'embedded_firmware', 0.055118, 0.05, 14.0, 0.4675, false, false),
  ('usajobs', 'manufacturing_general', 0.0, 0.000832, 12.0, NULL, false, false),
  ('usajobs', 'quality', 0.0, 0.0, 0.0, NULL, false, false),
  ('hn', 'quality', 0.01, 0.01, 40.0, -0.2, false, false))
  t(source, cluster, share, span_share, span_postings, growth_12m, is_rising, is_falling);
ALTER TABLE features.int_skill_clusters__shares ADD COLUMN source_label VARCHAR;
ALTER TABLE features.int_skill_clusters__shares ADD COLUMN last_month DATE;
ALTER TABLE features.int_skill_clusters__shares ADD COLUMN span_first_month DATE;
UPDATE features.int_skill_clusters__shares SET
  source_label = source || ' postings',
  last_month = CASE source WHEN 'zh_postings' THEN DATE '2026-03-01' WHEN 'usajobs' THEN DATE '2025-12-01'
                           ELSE DATE '2024-05-01' END,
  span_first_month = CASE source WHEN 'zh_postings' THEN DATE '2024-04-01' WHEN 'usajobs' THEN DATE '2024-02-01'
                                 ELSE DATE '2022-06-01' END;
"""


def test_step_and_marts_on_a_tiny_warehouse(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    con = duckdb.connect(str(db))
    con.execute(TINY)
    con.close()
    # one program row and one row per linked cluster the region's sample knows (mes_iiot is unknown): 1 + 2, 1 + 4
    assert run_gap(db, "run-x") == {"forecasts.gap_simulation": 8}
    con = duckdb.connect(str(db))
    con.execute("SET VARIABLE run_id = 'run-x'")
    build_models(con, [m for m in MARTS if m.table in ("skill_gap", "program_outlook")])
    us = con.sql("SELECT program_code, region, year, demand_value, supply_value, gap, ratio, assumption_set, "
                 "demand_p10, demand_p90, uncertainty FROM marts.skill_gap WHERE skill_cluster = 'all' "
                 "ORDER BY region DESC").fetchall()
    # 20 openings x (220 / 200) x 0.5 share x 0.5 new-graduate share = 5.5; supply 8 x 0.8 = 6.4
    assert [tuple(round(v, 6) if isinstance(v, float) else v for v in row) for row in us[:1]] == [
        ("14.3501", "US", 2025, 5.5, 6.4, -0.9, 0.859375, "default", 5.5, 5.5, "forecast")]
    # CN: 12 months of the index are not in the tiny forecast, one month is: 3 postings; 10 x 50 graduates
    assert us[1][:7] == ("080803T", "CN", 2026, 3.0, 500.0, None, None)
    # clusters: USAJOBS counts 12 and 0 give Dirichlet(12.5, 0.5) weights; supply 6.4 split in two
    split = con.sql("SELECT skill_cluster, round(supply_value, 6), cluster_demand_weight > 0.9, skills_source "
                    "FROM marts.skill_gap WHERE region = 'US' AND skill_cluster <> 'all' ORDER BY 1").fetchall()
    assert split == [("manufacturing_general", 3.2, True, "usajobs postings, 2024-02..2025-12"),
                     ("quality", 3.2, False, "usajobs postings, 2024-02..2025-12")]
    leans = con.sql("SELECT demand_leans_to FROM marts.program_outlook WHERE region = 'US'").fetchall()[0][0]
    assert leans.startswith("manufacturing_general 9") and leans.endswith("(teaching split equally: 50% each)")
    outlook = con.sql("SELECT program_code, outlook FROM marts.program_outlook ORDER BY region DESC").fetchall()
    assert outlook == [("14.3501", "supply exceeds demand in every year even at P90: graduates likely outnumber openings"),
                       ("080803T", "no gap in persons: demand is a postings index, supply a model of graduates")]
    # top 3 linked clusters: US by USAJOBS share with HN beside it, CN by the 谁在招人 12-month share;
    # mes_iiot has no share row and ranks last
    skills = con.sql("SELECT program_code, top_skills, skills_month, skills_source FROM marts.program_outlook "
                     "ORDER BY region DESC").fetchall()
    assert skills == [
        ("14.3501", "manufacturing_general 0.08% of USAJOBS titles; HN n/a; "
                    "quality 0.00% of USAJOBS titles; HN 1.0% (-20% in 12m)", date(2025, 12, 1),
         "usajobs postings, 2024-02..2025-12; hn postings, 12 months to 2024-05"),
        ("080803T", "embedded_firmware 5.5% (+47% in 12m); robotics_ai 5.0% (n/a in 12m); "
                    "automation_plc 4.0% (-50% in 12m, falling)", date(2026, 3, 1),
         "zh_postings postings, 12 months to 2026-03"),
    ]
    con.close()


def test_assumption_sets_inherit_the_default_and_carry_ranges() -> None:
    con = duckdb.connect()
    con.execute("""CREATE SCHEMA ref; CREATE TABLE ref.gap_assumptions AS SELECT * FROM (VALUES
        ('default', 'new_graduate_share', '0.5', '0.3', '0.7'), ('default', 'retention_share', '1.0', NULL, NULL),
        ('default', 'draws', '100', NULL, NULL), ('default', 'seed', '0', NULL, NULL),
        ('low', 'new_graduate_share', '0.3', '0.2', '0.4'), ('low', 'draw_assumptions', '0', NULL, NULL))
        t(assumption_set, parameter, value, low, high)""")
    sets = assumption_sets(con)
    assert sets["default"] == GapAssumptions(0.5, 1.0, 100, 0, 1.0, {"new_graduate_share": (0.3, 0.7)}, True)
    assert sets["low"] == GapAssumptions(0.3, 1.0, 100, 0, 1.0, {"new_graduate_share": (0.2, 0.4)}, False)
    assert (sets["default"].uncertainty, sets["low"].uncertainty) == ("forecast+assumptions", "forecast")
    assert not assumption_sets(con, draw_assumptions=False)["default"].draw_assumptions
    con.execute("INSERT INTO ref.gap_assumptions VALUES ('x', 'cohort', '1', NULL, NULL)")
    with pytest.raises(ValueError, match="unknown parameter 'cohort' in set 'x'"):
        assumption_sets(con)


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
        "new_graduate_share", "retention_share", "draws", "seed", "occupation_share_scale", "draw_assumptions"}
    assert assumptions["source"].notna().all() and len(set(assumptions["assumption_set"])) >= 3
    values = assumptions[["value", "low", "high"]].astype(float)
    assert ((values["low"] <= values["value"]) & (values["value"] <= values["high"])).all()
    skills = pd.read_csv(seeds / "program_skill_clusters.csv", dtype=str)
    assert set(skills["program_code"]) == set(programs["program_code"])
    assert set(skills["cluster"]) <= set(pd.read_csv(seeds / "skill_terms.csv", dtype=str)["cluster"])
    assert not skills.duplicated(["program_code", "cluster"]).any() and skills["evidence"].notna().all()


SHARES_INPUT = """
CREATE SCHEMA ref; CREATE SCHEMA features; CREATE SCHEMA staging;
CREATE TABLE ref.postings_rules AS SELECT * FROM (VALUES ('trend_min_postings', '5'),
  ('trend_rising_growth', '0.5'), ('trend_falling_growth', '-0.33')) t(parameter, value);
CREATE TABLE ref.skill_terms AS SELECT * FROM (VALUES ('ml_dl', 'ai', 'en', 'Machine Learning'),
  ('ml_dl', 'ai', 'en', 'PyTorch'), ('mechanical', 'mfg', 'zh', '机械')) t(cluster, kind, lang, term);
CREATE TABLE features.int_postings__counted AS SELECT * FROM (VALUES
  (1, DATE '2026-03-01', 1.0, 'zh_postings'), (2, DATE '2026-03-01', 0.5, 'zh_postings'),
  (3, DATE '2025-03-01', 1.0, 'zh_postings'), (4, DATE '2026-03-01', 1.0, 'hn')) t(comment_id, ds, w, source);
CREATE TABLE features.int_postings__skill_matches AS SELECT * FROM (VALUES
  (1, 'ml_dl', true), (1, 'ml_dl', true), (2, 'mechanical', false), (3, 'ml_dl', true), (4, 'ml_dl', true))
  t(comment_id, cluster, is_required);
CREATE TABLE staging.stg_usajobs__postings AS SELECT * FROM (VALUES
  (10, DATE '2025-12-01'), (11, DATE '2025-12-01'), (12, DATE '2024-06-01')) t(control_number, month);
CREATE TABLE features.int_usajobs__skill_matches AS SELECT 10 AS control_number, 'ml_dl' AS cluster;
CREATE TABLE staging.stg_hn__monthly_terms AS
  SELECT (DATE '2024-05-01' - INTERVAL (i) MONTH)::DATE AS month, term,
         CASE WHEN term = 'PyTorch' THEN 5 WHEN i < 12 THEN 20 ELSE 10 END AS postings_mentioning,
         100 AS postings_total
  FROM range(24) r(i), (VALUES ('Machine Learning'), ('PyTorch'), ('Rust')) t(term);
"""


def test_cluster_shares_per_source_on_hand_written_rows() -> None:
    con = duckdb.connect()
    con.execute(SHARES_INPUT)
    con.execute("CREATE SCHEMA x")
    sql = (REPO / "features/sql/features/int_skill_clusters__shares.sql").read_text(encoding="utf-8")
    rows = con.sql(f"SELECT source, cluster, months, postings, all_postings, share, prior_share, span_postings, "
                   f"span_share, span_first_month, growth_12m, is_rising FROM ({sql}) ORDER BY source, cluster").fetchall()
    assert rows == [
        # HN: the most-mentioned term of the cluster per month (20, not 20 + 5); Rust is no cluster term
        ("hn", "ml_dl", 12, 240.0, 1200.0, 0.2, 0.1, 360.0, 0.15, date(2022, 6, 1), 1.0, True),
        # USAJOBS by open month: 1 of 2 titles in the last 12 months, none of 1 before
        ("usajobs", "mechanical", 1, 0.0, 2.0, 0.0, 0.0, 0.0, 0.0, date(2024, 6, 1), None, False),
        ("usajobs", "ml_dl", 1, 1.0, 2.0, 0.5, 0.0, 1.0, 0.333333, date(2024, 6, 1), None, False),
        # 谁在招人: weighted, a posting counts once per cluster, optional matches do not count
        ("zh_postings", "mechanical", 1, 0.0, 1.5, 0.0, 0.0, 0.0, 0.0, date(2025, 3, 1), None, False),
        ("zh_postings", "ml_dl", 1, 1.0, 1.5, 0.666667, 1.0, 2.0, 0.8, date(2025, 3, 1), None, False),
    ]


def test_real_assumption_sets_parse() -> None:
    con = duckdb.connect()
    con.execute("CREATE SCHEMA ref")
    path = (REPO / "seeds" / "gap_assumptions.csv").as_posix()
    con.execute(f"CREATE TABLE ref.gap_assumptions AS SELECT * FROM read_csv('{path}', header=true, all_varchar=true)")
    sets = assumption_sets(con)
    assert {"default", "low_new_grad_share", "low_retention"} <= set(sets)
    assert all(s.uncertainty == "forecast+assumptions" for s in sets.values())
    assert sets["low_retention"].new_graduate_share == sets["default"].new_graduate_share


def test_official_national_series_replace_the_modelled_chinese_supply() -> None:
    model = pd.DataFrame({"program_code": ["080803T", "080803T", "080213T"], "year": [2026, 2027, 2026],
                          "y_hat": [7000.0, 7500.0, 4000.0], "lo_80": [3500.0, 3700.0, 2000.0],
                          "hi_80": [14000.0, 15000.0, 8000.0], "programmes": [122, 122, 80]})
    official = pd.DataFrame({"key": ["080803T", "080803T", "080717T"], "year": [2026, 2030, 2026],
                             "y_hat": [9100.0, 9900.0, 1.0], "lo_80": [8800.0, 9000.0, 1.0],
                             "hi_80": [9400.0, 10800.0, 1.0]})
    out = official_supply(model, official).sort_values(["program_code", "year"])
    assert out[["program_code", "year", "y_hat", "lo_80", "basis"]].to_dict("records") == [
        {"program_code": "080213T", "year": 2026, "y_hat": 4000.0, "lo_80": 2000.0, "basis": "model"},
        {"program_code": "080803T", "year": 2026, "y_hat": 9100.0, "lo_80": 8800.0, "basis": "official"},
        {"program_code": "080803T", "year": 2027, "y_hat": 7500.0, "lo_80": 3700.0, "basis": "model"},
    ]
    assert official_supply(model, official.iloc[:0])["basis"].eq("model").all()


def test_gap_command_reads_the_chosen_assumption_set(tmp_path: Path) -> None:
    from rich.console import Console

    from flows.cmd_gap import print_outlook, program_outlook

    db = tmp_path / "w.duckdb"
    con = duckdb.connect(str(db))
    con.execute(TINY)
    con.execute("""INSERT INTO ref.gap_assumptions VALUES ('low', 'new_graduate_share', '0.25');
                   CREATE SCHEMA meta; CREATE TABLE meta.runs AS SELECT 'run-x' AS run_id, now() AS started_at""")
    con.close()
    run_gap(db, "run-x")
    con = duckdb.connect(str(db))
    con.execute("SET VARIABLE run_id = 'run-x'")
    build_models(con, [m for m in MARTS if m.table in ("skill_gap", "program_outlook")])
    con.close()
    outlook, bands = program_outlook(db, "14.3501", "US", "low")
    assert outlook[["assumption_set", "demand_first"]].values.tolist() == [["low", 2.75]]  # 5.5 at half the share
    assert bands["skill_cluster"].tolist() == ["all", "manufacturing_general", "quality"]
    console = Console(record=True, width=200)
    print_outlook(outlook, bands, console)
    text = console.export_text()
    assert "assumptions: low" in text and "skill clusters in 2025" in text
    with pytest.raises(ValueError, match="no assumption set 'nope' published; sets: default, low"):
        program_outlook(db, "14.3501", None, "nope")
