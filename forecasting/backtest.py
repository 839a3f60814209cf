"""Rolling-origin backtests placed like Nixtla statsforecast's cross_validation, for any estimator.

Windows: the last window's test period ends at each series' last observation and earlier windows
sit `step` periods apart, i.e. window w (0 = earliest) of k has its cutoff `h + (k - 1 - w) * step`
periods before the last ds. Each window fits a fresh clone on data up to and including the cutoff.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone

from forecasting.models import interval_columns
from forecasting.panel import check_regular, iter_series, min_train_length, validate_panel

log = logging.getLogger(__name__)

CV_KEYS = ["unique_id", "cutoff", "ds", "y", "model"]


def windows_that_fit(n_obs: int, h: int, n_windows: int, step: int, min_train: int) -> int:
    """Return how many of the requested windows keep >= min_train points before the first cutoff."""
    room = n_obs - h - min_train
    if room < 0:
        return 0
    return min(n_windows, room // step + 1)


def plan_windows(panel: pd.DataFrame, h: int, n_windows: int, step: int, freq: str,
                 min_train: int | None = None) -> pd.DataFrame:
    """Return one row per series: unique_id, n_obs, n_windows (0 = too short to backtest)."""
    _check_args(h, n_windows, step)
    need = min_train_length(freq) if min_train is None else min_train
    sizes = panel.groupby("unique_id", sort=True).size()
    return pd.DataFrame({
        "unique_id": sizes.index.astype(str),
        "n_obs": sizes.to_numpy(),
        "n_windows": [windows_that_fit(int(n), h, n_windows, step, need) for n in sizes.to_numpy()],
    })


def _check_args(h: int, n_windows: int, step: int) -> None:
    for name, value in (("h", h), ("n_windows", n_windows), ("step", step)):
        if int(value) != value or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")


def cross_validation(panel: pd.DataFrame, models: dict[str, BaseEstimator], h: int, n_windows: int,
                     step: int, freq: str, levels: Sequence[int] = (80, 95),
                     min_train: int | None = None) -> pd.DataFrame:
    """Return backtest forecasts, one row per (unique_id, cutoff, ds, model), with y and intervals.

    Series too short for all windows get fewer (the latest ones); series with none get no rows and are
    logged. min_train defaults to min_train_length(freq).
    """
    _check_args(h, n_windows, step)
    if not models:
        raise ValueError("cross_validation needs at least one model")
    panel = validate_panel(panel)
    check_regular(panel, freq)
    need = min_train_length(freq) if min_train is None else min_train
    value_cols = interval_columns(levels)

    uid_col, cutoff_col, ds_col, y_col, model_col, values = [], [], [], [], [], []
    skipped: list[str] = []
    for uid, ds, y in iter_series(panel):
        k = windows_that_fit(len(y), h, n_windows, step, need)
        if k == 0:
            skipped.append(uid)
            continue
        for w in range(k):
            cut = len(y) - h - 1 - (k - 1 - w) * step
            train, test = y[: cut + 1], slice(cut + 1, cut + 1 + h)
            for name, estimator in models.items():
                fc = clone(estimator).fit(train).predict(h, levels=levels)
                values.append(fc[value_cols].to_numpy(dtype=float))
                uid_col += [uid] * h
                cutoff_col.append(np.repeat(ds[cut], h))
                ds_col.append(ds[test])
                y_col.append(y[test])
                model_col += [name] * h
    if skipped:
        log.warning("%d series too short to backtest (need %d points + h=%d): %s%s", len(skipped), need, h,
                    ", ".join(skipped[:10]), " ..." if len(skipped) > 10 else "")

    ds_dtype = panel["ds"].dtype
    if not values:
        empty = {c: pd.Series(dtype="str") for c in ("unique_id", "model")}
        empty |= {c: pd.Series(dtype=ds_dtype) for c in ("cutoff", "ds")}
        empty |= {c: pd.Series(dtype="float64") for c in ["y", *value_cols]}
        return pd.DataFrame(empty)[CV_KEYS + value_cols]
    out = pd.DataFrame({
        "unique_id": pd.array(uid_col, dtype="str"),
        "cutoff": np.concatenate(cutoff_col).astype(ds_dtype),
        "ds": np.concatenate(ds_col).astype(ds_dtype),
        "y": np.concatenate(y_col),
        "model": pd.array(model_col, dtype="str"),
    })
    out[value_cols] = np.vstack(values)
    return out
