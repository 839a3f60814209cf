"""A per-series combination of models weighted by inverse backtest MAE (issue 4: ensembles).

Built from the members' own rows, so it costs no extra fit. The weights of a backtest window use only
the errors of earlier windows on periods up to its cutoff (equal weights where there are none), so
the ensemble's backtest score is as honest as any model's; the published forecast uses every window.
Bounds are the weighted means of the members' bounds; intervals.calibrate then replaces them with
conformal ones if those cover better on the backtest.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from forecasting.models import interval_columns

ENSEMBLE = "ensemble"


def _weights(errors: pd.DataFrame, at: pd.DataFrame, members: list[str]) -> pd.DataFrame:
    """Return unique_id, cutoff, model, w: inverse MAE over error rows with ds <= cutoff, equal if none."""
    pairs = at.merge(errors, on="unique_id", suffixes=("", "_err"))
    pairs = pairs[pairs["ds"] <= pairs["cutoff"]]
    mae = pairs.groupby(["unique_id", "cutoff", "model"], sort=False)["abs_err"].mean().rename("mae").reset_index()
    grid = at.merge(pd.DataFrame({"model": members}), how="cross").merge(
        mae, on=["unique_id", "cutoff", "model"], how="left")
    # a perfect member (MAE 0) must not divide by zero: floor the MAE at a millionth of the mean one
    floor = grid.groupby(["unique_id", "cutoff"])["mae"].transform("mean") * 1e-6
    inv = 1.0 / np.maximum(grid["mae"], floor)
    complete = grid.assign(inv=inv).groupby(["unique_id", "cutoff"])["inv"].transform(lambda s: s.notna().all())
    grid["w"] = np.where(complete, inv, 1.0)
    grid["w"] = grid["w"] / grid.groupby(["unique_id", "cutoff"])["w"].transform("sum")
    return grid[["unique_id", "cutoff", "model", "w"]]


def _combine(rows: pd.DataFrame, weights: pd.DataFrame, keys: list[str], value_cols: list[str]) -> pd.DataFrame:
    d = rows.merge(weights, on=["unique_id", "cutoff", "model"])
    d[value_cols] = d[value_cols].mul(d["w"], axis=0)
    out = d.groupby(keys, sort=False)[value_cols].sum().reset_index()
    return out.assign(model=ENSEMBLE)


def add_ensemble(forecasts: pd.DataFrame, backtest: pd.DataFrame, members: Sequence[str],
                 levels: Sequence[int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return forecasts and backtest with model='ensemble' rows added, for members present in both."""
    members = [m for m in members if m in set(forecasts["model"])]
    if len(members) < 2:
        return forecasts, backtest
    value_cols = interval_columns(levels)
    bt = backtest[backtest["model"].isin(members)]
    errors = bt.assign(abs_err=(bt["y_hat"] - bt["y"]).abs())[["unique_id", "model", "ds", "abs_err"]]
    parts_bt = []
    if not bt.empty:
        at = bt[["unique_id", "cutoff"]].drop_duplicates()
        ens = _combine(bt, _weights(errors, at, members), ["unique_id", "cutoff", "ds"], value_cols)
        y = bt[["unique_id", "cutoff", "ds", "y"]].drop_duplicates(["unique_id", "cutoff", "ds"])
        parts_bt.append(ens.merge(y, on=["unique_id", "cutoff", "ds"])[backtest.columns])
    # Forecast weights: all backtest errors (a cutoff after every ds); series without a backtest: equal.
    fc = forecasts[forecasts["model"].isin(members)].assign(cutoff=pd.Timestamp.max)
    at = fc[["unique_id", "cutoff"]].drop_duplicates()
    ens_fc = _combine(fc, _weights(errors, at, members), ["unique_id", "ds"], value_cols)
    ens_fc = ens_fc.reindex(columns=forecasts.columns)
    ens_fc["ds"] = ens_fc["ds"].astype(forecasts["ds"].dtype)
    forecasts = pd.concat([forecasts, ens_fc], ignore_index=True)
    if parts_bt:
        backtest = pd.concat([backtest, *parts_bt], ignore_index=True)
    return forecasts, backtest
