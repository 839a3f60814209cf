"""Backtest accuracy per (unique_id, model), per horizon step and per cutoff, each read against a naive scale."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from forecasting.panel import iter_series

_LEVEL = re.compile(r"^lo_(\d+)$")


def cv_levels(cv: pd.DataFrame) -> list[int]:
    """Return the interval levels present in a backtest frame (from its lo_<level> columns)."""
    return [int(m.group(1)) for c in cv.columns if (m := _LEVEL.match(c)) and f"hi_{m.group(1)}" in cv.columns]


def naive_scale(panel: pd.DataFrame, cutoffs: pd.Series, season_length: int) -> pd.DataFrame:
    """Return per unique_id the in-sample MAE of the one-step (seasonal) naive forecast up to its cutoff.

    Columns unique_id, scale ('seasonal_naive' if the training part has >= 2 seasons, else 'naive'),
    scale_mae (NaN with fewer than 2 training points).
    """
    first_cut = cutoffs.to_dict()
    rows = []
    for uid, ds, y in iter_series(panel.sort_values(["unique_id", "ds"], kind="mergesort")):
        if uid not in first_cut:
            continue
        train = y[ds <= np.datetime64(first_cut[uid])]
        m = season_length if season_length > 1 and train.size >= 2 * season_length else 1
        mae = float(np.mean(np.abs(train[m:] - train[:-m]))) if train.size > m else float("nan")
        rows.append((uid, "seasonal_naive" if m > 1 else "naive", mae))
    return pd.DataFrame(rows, columns=["unique_id", "scale", "scale_mae"]).astype({"unique_id": "str"})


def _prepare(cv: pd.DataFrame, panel: pd.DataFrame, season_length: int) -> tuple[pd.DataFrame, list[int]]:
    levels = cv_levels(cv)
    d = cv.sort_values(["unique_id", "model", "cutoff", "ds"], kind="mergesort").reset_index(drop=True)
    d["step"] = d.groupby(["unique_id", "model", "cutoff"], sort=False).cumcount() + 1
    d["err"] = d["y_hat"] - d["y"]
    d["abs_err"] = d["err"].abs()
    d["abs_y"] = d["y"].abs()
    denom = d["abs_y"] + d["y_hat"].abs()
    # sMAPE term on the 0-200 scale; a perfect zero forecast of a zero counts as 0, not 0/0.
    d["sape"] = np.where(denom > 0, 200.0 * d["abs_err"] / denom.where(denom > 0, 1.0), 0.0)
    for level in levels:
        lo, hi = d[f"lo_{level}"], d[f"hi_{level}"]
        covered = ((lo <= d["y"]) & (d["y"] <= hi)).astype(float)
        d[f"coverage_{level}"] = covered.where(lo.notna() & hi.notna())
        # Winkler (interval) score: width plus 2/alpha times the miss (Gneiting & Raftery 2007, FPP3 5.9).
        alpha = 1.0 - level / 100.0
        miss = (lo - d["y"]).clip(lower=0.0) + (d["y"] - hi).clip(lower=0.0)
        d[f"winkler_{level}"] = (hi - lo) + 2.0 / alpha * miss
    first_cut = d.groupby("unique_id")["cutoff"].min()
    d = d.merge(naive_scale(panel, first_cut, season_length), on="unique_id", how="left")
    return d, levels


def _aggregate(d: pd.DataFrame, keys: list[str], levels: list[int]) -> pd.DataFrame:
    g = d.groupby(keys, sort=True)
    out = g.agg(
        mae=("abs_err", "mean"), smape=("sape", "mean"), bias=("err", "mean"),
        sum_abs_err=("abs_err", "sum"), sum_abs_y=("abs_y", "sum"),
        n_windows=("cutoff", "nunique"), horizon=("step", "max"),
        scale=("scale", "first"), scale_mae=("scale_mae", "first"),
        **{f"coverage_{lv}": (f"coverage_{lv}", "mean") for lv in levels},
        **{f"winkler_{lv}": (f"winkler_{lv}", "mean") for lv in levels},
    ).reset_index()
    out["mase"] = out["mae"] / out["scale_mae"].where(out["scale_mae"] > 0)
    out["wape"] = out["sum_abs_err"] / out["sum_abs_y"].where(out["sum_abs_y"] > 0)
    scores = [f"{name}_{lv}" for lv in levels for name in ("coverage", "winkler")]
    cols = [*keys, "mase", "smape", "wape", "bias", *scores, "n_windows", "horizon", "scale", "mae", "scale_mae"]
    floats = ["mase", "smape", "wape", "bias", "mae", "scale_mae", *scores]
    types = {c: "float64" for c in floats} | {"n_windows": "int64", "horizon": "int64", "scale": "str"}
    return out[cols].astype(types)


def evaluate(cv: pd.DataFrame, panel: pd.DataFrame, season_length: int) -> pd.DataFrame:
    """Return accuracy per (unique_id, model) over all backtest windows and steps.

    mase divides the backtest MAE by the in-sample one-step naive MAE of the training data up to the
    first cutoff (seasonal naive if it holds >= 2 seasons; the `scale` column says which); NaN if
    that MAE is 0. smape is on the 0-200 scale, wape = sum|e| / sum|y|, bias = mean(y_hat - y);
    coverage_<level> is the share of y inside the interval, winkler_<level> the mean interval score
    (width + 2/alpha * distance outside, in units of y; lower is better).
    """
    d, levels = _prepare(cv, panel, season_length)
    return _aggregate(d, ["unique_id", "model"], levels)


def evaluate_by_horizon(cv: pd.DataFrame, panel: pd.DataFrame, season_length: int) -> pd.DataFrame:
    """Return the evaluate() metrics per (unique_id, model, step), step = 1..h within each window."""
    d, levels = _prepare(cv, panel, season_length)
    return _aggregate(d, ["unique_id", "model", "step"], levels)


def evaluate_by_cutoff(cv: pd.DataFrame, panel: pd.DataFrame, season_length: int) -> pd.DataFrame:
    """Return the evaluate() metrics per (unique_id, model, cutoff): how accuracy and coverage move in time.

    All series' errors tend to move together, so a few cutoffs are a few draws of time; this shows them.
    """
    d, levels = _prepare(cv, panel, season_length)
    return _aggregate(d, ["unique_id", "model", "cutoff"], levels)
