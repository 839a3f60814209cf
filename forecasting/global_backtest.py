"""Backtest and forecast a global model at the panel level, with the same windows as the per-series backtest.

A series' window w has the cutoff cross_validation gives it (forecasting/backtest.py). The global model
is fitted on every series' data up to a fit date (other series' history up to the same calendar date
is known at the cutoff too) and predicts each series from its own cutoff. A cutoff up to `max_stale`
periods after the last fit date reuses that fit (it sees less data, never more): series that end in
different months gave 11 distinct cutoffs and ~2 s a fit in the pipeline's 32 monthly series.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from pandas.tseries.frequencies import to_offset
from sklearn.base import clone

from forecasting.backtest import CV_KEYS, windows_that_fit
from forecasting.global_model import GlobalModel
from forecasting.models import interval_columns
from forecasting.panel import iter_series


def _cutoff_plan(panel: pd.DataFrame, horizons: pd.Series, n_windows: int, step: int,
                 min_train: int) -> pd.DataFrame:
    """Return unique_id, cutoff, h: one row per backtest window of each series (horizons: h per series)."""
    rows = []
    for uid, ds, y in iter_series(panel):
        h = int(horizons.get(uid, 0))
        if h < 1:
            continue
        k = windows_that_fit(len(y), h, n_windows, step, min_train)
        rows += [(uid, ds[len(y) - h - 1 - (k - 1 - w) * step], h) for w in range(k)]
    return pd.DataFrame(rows, columns=["unique_id", "cutoff", "h"])


def fit_dates(cutoffs: Sequence[pd.Timestamp], freq: str, max_stale: int) -> dict[pd.Timestamp, pd.Timestamp]:
    """Return cutoff -> fit date: the latest kept date <= cutoff (kept: over max_stale periods after the last)."""
    out, last = {}, None
    for c in sorted(pd.Timestamp(x) for x in set(cutoffs)):
        if last is None or c > last + to_offset(freq) * int(max_stale):
            last = c
        out[c] = last
    return out


def _exog_kwargs(model: GlobalModel, exog: pd.DataFrame | None) -> dict[str, pd.DataFrame]:
    return {"exog": exog} if exog is not None and getattr(model, "supports_exog", False) else {}


def global_cross_validation(panel: pd.DataFrame, name: str, model: GlobalModel, freq: str, horizons: pd.Series,
                            n_windows: int, step: int, min_train: int, levels: Sequence[int] = (80, 95),
                            max_stale: int = 3, exog: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return backtest rows (unique_id, cutoff, ds, y, model, y_hat, bounds) of one global model.

    exog: regressors (forecasting/exog.py), for a model with supports_exog; their actual values in each
    window reach the prediction, as in the per-series backtest.
    """
    x = _exog_kwargs(model, exog)
    plan = _cutoff_plan(panel, horizons, n_windows, step, min_train)
    cols = CV_KEYS + interval_columns(levels)
    parts = []
    when = fit_dates(plan["cutoff"].tolist(), freq, max_stale)
    fitted: dict[pd.Timestamp, GlobalModel] = {}
    for cutoff, at in plan.groupby("cutoff", sort=True):
        f = when[pd.Timestamp(cutoff)]
        if f not in fitted:
            fitted[f] = clone(model).fit(panel[panel["ds"] <= f], freq, **x)
        history = panel[(panel["ds"] <= cutoff) & panel["unique_id"].isin(set(at["unique_id"]))]
        fc = fitted[f].predict(int(at["h"].max()), levels=levels, panel=history, **x)
        fc = fc.merge(at[["unique_id", "h"]], on="unique_id")
        # each series keeps its own horizon: h steps after its cutoff
        fc = fc[fc.groupby("unique_id", sort=False).cumcount().to_numpy() < fc["h"].to_numpy()]
        parts.append(fc.drop(columns="h").assign(cutoff=cutoff, model=name))
    if not parts:
        empty = {c: pd.Series(dtype="str") for c in ("unique_id", "model")}
        empty |= {c: pd.Series(dtype=panel["ds"].dtype) for c in ("cutoff", "ds")}
        empty |= {c: pd.Series(dtype="float64") for c in ["y", *interval_columns(levels)]}
        return pd.DataFrame(empty)[cols]
    out = pd.concat(parts, ignore_index=True).merge(panel, on=["unique_id", "ds"], how="inner")
    out["cutoff"] = out["cutoff"].astype(panel["ds"].dtype)
    out["model"] = out["model"].astype("str")
    return out[cols]


def global_forecast(panel: pd.DataFrame, name: str, model: GlobalModel, freq: str, horizon: int,
                    levels: Sequence[int] = (80, 95), exog: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return forecast rows (unique_id, ds, model, y_hat, bounds) from one fit on the whole panel
    (exog: with the regressors' values over it and the horizon after it)."""
    fc = clone(model).fit(panel, freq, **_exog_kwargs(model, exog)).predict(horizon, levels=levels)
    fc.insert(2, "model", pd.array([name] * len(fc), dtype="str"))
    return fc.reset_index(drop=True)

