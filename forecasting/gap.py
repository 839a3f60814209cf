"""Skill gap as ranges (issue 5): P10/P50/P90 of demand, supply, gap and ratio by simulation.

Each forecast row gives a point and an 80% interval. We read it as a normal distribution with
mean y_hat and sd = (hi_80 - lo_80) / (2 * 1.2816) (a stated approximation: the engine's ETS and
baseline intervals are close to symmetric), draw demand and supply independently, clip counts at
zero, apply the planner's parameters (share of openings filled by new graduates, share of graduates
entering the local labour market) and take percentiles of demand, supply, gap = demand - supply and
ratio = demand / supply. forecasting/gap_step.py runs it in the pipeline (forecasts.gap_simulation).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

Z80 = 1.2815515655446004  # standard normal quantile of 0.9
FORECAST_COLUMNS = ["y_hat", "lo_80", "hi_80"]
PERCENTILES = (10, 50, 90)


@dataclass(frozen=True)
class GapAssumptions:
    """Planner's parameters; 1.0 = no adjustment (sourced defaults: seeds/gap_assumptions.csv)."""

    new_graduate_share: float = 1.0  # share of openings filled by new graduates
    retention_share: float = 1.0  # share of graduates entering the local labour market
    draws: int = 10_000
    seed: int = 0


def normal_sd(lo_80: np.ndarray, hi_80: np.ndarray) -> np.ndarray:
    """Return the sd of the normal whose central 80% interval is [lo_80, hi_80]."""
    width = np.asarray(hi_80, dtype=float) - np.asarray(lo_80, dtype=float)
    if np.any(width < 0):
        raise ValueError(f"80% interval with hi_80 < lo_80: widths {width[width < 0][:3].tolist()}")
    return width / (2 * Z80)


def simulate_gap(demand: pd.DataFrame, supply: pd.DataFrame, keys: list[str],
                 assumptions: GapAssumptions = GapAssumptions()) -> pd.DataFrame:
    """Return one row per key (e.g. program x region x year) with P10/P50/P90 of demand, supply, gap and ratio."""
    both = demand[keys + FORECAST_COLUMNS].merge(supply[keys + FORECAST_COLUMNS], on=keys, suffixes=("_d", "_s"))
    rng = np.random.default_rng(assumptions.seed)
    n, k = len(both), assumptions.draws
    draws = {}
    for side, share in (("d", assumptions.new_graduate_share), ("s", assumptions.retention_share)):
        mean = both[f"y_hat_{side}"].to_numpy(dtype=float)[:, None]
        sd = normal_sd(both[f"lo_80_{side}"].to_numpy(), both[f"hi_80_{side}"].to_numpy())[:, None]
        draws[side] = np.clip(mean + sd * rng.standard_normal((n, k)), 0, None) * share
    measures = {"demand": draws["d"], "supply": draws["s"], "gap": draws["d"] - draws["s"]}
    with np.errstate(divide="ignore", invalid="ignore"):
        measures["ratio"] = np.where(draws["s"] > 0, draws["d"] / draws["s"], np.nan)
    out = both[keys].copy()
    for name, values in measures.items():
        pct = np.nanpercentile(values, PERCENTILES, axis=1) if n else np.empty((3, 0))
        for p, row in zip(PERCENTILES, pct):
            out[f"{name}_p{p}"] = row
    return out.reset_index(drop=True)
