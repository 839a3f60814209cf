"""Beat the official projections on their own ground (issue 5): BLS vintage vs talentcast vs OEWS outcome.

For a vintage with base year B, every occupation's growth B -> T is forecast from OEWS years up to B
only and set against what OEWS measured in T. SOC codes change between B and T (2010, 2018, with
hybrid codes in OEWS 2010-11 and 2019-20): occupations are compared on *code groups*, the connected
components of a graph whose edges are the official SOC crosswalks between the taxonomies in use
over the span, plus, for OEWS aggregate or hybrid codes that no crosswalk lists (13-1020, 15-1256,
51-2098 ...), links to every code sharing their broad-group prefix. Grouping can only merge codes,
never split workers between groups, so both years' sums cover the same jobs.

Methods, as annual rates over the span h = T - B:
- bls: the vintage's compound annual rate, pro-rated to h years;
- trend: the OEWS trailing CAGR over (up to) `trend_years` years ending at B;
- talentcast: an even blend of the two rates, the trend's capped at +-5% a year (a pure
  extrapolation is the floor; BLS's structural view and the recent trend err in different
  directions, so their mean errs less than either; the cap stops endpoint noise of small OEWS cells
  and reclassified codes from extrapolating for a decade). Measured on 7 vintages: see issue 5's report.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

OUTPUT_COLUMNS = ["soc_code", "emp_base", "emp_target_actual", "growth_actual", "growth_bls", "growth_talentcast"]
EXTRA_COLUMNS = ["title", "codes_target", "growth_trend", "trend_from_year", "is_ai_mfg"]
AGGREGATE_LEVELS = {"major", "minor", "broad", "total"}


@dataclass(frozen=True)
class Method:
    """How talentcast forecasts an occupation's growth: weight on BLS's rate, trailing-trend window."""

    bls_weight: float = 0.5
    trend_years: int = 10
    min_trend_years: int = 3
    # Cap on the trailing trend's annual rate (either sign); None = no cap. Endpoint noise of small
    # OEWS cells and reclassified codes produce trends no occupation sustains for a decade.
    trend_cap: float | None = 0.05


def detailed_employment(oews: pd.DataFrame, year: int) -> pd.DataFrame:
    """Return one row per detailed occupation code of one OEWS year: occ_code, tot_emp (NULL when suppressed)."""
    rows = oews[(oews["year"] == year) & ~oews["o_group"].fillna("").isin(AGGREGATE_LEVELS)
                & ~oews["occ_code"].str.endswith("-0000")]
    return rows.drop_duplicates("occ_code")[["occ_code", "tot_emp"]].reset_index(drop=True)


def crosswalk_pairs(crosswalks: dict[tuple[int, int], pd.DataFrame], start: int, end: int) -> list[tuple[str, str]]:
    """Return the (old, new) code pairs of every SOC crosswalk whose change falls within OEWS years start..end."""
    # OEWS moved to SOC 2010 over 2010-2012 and to SOC 2018 over 2019-2021 (hybrid codes in between).
    in_use = {(2000, 2010): (2010, 2011), (2010, 2018): (2019, 2020)}
    pairs: list[tuple[str, str]] = []
    for key, frame in crosswalks.items():
        first_hybrid, last_hybrid = in_use.get(key, (key[1], key[1]))
        if start <= last_hybrid and end >= first_hybrid:
            pairs += list(zip(frame.iloc[:, 0], frame.iloc[:, 1]))
    return pairs


def code_groups(codes: Iterable[str], pairs: Iterable[tuple[str, str]], standard: set[str] | None = None
                ) -> dict[str, str]:
    """Return {code: group id} where a group is a connected set of codes; the id is its codes joined by '+'."""
    codes, pairs = set(codes), list(pairs)
    parent: dict[str, str] = {}

    def find(c: str) -> str:
        parent.setdefault(c, c)
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    def union(a: str, b: str) -> None:
        parent[find(a)] = find(b)

    known = set()
    for old, new in pairs:
        old, new = str(old).strip(), str(new).strip()
        if old and new:
            union(old, new)
            known |= {old, new}
    # Standard SOC codes (any crosswalk lists them) stand alone; OEWS aggregates and hybrids do not.
    known = known | (standard or set())
    for code in codes:
        find(code)
        if code in known:
            continue
        # An OEWS aggregate or hybrid code no crosswalk lists: it covers codes of its broad group.
        prefix = code.rstrip("0") if code.endswith("0") else code[:6]
        prefix = prefix if len(prefix) >= 4 else code[:4]
        for other in codes | known:
            if other != code and other.startswith(prefix):
                union(code, other)
    members: dict[str, list[str]] = {}
    for code in codes:
        members.setdefault(find(code), []).append(code)
    return {code: "+".join(sorted(members[find(code)])) for code in codes}


def known_codes(crosswalks: dict[tuple[int, int], pd.DataFrame]) -> set[str]:
    """Return every code any crosswalk lists (the standard SOC codes, as opposed to OEWS aggregates)."""
    return {str(c).strip() for frame in crosswalks.values() for col in frame.columns[:2] for c in frame[col]} - {""}


def _sum_by_group(frame: pd.DataFrame, groups: dict[str, str], code: str, value: str) -> pd.DataFrame:
    """Return group, total and whether any member's value is missing (suppressed)."""
    frame = frame.assign(group=frame[code].map(groups))
    return frame.groupby("group").agg(total=(value, lambda s: s.sum(min_count=1)),
                                      missing=(value, lambda s: s.isna().any()), n=(code, "size")).reset_index()


