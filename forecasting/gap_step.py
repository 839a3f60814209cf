"""Pipeline step of issue 5: forecasts.gap_simulation, P10/P50/P90 per assumption set, program, region, year, cluster.

Reads the forecasts and reference tables after the forecasts stage and before the marts (which read
the result). US rows compare openings attributed to a program with its forecast completions, both
in persons per year. Chinese rows compare an index of postings with graduates (an official
graduates-file series where one exists, else the approvals x cohort model): different units, so gap
and ratio stay empty there and the note says why. Every assumption set of ref.gap_assumptions is
simulated, its ranged parameters drawn unless the set (or the caller) holds them fixed; each program
is also split over its skill clusters by the cluster counts of its region's postings
(features.int_skill_clusters__shares).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from core.db import connect
from forecasting.gap import ALL_CLUSTERS, DRAWN, GapAssumptions, simulate_gap
from forecasting.gap_inputs import OUT, annual_sum, clip_lower, cn_supply, occupation_index, program_demand

KEYS = ["program_code", "year"]
REQUIRED = {"new_graduate_share", "retention_share", "draws", "seed"}
OPTIONAL = {"occupation_share_scale": 1.0, "draw_assumptions": 1.0}
PARAMETERS = REQUIRED | set(OPTIONAL)
DEFAULT_SET = "default"
# The postings sample that splits a region's demand over skill clusters (features.int_skill_clusters__shares).
CLUSTER_SOURCE = {"US": "usajobs", "CN": "zh_postings"}

_SELECTED = """SELECT replace(unique_id, ?, '') AS key, ds, year(ds) AS year, y_hat, lo_80, hi_80
               FROM forecasts.forecast WHERE model = 'selected' AND starts_with(unique_id, ?)"""
_HISTORY = """SELECT replace(unique_id, ?, '') AS key, year(ds) AS year, y AS y_hat, y AS lo_80, y AS hi_80
              FROM features.feat_panel WHERE starts_with(unique_id, ?)"""


def assumption_sets(con, draw_assumptions: bool | None = None) -> dict[str, GapAssumptions]:
    """Return {assumption_set: GapAssumptions} from ref.gap_assumptions.

    A set other than 'default' takes every parameter it does not list from 'default'; optional
    `low`/`high` columns give a parameter's range (drawn unless draw_assumptions is 0, or
    `draw_assumptions` here overrides every set).
    """
    frame = con.sql("SELECT * FROM ref.gap_assumptions").df()
    rows: dict[str, dict[str, tuple[float, float, float]]] = {}
    for r in frame.to_dict("records"):
        name, parameter = r["assumption_set"], r["parameter"]
        if parameter not in PARAMETERS:
            raise ValueError(f"gap_assumptions: unknown parameter {parameter!r} in set {name!r}")
        value = float(r["value"])
        low = float(r["low"]) if r.get("low") is not None and not pd.isna(r.get("low")) else value
        high = float(r["high"]) if r.get("high") is not None and not pd.isna(r.get("high")) else value
        if not low <= value <= high:
            raise ValueError(f"gap_assumptions: set {name!r}, {parameter} = {value} outside [{low}, {high}]")
        rows.setdefault(name, {})[parameter] = (value, low, high)
    base = rows.get(DEFAULT_SET, {})
    out = {}
    for name, own in rows.items():
        p = {**base, **own}
        missing = REQUIRED - set(p)
        if missing:
            raise ValueError(f"gap_assumptions: set {name!r} lacks {sorted(missing)}")
        for parameter, default in OPTIONAL.items():
            p.setdefault(parameter, (default, default, default))
        draw = bool(p["draw_assumptions"][0]) if draw_assumptions is None else draw_assumptions
        ranges = {k: (lo, hi) for k, (_, lo, hi) in p.items() if k in DRAWN and hi > lo}
        out[name] = GapAssumptions(p["new_graduate_share"][0], p["retention_share"][0], int(p["draws"][0]),
                                   int(p["seed"][0]), p["occupation_share_scale"][0], ranges, draw)
    return out


def cluster_counts(con, region: str) -> tuple[pd.DataFrame, str]:
    """Return (program_code, cluster, count: the cluster's postings in the source's last 24 months; source label).

    Every linked cluster gets a row (count 0 where the sample has none); a cluster unknown to the
    sample is left out of the split.
    """
    source = CLUSTER_SOURCE[region]
    frame = con.execute("""
        SELECT l.program_code, l.cluster, s.span_postings AS count,
               s.source_label || ', ' || strftime(s.span_first_month, '%Y-%m') || '..'
               || strftime(s.last_month, '%Y-%m') AS label
        FROM ref.program_skill_clusters AS l
        JOIN features.int_skill_clusters__shares AS s ON s.cluster = l.cluster AND s.source = ?
        ORDER BY l.program_code, l.cluster""", [source]).df()
    label = frame["label"].iloc[0] if len(frame) else ""
    return frame.drop(columns="label"), label


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
    supply = official_supply(cn_supply(model, sorted(demand["year"].unique().tolist())),
                             _series(con, "supply/CN/graduates_file/", history=True))
    start = pd.to_datetime(annual["start"].min())
    return demand, supply, (f"postings in the 12 months from {start:%Y-%m} in the 谁在招人 thread (an index of "
                            "demand from one public sample, not a count of openings)")


CN_MODEL_UNIT = "graduates per year (programmes approved x cohort size, 4-year lag; model)"
CN_OFFICIAL_UNIT = "graduates per year (official counts from a graduates file, our forecast past the last year)"
CN_MODEL_NOTE = ("units differ (postings index vs graduates): compare trends, not levels; approvals after the "
                 "listed years are missing, so supply is a lower bound")
CN_OFFICIAL_NOTE = ("units differ (postings index vs graduates): compare trends, not levels; supply is the national "
                    "graduates file series (features.feat_supply_graduates_file__annual), not the approvals model")


def official_supply(model: pd.DataFrame, official: pd.DataFrame) -> pd.DataFrame:
    """Return the modelled supply with each (program, year) an official national series covers replaced by it.

    official: key (program code), year, y_hat, lo_80, hi_80 (history as points, then the forecast);
    the result has `basis` 'official' or 'model' per row.
    """
    model = model.assign(basis="model")
    if official.empty:
        return model
    official = official.rename(columns={"key": "program_code"})[OUT].assign(basis="official")
    official = official[official["program_code"].isin(model["program_code"])]
    kept = model.merge(official[KEYS], on=KEYS, how="left", indicator=True)
    kept = kept[kept["_merge"] == "left_only"].drop(columns="_merge")
    return pd.concat([kept, official.merge(model[KEYS], on=KEYS)], ignore_index=True)


def _us_note(row) -> str:
    """Return the coverage of one US row in plain words."""
    text = (f"{row.occupations_trended} of {row.occupations} mapped occupations follow our OEWS employment forecast"
            + (f" ({row.occupations_extended} of them at BLS's projected growth past our horizon)"
               if row.occupations_extended else "")
            + ", the rest BLS's projected growth")
    if row.occupations_missing:
        text += f"; {row.occupations_missing} mapped occupations are not in the BLS vintage and count zero"
    return text


def _simulate(demand: pd.DataFrame, supply: pd.DataFrame, assumptions: GapAssumptions,
              clusters: pd.DataFrame) -> pd.DataFrame:
    return simulate_gap(clip_lower(demand), clip_lower(supply), KEYS, assumptions, clusters)


def _cluster_note(row, source: str) -> str:
    if row.skill_cluster == ALL_CLUSTERS:
        return ""
    return (f"; skill cluster {row.skill_cluster}: demand x its weight among the program's clusters in {source} "
            f"(P50 {row.demand_weight_p50:.0%}), supply split equally over the program's clusters")


def gap_frame(con, run_id: str, draw_assumptions: bool | None = None) -> pd.DataFrame:
    """Return the gap simulation: one row per assumption set, program, region, year and skill cluster ('all' = program).

    draw_assumptions: None = as each set says (seed parameter draw_assumptions), False = hold every
    parameter at its value, True = draw every ranged parameter.
    """
    frames = []
    us_demand, us_supply, us_unit = us_inputs(con)
    cn_demand, cn_supply_, cn_unit = cn_inputs(con)
    us_clusters, us_source = cluster_counts(con, "US")
    cn_clusters, cn_source = cluster_counts(con, "CN")
    sets = assumption_sets(con, draw_assumptions)
    for name, assumptions in sets.items():
        us = _simulate(us_demand, us_supply, assumptions, us_clusters).merge(
            us_demand.drop(columns=["y_hat", "lo_80", "hi_80"]), on=KEYS)
        us = us.assign(region="US", demand_unit=us_unit, skills_source=us_source,
                       supply_unit="completions per academic year (bachelor's and above, first majors) x retention share",
                       note=[_us_note(r) + _cluster_note(r, us_source) for r in us.itertuples(index=False)],
                       uncertainty=assumptions.uncertainty,
                       new_graduate_share=assumptions.new_graduate_share,
                       retention_share=assumptions.retention_share,
                       occupation_share_scale=assumptions.occupation_share_scale,
                       assumption_ranges=_ranges(assumptions))
        frames.append(us.assign(assumption_set=name))
        if len(cn_demand):
            # The postings index is not openings: no new-graduate share on it, no gap or ratio across units.
            cn_assumptions = GapAssumptions(1.0, 1.0, assumptions.draws, assumptions.seed)
            cn = _simulate(cn_demand, cn_supply_, cn_assumptions, cn_clusters)
            for col in [c for c in cn.columns if c.startswith(("gap_", "ratio_"))]:
                cn[col] = np.nan
            cn = cn.merge(cn_supply_[KEYS + ["basis"]], on=KEYS, how="left")
            official = cn["basis"] == "official"
            cn = cn.assign(region="CN", demand_unit=cn_unit, assumption_set=name, skills_source=cn_source,
                           supply_unit=np.where(official, CN_OFFICIAL_UNIT, CN_MODEL_UNIT),
                           note=[(CN_OFFICIAL_NOTE if o else CN_MODEL_NOTE) + _cluster_note(r, cn_source)
                                 for o, r in zip(official, cn.itertuples(index=False))],
                           uncertainty="forecast", new_graduate_share=np.nan, retention_share=np.nan,
                           occupation_share_scale=np.nan, assumption_ranges=None)
            frames.append(cn)
    out = pd.concat(frames, ignore_index=True)
    out.insert(0, "run_id", run_id)
    keep = ["run_id", "assumption_set", "program_code", "region", "year", "skill_cluster"]
    measures = [f"{m}_p{p}" for m in ("demand", "supply", "gap", "ratio") for p in (10, 50, 90)]
    return out[keep + measures + ["demand_weight_p50", "demand_unit", "supply_unit", "skills_source",
                                  "new_graduate_share", "retention_share", "occupation_share_scale",
                                  "assumption_ranges", "uncertainty", "note"]]


def _ranges(assumptions: GapAssumptions) -> str:
    """Return the drawn ranges in words, e.g. 'new_graduate_share 0.3-0.7', or 'none' when held fixed."""
    if assumptions.uncertainty == "forecast":
        return "none (assumptions held at their values)"
    return "; ".join(f"{k} {lo:g}-{hi:g}" for k, (lo, hi) in sorted(assumptions.ranges.items()))


def run_gap(db_path: Path, run_id: str, draw_assumptions: bool | None = None) -> dict[str, int]:
    """Write forecasts.gap_simulation (set x program x region x year x cluster); return {'forecasts.gap_simulation': rows}."""
    con = connect(db_path)
    try:
        frame = gap_frame(con, run_id, draw_assumptions)
        con.register("_gap", frame)
        con.execute("CREATE OR REPLACE TABLE forecasts.gap_simulation AS SELECT * REPLACE (year::INTEGER AS year) "
                    "FROM _gap")
        con.unregister("_gap")
        return {"forecasts.gap_simulation": len(frame)}
    finally:
        con.close()
