"""Exogenous regressors: issue 4's contract is the panel (unique_id, ds, y) plus optional exogenous columns.

A regressor is a numeric column beside y, e.g. a policy dummy (China's AI + Manufacturing plan from its
start month), a scenario path for industrial output, or a leading indicator already shifted by the
horizon. It travels as its own long frame, exog = (unique_id, ds, x_1, ..., x_k), as statsforecast's
X_df, but covering both every point of the panel and the `horizon` dates after each series' last one:
the future values the forecast is conditional on.

Models that read regressors (supports_exog = True):
- arima: regression with ARIMA errors (FPP3 ch. 10, forecast::auto.arima's xreg) on statsmodels'
  ARIMA(exog=...), coefficients estimated with the ARMA terms, the order search run with them in; with
  regressors the default model set adds it as a candidate for selection (registry.EXOG_MODELS);
- gbm: each regressor's change from the forecast origin to the target date, as a feature (so the
  ensemble, of which GBM is a member, reads them too).
The others (naive, ETS, TSB, ...) forecast from y alone, so selection by backtest still prefers them
where the regressors do not help (benchmarks/forecast_exog.py measures how much they do).

Backtests give the models the regressors' actual values in each test window, as statsforecast's
cross_validation does: their scores are conditional on the regressors being known. That holds for
calendar and policy dummies and for an indicator shifted by the horizon; it flatters a regressor that
will itself have to be forecast.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecasting.panel import PANEL_COLUMNS, future_dates, series_runs

KEYS = ["unique_id", "ds"]


def exog_columns(frame: pd.DataFrame) -> list[str]:
    """Return the frame's columns besides unique_id, ds and y, in order: its regressors."""
    return [c for c in frame.columns if c not in PANEL_COLUMNS]


def split_exog(frame: pd.DataFrame, where: str = "") -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Return (panel, exog): the (unique_id, ds, y) columns and the regressors with their keys (None if none).

    Raises ValueError naming a regressor column that is not numeric (`where` prefixes the message)."""
    cols = exog_columns(frame)
    panel = frame.loc[:, [c for c in PANEL_COLUMNS if c in frame.columns]]
    if not cols:
        return panel, None
    return panel, _numeric(frame.loc[:, [c for c in KEYS if c in frame.columns] + cols], cols, where)


def _numeric(exog: pd.DataFrame, cols: list[str], where: str) -> pd.DataFrame:
    out = exog.copy()
    for col in cols:
        values = out[col]
        if pd.api.types.is_bool_dtype(values):
            out[col] = values.astype("float64")
            continue
        if not pd.api.types.is_numeric_dtype(values):
            parsed = pd.to_numeric(values, errors="coerce")
            bad = values[parsed.isna() & values.notna()]
            if len(bad):
                raise ValueError(f"{where}column {col!r} is not numeric (e.g. {bad.iloc[0]!r}): every column"
                                 " besides unique_id, ds and y is read as an exogenous regressor, and regressors"
                                 " must be numbers; drop the column or encode it")
            values = parsed
        out[col] = values.astype("float64")
    return out


def check_exog(exog: pd.DataFrame, panel: pd.DataFrame, freq: str, horizon: int,
               where: str = "") -> pd.DataFrame:
    """Return the regressors checked against a validated panel: one row per (unique_id, ds) that a fit or
    forecast reads (every panel point, and the `horizon` dates after each series' last one), sorted, float.

    Raises ValueError naming the column, series and date of the first non-numeric, missing or duplicate
    value; `where` prefixes those messages (e.g. the file the values came from).
    """
    missing = [c for c in KEYS if c not in exog.columns]
    if missing:
        raise ValueError(f"{where}exogenous values need column(s) {missing}; found {list(exog.columns)}")
    cols = exog_columns(exog)
    if not cols:
        raise ValueError(f"{where}exogenous frame has no regressor column besides {KEYS}")
    exog = _numeric(exog.loc[:, KEYS + cols], cols, where)
    exog["unique_id"] = exog["unique_id"].astype(str)
    exog["ds"] = pd.to_datetime(exog["ds"]).astype(panel["ds"].dtype)
    dup = exog[exog.duplicated(KEYS, keep=False)]
    if len(dup):
        row = dup.iloc[0]
        raise ValueError(f"{where}exogenous values repeat for unique_id {row['unique_id']!r}"
                         f" at ds {row['ds']:%Y-%m-%d}")
    last = panel.groupby("unique_id", sort=True)["ds"].max()
    future = pd.DataFrame([(uid, d) for uid, end in last.items() for d in future_dates(end, horizon, freq)],
                          columns=KEYS)
    needed = pd.concat([panel[KEYS].assign(_future=False), future.assign(_future=True)], ignore_index=True)
    needed["ds"] = needed["ds"].astype(panel["ds"].dtype)
    out = needed.merge(exog, on=KEYS, how="left", indicator=True)
    lacking = (out["_merge"] == "left_only").to_numpy() | out[cols].isna().any(axis=1).to_numpy()
    if lacking.any():
        row = out[lacking].iloc[0]
        col = next((c for c in cols if pd.isna(row[c])), cols[0])
        when = ("a forecast date: pass the regressors' future values (forecast --future FILE)" if row["_future"]
                else "a date of the panel")
        raise ValueError(f"{where}exogenous column {col!r} has no value for unique_id {row['unique_id']!r} at"
                         f" {row['ds']:%Y-%m-%d}, {when} ({int(lacking.sum())} such row(s))")
    bad = ~np.isfinite(out[cols].to_numpy(dtype=float))
    if bad.any():
        i, j = map(int, np.argwhere(bad)[0])
        raise ValueError(f"{where}exogenous column {cols[j]!r} is infinite for unique_id"
                         f" {out['unique_id'].iloc[i]!r} at {out['ds'].iloc[i]:%Y-%m-%d}")
    return out[KEYS + cols].sort_values(KEYS, kind="mergesort", ignore_index=True)


def exog_by_series(exog: pd.DataFrame) -> dict[str, np.ndarray]:
    """Return unique_id -> (points + horizon, k) float array of a checked exog frame, in ds order."""
    uids = exog["unique_id"].to_numpy()
    values = exog[exog_columns(exog)].to_numpy(dtype=float)
    return {str(uids[a]): values[a:b] for a, b in series_runs(uids)}