def _annual(growth: pd.Series | np.ndarray, years: float) -> np.ndarray:
    """Return the compound annual rate of a growth over `years`."""
    return np.power(1.0 + np.asarray(growth, dtype=float), 1.0 / years) - 1.0


def trend_rates(oews: pd.DataFrame, base_year: int, crosswalks: dict[tuple[int, int], pd.DataFrame],
                method: Method) -> tuple[pd.Series, int | None]:
    """Return the trailing OEWS CAGR up to base_year per base-year code (NaN where not measurable) and its start year."""
    years = sorted(y for y in oews["year"].unique() if base_year - method.trend_years <= y <= base_year - method.min_trend_years)
    if not years:
        return pd.Series(dtype=float), None
    start = int(years[0])
    base, first = detailed_employment(oews, base_year), detailed_employment(oews, start)
    groups = code_groups(set(base["occ_code"]) | set(first["occ_code"]), crosswalk_pairs(crosswalks, start, base_year),
                         known_codes(crosswalks))
    now, then = _sum_by_group(base, groups, "occ_code", "tot_emp"), _sum_by_group(first, groups, "occ_code", "tot_emp")
    both = now.merge(then, on="group", suffixes=("_now", "_then"))
    ok = ~both["missing_now"] & ~both["missing_then"] & (both["total_then"] > 0) & (both["total_now"] > 0)
    both["rate"] = np.where(ok, _annual(both["total_now"] / both["total_then"].where(ok, 1.0) - 1.0,
                                        base_year - start), np.nan)
    rate_by_group = both.set_index("group")["rate"]
    return base["occ_code"].map(groups).map(rate_by_group).set_axis(base["occ_code"]).astype(float), start


