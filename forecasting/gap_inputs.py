"""Demand and supply inputs of the skill gap (issue 5), as (y_hat, lo_80, hi_80) per program and year.

Pure pandas on frames the pipeline step reads from the warehouse, so the arithmetic is tested on
hand-written rows. US demand: BLS openings (latest vintage) of each mapped occupation, moved along
our employment forecast relative to the vintage's base year, times the program's share of that
occupation. Chinese supply: programmes approved per year x cohort size, lagged by the study length.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

OUT = ["program_code", "year", "y_hat", "lo_80", "hi_80"]


def occupation_index(employment: pd.DataFrame, vintage: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """Return one row per SOC and year: openings multiplier (y_hat, lo_80, hi_80) relative to the BLS base year, and its basis.

    employment: soc_code, year, y_hat, lo_80, hi_80 (our forecast; past years with lo = hi = y_hat);
    vintage: soc_code, base_year, target_year, emp_base, emp_target, openings_annual.
    Beyond our forecast horizon the index goes on at BLS's projected annual growth (why: the
    employment series stop 5 years after the last OEWS year); SOCs without a series use BLS growth only.
    """
    rows = []
    emp = {soc: g.set_index("year") for soc, g in employment.groupby("soc_code")}
    for v in vintage.itertuples(index=False):
        if not (v.emp_base and v.emp_base > 0 and v.emp_target and v.emp_target > 0):
            raise ValueError(f"SOC {v.soc_code}: BLS employment {v.emp_base} -> {v.emp_target} gives no growth rate")
        growth = (v.emp_target / v.emp_base) ** (1 / (v.target_year - v.base_year))
        series = emp.get(v.soc_code)
        base = series["y_hat"].get(v.base_year) if series is not None else None
        for year in years:
            if series is None or base is None or not base > 0:
                idx = growth ** (year - v.base_year)
                rows.append((v.soc_code, year, idx, idx, idx, "BLS projected growth"))
            elif year in series.index:
                r = series.loc[year]
                rows.append((v.soc_code, year, r.y_hat / base, r.lo_80 / base, r.hi_80 / base, "OEWS trend"))
            else:
                last = series.index.max()
                r, step = series.loc[last], growth ** (year - last)
                rows.append((v.soc_code, year, r.y_hat / base * step, r.lo_80 / base * step, r.hi_80 / base * step,
                             f"OEWS trend to {last}, then BLS growth"))
    return pd.DataFrame(rows, columns=["soc_code", "year", "y_hat", "lo_80", "hi_80", "basis"])


def program_demand(shares: pd.DataFrame, vintage: pd.DataFrame, index: pd.DataFrame) -> pd.DataFrame:
    """Return one row per program and year: attributed openings (y_hat, lo_80, hi_80) and occupation counts.

    shares: program_code, soc_code, share. Bounds are summed over occupations, i.e. their trends are
    taken as fully correlated (a wider, conservative band). Occupations missing from the vintage are
    counted in `occupations_missing`, not guessed.
    """
    shares = shares.assign(share=shares["share"].astype(float))
    bad = shares[(shares["share"] < 0) | (shares["share"] > 1)]
    if len(bad):
        raise ValueError(f"program -> occupation share outside [0, 1]: {bad.iloc[0].to_dict()}")
    joined = shares.merge(vintage[["soc_code", "openings_annual"]], on="soc_code", how="left")
    missing = joined[joined["openings_annual"].isna()].groupby("program_code").size().rename("occupations_missing")
    joined = joined.dropna(subset=["openings_annual"]).merge(index, on="soc_code")
    for col in ("y_hat", "lo_80", "hi_80"):
        joined[col] = joined[col] * joined["openings_annual"] * joined["share"]
    joined["trend"] = joined["basis"].str.startswith("OEWS").astype(int)
    joined["extended"] = joined["basis"].str.contains("then BLS").astype(int)
    out = joined.groupby(["program_code", "year"], as_index=False).agg(
        y_hat=("y_hat", "sum"), lo_80=("lo_80", "sum"), hi_80=("hi_80", "sum"),
        occupations=("soc_code", "nunique"), occupations_trended=("trend", "sum"),
        occupations_extended=("extended", "sum"))
    out = out.merge(missing, on="program_code", how="left")
    out["occupations_missing"] = out["occupations_missing"].fillna(0).astype(int)
    return out


def cn_supply(model: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """Return one row per Chinese program and year: graduates (y_hat, lo_80, hi_80) of the approvals x cohort model.

    model: the seed cn_supply_model (program_code, parameter, year, value, lo_80, hi_80); rows with
    program_code '*' are defaults a program-specific row overrides.
    """
    model = model.copy()
    for col in ("value", "lo_80", "hi_80"):
        model[col] = pd.to_numeric(model[col], errors="raise")
    approvals = model[model["parameter"] == "programmes_approved"].assign(year=lambda f: f["year"].astype(int))

    def param(program: str, name: str) -> pd.Series:
        rows = model[(model["parameter"] == name) & (model["program_code"].isin([program, "*"]))]
        if rows.empty:
            raise ValueError(f"cn_supply_model has no {name!r} for program {program!r} nor a '*' default")
        return rows.sort_values("program_code", key=lambda s: s == "*").iloc[0]

    out = []
    for program, apps in approvals.groupby("program_code"):
        cohort, lag = param(program, "cohort_size"), int(param(program, "graduation_lag_years")["value"])
        for year in years:
            n = apps.loc[apps["year"] <= year - lag, "value"].sum()
            out.append((program, year, n * cohort["value"], n * cohort["lo_80"], n * cohort["hi_80"], int(n)))
    return pd.DataFrame(out, columns=OUT + ["programmes"])


def annual_sum(monthly: pd.DataFrame) -> pd.DataFrame:
    """Return one row per slice: the sum of the first 12 forecast months (y_hat, lo_80, hi_80) and the first month.

    Bounds are summed month by month (errors taken as fully correlated: conservative).
    """
    first = monthly.sort_values("ds").groupby("slice").head(12)
    return first.groupby("slice", as_index=False).agg(
        y_hat=("y_hat", "sum"), lo_80=("lo_80", "sum"), hi_80=("hi_80", "sum"), start=("ds", "min"),
        months=("ds", "count"))


def clip_lower(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the frame with lo_80 >= 0 (counts), leaving y_hat and hi_80 as they are."""
    return frame.assign(lo_80=np.clip(frame["lo_80"].to_numpy(dtype=float), 0, None))
