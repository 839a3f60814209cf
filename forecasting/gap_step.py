"""Pipeline step of issue 5: forecasts.gap_simulation, P10/P50/P90 per assumption set, program, region and year.

Reads the forecasts and reference tables after the forecasts stage and before the marts (which read
the result). US rows compare openings attributed to a program with its forecast completions, both
in persons per year. Chinese rows compare an index of postings with modelled graduates: different
units, so gap and ratio stay empty there and the note says why.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from core.db import connect
from forecasting.gap import GapAssumptions, simulate_gap
from forecasting.gap_inputs import annual_sum, clip_lower, cn_supply, occupation_index, program_demand

KEYS = ["program_code", "year"]
PARAMETERS = {"new_graduate_share", "retention_share", "draws", "seed"}

_SELECTED = """SELECT replace(unique_id, ?, '') AS key, ds, year(ds) AS year, y_hat, lo_80, hi_80
               FROM forecasts.forecast WHERE model = 'selected' AND starts_with(unique_id, ?)"""
_HISTORY = """SELECT replace(unique_id, ?, '') AS key, year(ds) AS year, y AS y_hat, y AS lo_80, y AS hi_80
              FROM features.feat_panel WHERE starts_with(unique_id, ?)"""


def assumption_sets(con) -> dict[str, GapAssumptions]:
    """Return {assumption_set: GapAssumptions} from ref.gap_assumptions (every parameter required)."""
    rows = con.sql("SELECT assumption_set, parameter, value FROM ref.gap_assumptions").fetchall()
    sets: dict[str, dict[str, float]] = {}
    for name, parameter, value in rows:
        if parameter not in PARAMETERS:
            raise ValueError(f"gap_assumptions: unknown parameter {parameter!r} in set {name!r}")
        sets.setdefault(name, {})[parameter] = float(value)
    out = {}
    for name, p in sets.items():
        missing = PARAMETERS - set(p)
        if missing:
            raise ValueError(f"gap_assumptions: set {name!r} lacks {sorted(missing)}")
        out[name] = GapAssumptions(p["new_graduate_share"], p["retention_share"], int(p["draws"]), int(p["seed"]))
    return out


def _series(con, prefix: str, history: bool = False) -> pd.DataFrame:
    frame = con.execute(_SELECTED, [prefix, prefix]).df()
    if history:
        past = con.execute(_HISTORY, [prefix, prefix]).df()
        frame = pd.concat([past[~past["year"].isin(frame["year"].unique())], frame.drop(columns="ds")])
    return frame


def us_inputs(con) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """Return (demand, supply, demand unit) per CIP program and forecast year of IPEDS completions."""
    supply = _series(con, "supply/US/ipeds/").rename(columns={"key": "program_code"})
    vintage = con.sql("""SELECT soc_code, base_year, target_year, emp_base, emp_target, openings_annual
                         FROM staging.stg_bls_ep__projections
                         WHERE base_year = (SELECT max(base_year) FROM staging.stg_bls_ep__projections)""").df()
    shares = con.sql("SELECT program_code, soc_code, share FROM ref.program_occupation_shares").df()
    employment = _series(con, "employment/US/oews/", history=True).rename(columns={"key": "soc_code"})
    years = sorted(supply["year"].unique().tolist())
    index = occupation_index(employment, vintage[vintage["soc_code"].isin(shares["soc_code"])], years)
    demand = program_demand(shares, vintage, index)
    base, target = (int(vintage["base_year"].iloc[0]), int(vintage["target_year"].iloc[0])) if len(vintage) else (0, 0)
    unit = (f"openings per year attributed to the program (BLS {base}-{target} annual average openings "
            "x our employment trend x program share)")
    return demand, supply, unit


def cn_inputs(con) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """Return (demand index, modelled graduates, demand unit) per Chinese major, for the postings forecast's first year."""
    monthly = _series(con, "demand/CN/zh_postings/").rename(columns={"key": "slice"})
    links = con.sql("SELECT program_code, postings_slice AS slice FROM ref.cn_major_occupations").df()
    if monthly.empty:
        return pd.DataFrame(columns=KEYS), pd.DataFrame(columns=KEYS), ""
    annual = annual_sum(monthly)
    annual["year"] = pd.to_datetime(annual["start"]).dt.year
    demand = links.merge(annual, on="slice")
    model = con.sql("SELECT * FROM ref.cn_supply_model").df()
    supply = cn_supply(model, sorted(demand["year"].unique().tolist()))
    start = pd.to_datetime(annual["start"].min())
    return demand, supply, (f"postings in the 12 months from {start:%Y-%m} in the 谁在招人 thread (an index of "
                            "demand from one public sample, not a count of openings)")