def evaluate_vintage(oews: pd.DataFrame, projections: pd.DataFrame, vintage: tuple[int, int], base_year: int,
                     target_year: int, crosswalks: dict[tuple[int, int], pd.DataFrame],
                     ai_mfg_codes: set[str] = frozenset(), method: Method = Method()) -> pd.DataFrame:
    """Return one row per occupation (code group) with OEWS outcome and BLS, trend and talentcast growths B -> T."""
    if target_year <= base_year:
        raise ValueError(f"target year {target_year} must be after base year {base_year}")
    for year in (base_year, target_year):
        if not (oews["year"] == year).any():
            raise ValueError(f"no OEWS data for year {year} (years present: {sorted(oews['year'].unique())})")
    history = oews[oews["year"] <= base_year]  # nothing after B reaches a forecast
    span, (v_base, v_target) = target_year - base_year, vintage
    base, target = detailed_employment(oews, base_year), detailed_employment(oews, target_year)
    codes = set(base["occ_code"]) | set(target["occ_code"]) | set(projections["soc_code"])
    groups = code_groups(codes, crosswalk_pairs(crosswalks, min(base_year, v_base), target_year), known_codes(crosswalks))

    b = _sum_by_group(base, groups, "occ_code", "tot_emp")
    t = _sum_by_group(target, groups, "occ_code", "tot_emp")
    p = projections.assign(group=projections["soc_code"].map(groups)).groupby("group").agg(
        bls_base=("emp_base", lambda s: s.sum(min_count=1)), bls_target=("emp_target", lambda s: s.sum(min_count=1)),
        title=("title", lambda s: "; ".join(s)), bls_codes=("soc_code", lambda s: "+".join(sorted(s)))).reset_index()
    rates, trend_start = trend_rates(history, base_year, crosswalks, method)
    base = base.assign(rate=base["occ_code"].map(rates), group=base["occ_code"].map(groups))
    # The trend projects each base-year code on its own trailing rate; a group's growth sums them.
    base["proj"] = base["tot_emp"] * np.power(1.0 + base["rate"], span)
    trend = base.groupby("group").agg(proj=("proj", lambda s: s.sum(min_count=len(s)))).reset_index()

    out = p.merge(b, on="group").merge(t, on="group", suffixes=("_base", "_target")).merge(trend, on="group", how="left")
    # A standard code the vintage projects but OEWS did not publish in B (e.g. 15-2099 in 2012) would
    # leave its jobs out of emp_base and count them in T: such groups are not comparable.
    unpublished = (set(projections["soc_code"]) - set(base["occ_code"])) & known_codes(crosswalks)
    out["unpublished"] = out["group"].map(lambda g: any(c in unpublished for c in g.split("+")))
    ok = ~out["unpublished"] & (~out["missing_base"] & ~out["missing_target"] & (out["total_base"] > 0) & (out["total_target"] > 0)
          & (out["bls_base"] > 0) & out["bls_target"].notna())
    out = out[ok].copy()
    out["growth_actual"] = out["total_target"] / out["total_base"] - 1.0
    bls_rate = _annual(out["bls_target"] / out["bls_base"] - 1.0, v_target - v_base)
    out["growth_bls"] = np.power(1.0 + bls_rate, span) - 1.0
    out["growth_trend"] = out["proj"] / out["total_base"] - 1.0
    trend_rate = _annual(out["growth_trend"], span)
    if method.trend_cap is not None:
        trend_rate = np.clip(trend_rate, -method.trend_cap, method.trend_cap)
    # Without a measurable trend the blend falls back on BLS alone.
    blend = np.where(np.isnan(trend_rate), bls_rate, method.bls_weight * bls_rate + (1 - method.bls_weight) * trend_rate)
    out["growth_talentcast"] = np.power(1.0 + blend, span) - 1.0
    out["trend_from_year"] = trend_start
    out["codes_target"] = out["group"].map(lambda g: "+".join(c for c in g.split("+") if c in set(target["occ_code"])))
    out["is_ai_mfg"] = out["group"].map(lambda g: bool(set(g.split("+")) & set(ai_mfg_codes)))
    out = out.rename(columns={"bls_codes": "soc_code", "total_base": "emp_base", "total_target": "emp_target_actual"})
    return out[OUTPUT_COLUMNS + EXTRA_COLUMNS].sort_values("soc_code").reset_index(drop=True)


def summarise(rows: pd.DataFrame, span: int) -> pd.DataFrame:
    """Return one row per (subset, method): occupations, mean absolute growth error, annualised, direction right."""
    methods = {"bls": "growth_bls", "talentcast": "growth_talentcast", "trend": "growth_trend", "no_change": None}
    subsets = {"all": rows, "ai_mfg": rows[rows["is_ai_mfg"]]}
    out = []
    for subset, frame in subsets.items():
        actual = frame["growth_actual"].to_numpy(dtype=float)
        for name, col in methods.items():
            pred = np.zeros(len(frame)) if col is None else frame[col].to_numpy(dtype=float)
            keep = ~np.isnan(pred)
            a, f = actual[keep], pred[keep]
            out.append({
                "subset": subset, "method": name, "occupations": int(keep.sum()),
                "mae_growth": float(np.mean(np.abs(f - a))) if keep.any() else np.nan,
                "mae_annual_pts": float(np.mean(np.abs(_annual(f, span) - _annual(a, span))) * 100) if keep.any() else np.nan,
                # robust to the few recoded groups whose jobs were reclassified (15-2099 -> data scientists)
                "median_ae_annual_pts": float(np.median(np.abs(_annual(f, span) - _annual(a, span))) * 100)
                if keep.any() else np.nan,
                # no-change has no direction: its score counts the occupations that did not move at all
                "direction_right": float(np.mean(np.sign(f) == np.sign(a))) if keep.any() else np.nan,
            })
    return pd.DataFrame(out)
