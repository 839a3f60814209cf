"""A per-series combination of models weighted by backtest MAE ** -WEIGHT_POWER (issue 4: ensembles).

Built from the members' own rows, so it costs no extra fit. The weights of a backtest window use only
the errors of earlier windows on periods up to its cutoff (equal weights where there are none), so
the ensemble's backtest score is as honest as any model's; the published forecast uses every window.
WEIGHT_POWER is 0 (an equal-weight mean, the "forecast combination puzzle"): with the nested selection of
benchmarks/forecast_indeed.py (h=6, 4 windows, step 3), ETS + GBM + naive (both on full history, before
registry.RECENT_ETS_POINTS / RECENT_GBM_ORIGINS) scored selected MASE / AutoETS
0.905 with equal weights vs 0.928 with inverse-MAE weights on the Indeed sector indices, and 0.960 vs
0.964 on 95 Indeed indices never tuned on (US states, GB regions, CA provinces, country aggregates).
Bounds are the weighted means of the members' bounds; intervals.calibrate then replaces them with
conformal ones if those cover better on the backtest.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from forecasting.models import interval_columns

ENSEMBLE = "ensemble"
# Weight of a member = MAE ** -WEIGHT_POWER (0: equal weights, 1: inverse MAE); see the module docstring.
WEIGHT_POWER = 0.0


def _weights(errors: pd.DataFrame, at: pd.DataFrame, members: list[str], power: float) -> pd.DataFrame:
    """Return unique_id, cutoff, model, w: MAE ** -power over error rows with ds <= cutoff, equal if none."""
    pairs = at.merge(errors, on="unique_id", suffixes=("", "_err"))
    pairs = pairs[pairs["ds"] <= pairs["cutoff"]]
    mae = pairs.groupby(["unique_id", "cutoff", "model"], sort=False)["abs_err"].mean().rename("mae").reset_index()
    grid = at.merge(pd.DataFrame({"model": members}), how="cross").merge(
        mae, on=["unique_id", "cutoff", "model"], how="left")
    # a perfect member (MAE 0) must not divide by zero: floor the MAE at a millionth of the mean one
    floor = grid.groupby(["unique_id", "cutoff"])["mae"].transform("mean") * 1e-6
    inv = np.maximum(grid["mae"], floor) ** -power
    complete = inv.notna().groupby([grid["unique_id"], grid["cutoff"]]).transform("all")  # no Python call per group
    grid["w"] = np.where(complete, inv, 1.0)
    grid["w"] = grid["w"] / grid.groupby(["unique_id", "cutoff"])["w"].transform("sum")
    return grid[["unique_id", "cutoff", "model", "w"]]


def _combine(rows: pd.DataFrame, weights: pd.DataFrame, keys: list[str], value_cols: list[str]) -> pd.DataFrame:
    """Return the weighted mean per key over the members that have a row there.

    A member without a row for a series (e.g. constant_share for a series with no total) must not count:
    the weights of the members present are renormalised to sum to 1."""
    d = rows.merge(weights, on=["unique_id", "cutoff", "model"])
    d[value_cols] = d[value_cols].mul(d["w"], axis=0)
    g = d.groupby(keys, sort=False)
    out = g[value_cols].sum().div(g["w"].sum(), axis=0).reset_index()
    return out.assign(model=ENSEMBLE)


def add_ensemble(forecasts: pd.DataFrame | None, backtest: pd.DataFrame, members: Sequence[str],
                 levels: Sequence[int], power: float = WEIGHT_POWER) -> tuple[pd.DataFrame | None, pd.DataFrame]:
    """Return forecasts and backtest with model='ensemble' rows added, for members present in both.

    A member's weight is its backtest MAE ** -power (0: equal weights; 1: inverse MAE). forecasts=None
    combines the backtest only (the race in forecasting/run.py scores a sample before any forecast)."""
    members = [m for m in members if m in set((backtest if forecasts is None else forecasts)["model"])]
    if len(members) < 2:
        return forecasts, backtest
    value_cols = interval_columns(levels)
    bt = backtest[backtest["model"].isin(members)]
    errors = bt.assign(abs_err=(bt["y_hat"] - bt["y"]).abs())[["unique_id", "model", "ds", "abs_err"]]
    parts_bt = []
    if not bt.empty:
        at = bt[["unique_id", "cutoff"]].drop_duplicates()
        ens = _combine(bt, _weights(errors, at, members, power), ["unique_id", "cutoff", "ds"], value_cols)
        y = bt[["unique_id", "cutoff", "ds", "y"]].drop_duplicates(["unique_id", "cutoff", "ds"])
        parts_bt.append(ens.merge(y, on=["unique_id", "cutoff", "ds"])[backtest.columns])
    if forecasts is None:
        return None, pd.concat([backtest, *parts_bt], ignore_index=True) if parts_bt else backtest
    # Forecast weights: all backtest errors (a cutoff after every ds); series without a backtest: equal.
    fc = forecasts[forecasts["model"].isin(members)].assign(cutoff=pd.Timestamp.max)
    at = fc[["unique_id", "cutoff"]].drop_duplicates()
    ens_fc = _combine(fc, _weights(errors, at, members, power), ["unique_id", "ds"], value_cols)
    ens_fc = ens_fc.reindex(columns=forecasts.columns)
    ens_fc["ds"] = ens_fc["ds"].astype(forecasts["ds"].dtype)
    forecasts = pd.concat([forecasts, ens_fc], ignore_index=True)
    if parts_bt:
        backtest = pd.concat([backtest, *parts_bt], ignore_index=True)
    return forecasts, backtest
