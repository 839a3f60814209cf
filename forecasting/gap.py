"""Skill gap as ranges (issue 5): P10/P50/P90 of demand, supply, gap and ratio by simulation.

Each forecast row gives a point and an 80% interval. We read it as a normal distribution with
mean y_hat and sd = (hi_80 - lo_80) / (2 * 1.2816) (a stated approximation: the engine's ETS and
baseline intervals are close to symmetric), draw demand and supply independently, clip counts at
zero, apply the planner's parameters (share of openings filled by new graduates, share of graduates
entering the local labour market, a scale on the program -> occupation shares) and take percentiles
of demand, supply, gap = demand - supply and ratio = demand / supply.

Assumption uncertainty: a parameter with a (low, high) range is drawn from the triangular
distribution (low, value, high), one draw per simulation draw shared by every row (a planner's doubt
about the new-graduate share is the same for every program), so the bands carry forecast and
assumption uncertainty together; `draw_assumptions=False` holds every parameter at its value.

Skill clusters: a program's demand is split over the clusters it teaches by the clusters' counts in
the region's postings (Dirichlet(count + 0.5) weights, so small samples widen the band) and its
supply equally over them (no curriculum weights exist: a stated assumption). A cluster's ratio above
the program's means the cluster is a larger part of demand than of teaching.
forecasting/gap_step.py runs it in the pipeline (forecasts.gap_simulation).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

Z80 = 1.2815515655446004  # standard normal quantile of 0.9
FORECAST_COLUMNS = ["y_hat", "lo_80", "hi_80"]
PERCENTILES = (10, 50, 90)
DRAWN = ("new_graduate_share", "retention_share", "occupation_share_scale")
ALL_CLUSTERS = "all"


@dataclass(frozen=True)
class GapAssumptions:
    """Planner's parameters; 1.0 = no adjustment (sourced defaults and ranges: seeds/gap_assumptions.csv)."""

    new_graduate_share: float = 1.0  # share of openings filled by new graduates
    retention_share: float = 1.0  # share of graduates entering the local labour market
    draws: int = 10_000
    seed: int = 0
    occupation_share_scale: float = 1.0  # multiplies every program -> occupation share
    ranges: dict[str, tuple[float, float]] = field(default_factory=dict)  # parameter -> (low, high)
    draw_assumptions: bool = True

    def __post_init__(self) -> None:
        for name, (low, high) in self.ranges.items():
            value = getattr(self, name) if name in DRAWN else None
            if value is None:
                raise ValueError(f"range given for {name!r}, which is not one of {DRAWN}")
            if not low <= value <= high:
                raise ValueError(f"{name}: value {value} is outside its range [{low}, {high}]")

    @property
    def uncertainty(self) -> str:
        """Return 'forecast+assumptions' when parameters are drawn from their ranges, else 'forecast'."""
        drawn = self.draw_assumptions and any(high > low for low, high in self.ranges.values())
        return "forecast+assumptions" if drawn else "forecast"

    def parameter_draws(self, rng: np.random.Generator) -> dict[str, np.ndarray | float]:
        """Return {parameter: draws (shape (draws,)) or the fixed value}."""
        out: dict[str, np.ndarray | float] = {}
        for name in DRAWN:
            value = float(getattr(self, name))
            low, high = self.ranges.get(name, (value, value))
            out[name] = (rng.triangular(low, value, high, self.draws)
                         if self.draw_assumptions and high > low else value)
        return out


def normal_sd(lo_80: np.ndarray, hi_80: np.ndarray) -> np.ndarray:
    """Return the sd of the normal whose central 80% interval is [lo_80, hi_80]."""
    width = np.asarray(hi_80, dtype=float) - np.asarray(lo_80, dtype=float)
    if np.any(width < 0):
        raise ValueError(f"80% interval with hi_80 < lo_80: widths {width[width < 0][:3].tolist()}")
    return width / (2 * Z80)


def _percentiles(out: pd.DataFrame, demand: np.ndarray, supply: np.ndarray) -> pd.DataFrame:
    measures = {"demand": demand, "supply": supply, "gap": demand - supply}
    with np.errstate(divide="ignore", invalid="ignore"):
        measures["ratio"] = np.where(supply > 0, demand / supply, np.nan)
    for name, values in measures.items():
        if len(out):
            with np.errstate(invalid="ignore"):
                pct = np.nanpercentile(values, PERCENTILES, axis=1)
        else:
            pct = np.empty((3, 0))
        for p, row in zip(PERCENTILES, pct):
            out[f"{name}_p{p}"] = row
    return out


def simulate_gap(demand: pd.DataFrame, supply: pd.DataFrame, keys: list[str],
                 assumptions: GapAssumptions = GapAssumptions(),
                 clusters: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return one row per key (e.g. program x region x year) with P10/P50/P90 of demand, supply, gap and ratio.

    With `clusters` (keys[0], cluster, count: the cluster's postings in the region's sample), also one
    row per key and cluster, and a `skill_cluster` column ('all' on the program rows) with the
    cluster's demand weight (`demand_weight_p50`).
    """
    both = demand[keys + FORECAST_COLUMNS].merge(supply[keys + FORECAST_COLUMNS], on=keys, suffixes=("_d", "_s"))
    rng = np.random.default_rng(assumptions.seed)
    n, k = len(both), assumptions.draws
    params = assumptions.parameter_draws(rng)
    draws = {}
    for side in ("d", "s"):
        mean = both[f"y_hat_{side}"].to_numpy(dtype=float)[:, None]
        sd = normal_sd(both[f"lo_80_{side}"].to_numpy(), both[f"hi_80_{side}"].to_numpy())[:, None]
        draws[side] = np.clip(mean + sd * rng.standard_normal((n, k)), 0, None)
    draws["d"] = draws["d"] * params["new_graduate_share"] * params["occupation_share_scale"]
    draws["s"] = draws["s"] * params["retention_share"]
    out = _percentiles(both[keys].copy().reset_index(drop=True), draws["d"], draws["s"])
    if clusters is None:
        return out
    out.insert(len(keys), "skill_cluster", ALL_CLUSTERS)
    out["demand_weight_p50"] = 1.0
    parts = [out]
    program = keys[0]
    for code, links in clusters.groupby(program, sort=True):
        rows = np.flatnonzero(both[program].to_numpy() == code)
        if not len(rows):
            continue
        names = links["cluster"].tolist()
        counts = links["count"].to_numpy(dtype=float).clip(0, None) + 0.5
        weights = rng.dirichlet(counts, k).T  # (clusters, draws), shared by the program's years
        for name, w in zip(names, weights):
            part = _percentiles(both.iloc[rows][keys].copy().reset_index(drop=True),
                                draws["d"][rows] * w, draws["s"][rows] / len(names))
            part.insert(len(keys), "skill_cluster", name)
            part["demand_weight_p50"] = float(np.median(w))
            parts.append(part)
    return pd.concat(parts, ignore_index=True)