def _us_note(row) -> str:
    """Return the coverage of one US row in plain words."""
    text = (f"{row.occupations_trended} of {row.occupations} mapped occupations follow our OEWS employment forecast"
            + (f" ({row.occupations_extended} of them at BLS's projected growth past our horizon)"
               if row.occupations_extended else "")
            + ", the rest BLS's projected growth")
    if row.occupations_missing:
        text += f"; {row.occupations_missing} mapped occupations are not in the BLS vintage and count zero"
    return text


def _simulate(demand: pd.DataFrame, supply: pd.DataFrame, assumptions: GapAssumptions) -> pd.DataFrame:
    return simulate_gap(clip_lower(demand), clip_lower(supply), KEYS, assumptions)


def gap_frame(con, run_id: str) -> pd.DataFrame:
    """Return the gap simulation: one row per assumption set, program, region and year, with units and notes."""
    frames = []
    us_demand, us_supply, us_unit = us_inputs(con)
    cn_demand, cn_supply_, cn_unit = cn_inputs(con)
    for name, assumptions in assumption_sets(con).items():
        us = _simulate(us_demand, us_supply, assumptions).merge(us_demand.drop(columns=["y_hat", "lo_80", "hi_80"]),
                                                                on=KEYS)
        us = us.assign(region="US", demand_unit=us_unit,
                       supply_unit="completions per academic year (bachelor's and above, first majors) x retention share",
                       note=[_us_note(r) for r in us.itertuples(index=False)])
        frames.append(us.assign(assumption_set=name))
        if len(cn_demand):
            # The postings index is not openings: no new-graduate share on it, no gap or ratio across units.
            cn_assumptions = GapAssumptions(1.0, 1.0, assumptions.draws, assumptions.seed)
            cn = _simulate(cn_demand, cn_supply_, cn_assumptions)
            for col in [c for c in cn.columns if c.startswith(("gap_", "ratio_"))]:
                cn[col] = np.nan
            cn = cn.assign(region="CN", demand_unit=cn_unit, assumption_set=name,
                           supply_unit="graduates per year (programmes approved x cohort size, 4-year lag; model)",
                           note="units differ (postings index vs graduates): compare trends, not levels; "
                                "approvals after the listed years are missing, so supply is a lower bound")
            frames.append(cn)
    out = pd.concat(frames, ignore_index=True)
    out.insert(0, "run_id", run_id)
    params = {n: a for n, a in assumption_sets(con).items()}
    out["new_graduate_share"] = [params[n].new_graduate_share if r == "US" else None
                                 for n, r in zip(out["assumption_set"], out["region"])]
    out["retention_share"] = [params[n].retention_share if r == "US" else None
                              for n, r in zip(out["assumption_set"], out["region"])]
    keep = ["run_id", "assumption_set", "program_code", "region", "year"]
    measures = [f"{m}_p{p}" for m in ("demand", "supply", "gap", "ratio") for p in (10, 50, 90)]
    return out[keep + measures + ["demand_unit", "supply_unit", "new_graduate_share", "retention_share", "note"]]


def run_gap(db_path: Path, run_id: str) -> dict[str, int]:
    """Write forecasts.gap_simulation (assumption set x program x region x year); return {'forecasts.gap_simulation': rows}."""
    con = connect(db_path)
    try:
        frame = gap_frame(con, run_id)
        con.register("_gap", frame)
        con.execute("CREATE OR REPLACE TABLE forecasts.gap_simulation AS SELECT * REPLACE (year::INTEGER AS year) "
                    "FROM _gap")
        con.unregister("_gap")
        return {"forecasts.gap_simulation": len(frame)}
    finally:
        con.close()
