"""Rolling-origin backtests placed like Nixtla statsforecast's cross_validation, for any estimator.

Windows: the last window's test period ends at each series' last observation and earlier windows
sit `step` periods apart, i.e. window w (0 = earliest) of k has its cutoff `h + (k - 1 - w) * step`
periods before the last ds. Each window fits the model from scratch (or warm-started, see backtest_and_forecast)
on data up to and including the cutoff.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone

from forecasting.exog import exog_by_series, exog_columns
from forecasting.models import forecast_values, interval_columns
from forecasting.panel import check_regular, future_dates, iter_series, min_train_length, validate_panel

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
    return backtest_and_forecast(panel, models, h, n_windows, step, freq, levels, min_train)[0]


def backtest_and_forecast(panel: pd.DataFrame, models: dict[str, BaseEstimator], h: int | pd.Series,
                          n_windows: int, step: int, freq: str, levels: Sequence[int] = (80, 95),
                          min_train: int | None = None, horizon: int | None = None,
                          describe: bool = False,
                          exog: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Return (backtest, forecasts): cross_validation's frame and, with a horizon, each model's forecast
    of that many steps after every series' last point (unique_id, ds, model, y_hat, bounds), else None.
    describe=True adds a column model_form to the forecasts: the forecast fit's fitted_form() (ETS form,
    ARIMA order, a fallback and why; None for fixed-form models).

    h is one backtest horizon, or one per unique_id (a Series; series missing or below 1 get no backtest
    and no log line). Each series and model is handled in one pass, oldest window first and the whole
    series last: a model with warm_start=True is refitted on one instance per series, so every fit starts
    from the previous fit's parameters, which saw less data, never more. Other models are refitted on one
    clone per call (a fit starts from nothing).

    exog: regressors checked by forecasting.exog.check_exog (every point, and `horizon` dates after each
    series' last one). A model with supports_exog is fitted on their values up to each cutoff and predicts
    with their actual values in the window (statsforecast's convention), the forecast with the future ones.
    """
    if not models:
        raise ValueError("cross_validation needs at least one model")
    per_series = isinstance(h, pd.Series)
    _check_args(1 if per_series else h, n_windows, step)
    if horizon is not None:
        _check_args(horizon, 1, 1)
    panel = validate_panel(panel)
    check_regular(panel, freq)
    need = min_train_length(freq) if min_train is None else min_train
    value_cols = interval_columns(levels)
    warm = {name: bool(est.get_params().get("warm_start", False)) for name, est in models.items()}
    # One clone per model for the whole call, refitted series after series: fit resets everything an
    # estimator learned (scikit-learn's rule; each prediction is taken before the next fit), and a clone
    # per fit cost ~0.3 ms (sklearn.clone inspects signatures), as much as the cheap models' fits
    # (issue 4, benchmarks/forecast_scale.py).
    refit = {name: clone(est) for name, est in models.items() if not warm[name]}
    h_of = h.to_dict() if per_series else None
    x_of = exog_by_series(exog) if exog is not None else {}
    x_names = exog_columns(exog) if exog is not None else []
    reads_x = {name: bool(x_of) and getattr(est, "supports_exog", False) for name, est in models.items()}

    uid_col, cutoff_col, ds_col, y_col, model_col, values = [], [], [], [], [], []
    fc_uid, fc_ds, fc_model, fc_values, fc_form = [], [], [], [], []
    dates: dict[object, np.ndarray] = {}
    skipped: list[str] = []
    for uid, ds, y in iter_series(panel):
        h_s = int(h_of.get(uid, 0)) if per_series else int(h)
        k = windows_that_fit(len(y), h_s, n_windows, step, need) if h_s >= 1 else 0
        if k == 0 and not per_series:
            skipped.append(uid)
        cuts = [len(y) - h_s - 1 - (k - 1 - w) * step for w in range(k)]
        by_window: list[list[np.ndarray]] = [[] for _ in cuts]
        x = x_of.get(uid)
        if x_of and x is None:
            raise ValueError(f"no exogenous values for unique_id {uid!r}")
        for name, estimator in models.items():
            kept = clone(estimator) if warm[name] else None
            for w, cut in enumerate(cuts):
                model = kept if kept is not None else refit[name]
                if reads_x[name]:
                    model.fit(y[: cut + 1], X=x[: cut + 1])
                    by_window[w].append(forecast_values(model, h_s, levels, X=x[cut + 1: cut + 1 + h_s]))
                else:
                    by_window[w].append(forecast_values(model.fit(y[: cut + 1]), h_s, levels))
            if horizon is not None:
                model = kept if kept is not None else refit[name]
                if reads_x[name]:  # named columns: fitted_form names the coefficients
                    model.fit(y, X=pd.DataFrame(x[: len(y)], columns=x_names))
                    fc_values.append(forecast_values(model, horizon, levels, X=x[len(y): len(y) + horizon]))
                else:
                    fc_values.append(forecast_values(model.fit(y), horizon, levels))
                fc_model += [name] * horizon
                if describe:
                    form = model.fitted_form() if hasattr(model, "fitted_form") else None
                    fc_form += [form] * horizon
        for cut, fits in zip(cuts, by_window, strict=True):
            test = slice(cut + 1, cut + 1 + h_s)
            for name, fc in zip(models, fits, strict=True):
                values.append(fc)
                uid_col += [uid] * h_s
                cutoff_col.append(np.repeat(ds[cut], h_s))
                ds_col.append(ds[test])
                y_col.append(y[test])
                model_col += [name] * h_s
        if horizon is not None:
            if ds[-1] not in dates:  # most series end on the same date: build each date range once
                dates[ds[-1]] = future_dates(ds[-1], horizon, freq).to_numpy()
            fc_uid += [uid] * (horizon * len(models))
            fc_ds += [dates[ds[-1]]] * len(models)
    if skipped:
        log.warning("%d series too short to backtest (need %d points + h=%s): %s%s", len(skipped), need, h,
                    ", ".join(skipped[:10]), " ..." if len(skipped) > 10 else "")

    ds_dtype = panel["ds"].dtype
    forecasts = None
    if horizon is not None:
        forecasts = pd.DataFrame({
            "unique_id": pd.array(fc_uid, dtype="str"),
            "ds": (np.concatenate(fc_ds) if fc_ds else np.array([], dtype=ds_dtype)).astype(ds_dtype),
            "model": pd.array(fc_model, dtype="str"),
        })
        forecasts[value_cols] = np.vstack(fc_values) if fc_values else np.empty((0, len(value_cols)))
        if describe:
            forecasts["model_form"] = pd.array(fc_form, dtype="str")
    if not values:
        empty = {c: pd.Series(dtype="str") for c in ("unique_id", "model")}
        empty |= {c: pd.Series(dtype=ds_dtype) for c in ("cutoff", "ds")}
        empty |= {c: pd.Series(dtype="float64") for c in ["y", *value_cols]}
        return pd.DataFrame(empty)[CV_KEYS + value_cols], forecasts
    out = pd.DataFrame({
        "unique_id": pd.array(uid_col, dtype="str"),
        "cutoff": np.concatenate(cutoff_col).astype(ds_dtype),
        "ds": np.concatenate(ds_col).astype(ds_dtype),
        "y": np.concatenate(y_col),
        "model": pd.array(model_col, dtype="str"),
    })
    out[value_cols] = np.vstack(values)
    return out, forecasts
