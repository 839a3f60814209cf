"""A global model (issue 4): one scikit-learn gradient-boosting fit for a whole panel, direct multi-horizon.

Features are built in DuckDB SQL (in-memory, on the caller's frame): the last `n_lags` values and
3/6/12-point rolling means relative to the value at the forecast origin, the target's calendar month,
and the horizon step. Every series is scaled by its mean absolute level over the last 12 points at
the origin, and the target is the scaled change from the origin value, so one fit serves series of
any level, and an uninformed tree falls back to the naive forecast. One row per (series, origin,
step): the direct strategy needs no recursion, so errors do not feed on themselves.

With exogenous regressors (forecasting/exog.py; supports_exog) each one adds a feature: its change from
the origin to the target date (exog_<name>_change), so a step in a dummy or a move of a scenario path
reaches the forecast as the model learned it from the history. Not its level as well: on the six US
Indeed sectors with the US total postings index as regressor (nested backtest, h 6, 4 windows) the level
made GBM worse (mean MASE 0.113 vs 0.103 without regressors; the change alone 0.102): with few series a
level is a clock the trees split on.

Global models do not fit the per-series fit(y) interface; they follow the GlobalModel protocol
(fit(panel, freq) -> self, predict(h, levels) -> long frame) and the panel-level backtest in
forecasting/global_backtest.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import duckdb
import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.utils.validation import check_is_fitted

from forecasting.exog import exog_columns
from forecasting.models import interval_columns
from forecasting.panel import season_length

_ROLL = (3, 6, 12)


@runtime_checkable
class GlobalModel(Protocol):
    """A model fitted once on a whole panel: fit(panel, freq) -> self; predict(h, levels[, panel]) -> long frame.

    predict forecasts from the end of the fitted panel, or from the end of each series of `panel` (a later
    origin than the fit's, e.g. a series whose backtest cutoff comes after the fit date)."""

    def fit(self, panel: pd.DataFrame, freq: str) -> GlobalModel: ...

    def predict(self, h: int, levels: Sequence[int] = (80, 95),
                panel: pd.DataFrame | None = None) -> pd.DataFrame: ...

    # A model with supports_exog = True also takes exog= (forecasting/exog.py) in fit and predict.


def feature_names(n_lags: int, exog: Sequence[str] = ()) -> list[str]:
    """Return the feature columns, in model order."""
    return ([f"lag_{i}" for i in range(1, n_lags)] + [f"roll_{w}" for w in _ROLL]
            + ["level", "month", "step"] + [f"exog_{c}_change" for c in exog])


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _features_sql(n_lags: int, max_step: int, m: int, max_origins: int, exog: Sequence[str] = ()) -> str:
    lags = ",\n".join(f"(lag(y, {i}) OVER w - y) / scale AS lag_{i}" for i in range(1, n_lags))
    rolls = ",\n".join(f"(avg(y) OVER (w ROWS {k - 1} PRECEDING) - y) / scale AS roll_{k}" for k in _ROLL)
    # month of the target (1..m) when the frequency has a season, else 0 (annual)
    month = "((month(o.ds) - 1 + s.step) % 12) + 1" if m == 12 else ("0" if m == 1 else
                                                                      "((week(o.ds) - 1 + s.step) % 52) + 1")
    step_interval = {12: "to_months(s.step::INTEGER)", 1: "to_years(s.step::INTEGER)"}.get(
        m, "to_days(7 * s.step::INTEGER)")
    # regressors at the target date (xt) and at the origin (xo)
    x_cols = "".join(f",\n           xt.{_quote(c)} - xo.{_quote(c)} AS {_quote('exog_' + c + '_change')}"
                     for c in exog)
    x_joins = ("\n    LEFT JOIN exog xt ON xt.unique_id = o.unique_id AND xt.ds = o.ds + " + step_interval
               + "\n    LEFT JOIN exog xo ON xo.unique_id = o.unique_id AND xo.ds = o.ds") if exog else ""
    return f"""
    WITH scaled AS (
        SELECT unique_id, ds, y, pos, n,
               coalesce(nullif(avg(abs(y)) OVER (PARTITION BY unique_id ORDER BY pos
                                                ROWS 11 PRECEDING), 0), 1.0) AS scale
        FROM (SELECT *, row_number() OVER (PARTITION BY unique_id ORDER BY ds) AS pos,
                     count(*) OVER (PARTITION BY unique_id) AS n FROM panel)
    ), origins AS (
        SELECT unique_id, ds, y, pos, n, scale,
               {lags},
               {rolls},
               y / scale AS level
        FROM scaled
        WINDOW w AS (PARTITION BY unique_id ORDER BY pos)
    )
    SELECT o.*, s.step, {month} AS month, o.ds + {step_interval} AS target_ds,
           (lead_y.y - o.y) / o.scale AS target{x_cols}
    FROM origins o
    CROSS JOIN range(1, {max_step + 1}) s(step)
    LEFT JOIN scaled lead_y ON lead_y.unique_id = o.unique_id AND lead_y.pos = o.pos + s.step{x_joins}
    -- the newest origins only (their targets end at the last point): caps rows and memory on big panels
    WHERE o.pos > o.n - {max_origins} - {max_step}
    -- a fixed row order: DuckDB returns rows in a varying order, and the tree's binning sample depends on it
    ORDER BY o.unique_id, o.pos, s.step
    """


def build_features(panel: pd.DataFrame, freq: str, n_lags: int, max_step: int,
                   max_origins: int = 1_000_000, exog: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return one row per (unique_id, origin ds, step) with features, scale, y at origin and scaled target.

    target is NULL where the step runs past the series' end (those rows at the last origin are the
    forecast rows). Only each series' last max_origins + max_step origins are kept. exog (unique_id, ds,
    regressors) adds each regressor at the target date and its change since the origin (NULL where absent).
    """
    con = duckdb.connect()
    try:
        # on a 10,000-series panel the query passes DuckDB's 2 s threshold and fills logs with progress bars
        con.execute("SET enable_progress_bar = false")
        con.register("panel", panel[["unique_id", "ds", "y"]])
        x_names = exog_columns(exog) if exog is not None else []
        if x_names:
            con.register("exog", exog)
        # via Arrow: the same frame as .df(), with ~1 GB less peak memory and half the time at 10,000
        # series (3.6 M rows; benchmarks/forecast_scale.py)
        sql = _features_sql(n_lags, max_step, season_length(freq), int(max_origins), x_names)
        return con.sql(sql).to_arrow_table().to_pandas()
    finally:
        con.close()


class GlobalGBM(BaseEstimator):
    """HistGradientBoostingRegressor on scaled lag/rolling/calendar features, one fit per panel.

    min_points (None: no minimum): series with fewer points at the forecast origin get no rows (too little
    history for the lags and the calendar month to mean anything). max_origins (None: all) trains on each
    series' latest origins only: the last max_origins + max_horizon
    (build_features), i.e. max_origins origins whose every step is known plus the newer ones' known steps.
    Their lags, rolling means and scale still read the points before them.
    """

    def __init__(self, max_horizon: int = 12, n_lags: int = 12, max_iter: int = 200, learning_rate: float = 0.05,
                 max_leaf_nodes: int = 15, min_samples_leaf: int = 20, loss: str = "absolute_error",
                 max_train_rows: int = 1_000_000, random_state: int = 0, max_origins: int | None = None,
                 min_points: int | None = None):
        self.max_horizon = max_horizon
        self.n_lags = n_lags
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.loss = loss
        self.max_train_rows = max_train_rows
        self.random_state = random_state
        self.max_origins = max_origins
        self.min_points = min_points

    supports_exog = True

    def fit(self, panel: pd.DataFrame, freq: str, exog: pd.DataFrame | None = None) -> GlobalGBM:
        """Fit on every (series, origin, step) of a validated panel whose target is known.

        exog: regressors (forecasting/exog.py) over the panel and, for predict() without a panel, the
        max_horizon dates after it; predict with a later panel then needs them too.
        """
        feats = build_features(panel, freq, self.n_lags, self.max_horizon, exog=exog,
                               **({} if self.max_origins is None else {"max_origins": int(self.max_origins)}))
        self.exog_names_ = exog_columns(exog) if exog is not None else []
        names = feature_names(self.n_lags, self.exog_names_)
        # origins with fewer than 3 points say little about what follows
        train = feats[feats["target"].notna() & (feats["pos"] >= 3)]
        if len(train) > self.max_train_rows:
            # keep the most recent origins: the newest behaviour matters most for the next forecast
            train = train.sort_values(["ds", "unique_id", "step"], kind="mergesort").iloc[-self.max_train_rows:]
        self.estimator_ = None
        if len(train) >= 2 * self.min_samples_leaf:
            self.estimator_ = HistGradientBoostingRegressor(
                loss=self.loss, max_iter=self.max_iter, learning_rate=self.learning_rate,
                max_leaf_nodes=self.max_leaf_nodes, min_samples_leaf=self.min_samples_leaf,
                early_stopping=False, categorical_features=None, random_state=self.random_state,
            ).fit(train[names].to_numpy(dtype=float), train["target"].to_numpy(dtype=float))
            resid = train["target"].to_numpy() - self.estimator_.predict(train[names].to_numpy(dtype=float))
        else:  # too little data for a tree: forecast no change (naive)
            resid = train["target"].to_numpy(dtype=float)
        # in-sample absolute scaled residuals per step, for model-based intervals (conformal ones from the
        # backtest usually replace them: in-sample residuals are optimistic)
        steps = train["step"].to_numpy()
        self.abs_resid_ = {s: np.abs(resid[steps == s]) for s in range(1, self.max_horizon + 1)}
        last = feats[(feats["pos"] == feats["n"])].sort_values(["unique_id", "step"], kind="mergesort")
        self.last_rows_ = last.reset_index(drop=True)
        self.freq_ = freq
        self.feature_names_ = names
        return self

    def predict(self, h: int, levels: Sequence[int] = (80, 95), panel: pd.DataFrame | None = None,
                exog: pd.DataFrame | None = None) -> pd.DataFrame:
        """Return h rows per series: unique_id, ds, y_hat and bounds, from the end of the fitted panel or of `panel`
        (with regressors: exog over `panel` and the h dates after it)."""
        check_is_fitted(self, "last_rows_")
        if int(h) != h or not 1 <= h <= self.max_horizon:
            raise ValueError(f"h must be an integer in 1..max_horizon={self.max_horizon}, got {h!r}")
        last = self.last_rows_
        if panel is not None:
            if self.exog_names_ and exog is None:
                raise ValueError(f"fitted with regressors {self.exog_names_}: predict from a panel needs exog")
            feats = build_features(panel, self.freq_, self.n_lags, self.max_horizon, max_origins=1,
                                   exog=exog[["unique_id", "ds", *self.exog_names_]] if self.exog_names_ else None)
            last = feats[feats["pos"] == feats["n"]].sort_values(["unique_id", "step"], kind="mergesort")
        rows = last[last["step"] <= h]
        if self.min_points is not None:
            rows = rows[rows["n"] >= self.min_points]
        x = rows[self.feature_names_].to_numpy(dtype=float)
        delta = self.estimator_.predict(x) if self.estimator_ is not None and len(rows) else np.zeros(len(rows))
        scale = rows["scale"].to_numpy(dtype=float)
        out = {"y_hat": rows["y"].to_numpy(dtype=float) + delta * scale}
        steps = rows["step"].to_numpy()
        for level in levels:
            q = np.array([np.quantile(self.abs_resid_[s], level / 100.0) if self.abs_resid_[s].size else np.nan
                          for s in range(1, h + 1)])
            half = q[steps - 1] * scale
            out[f"lo_{level}"], out[f"hi_{level}"] = out["y_hat"] - half, out["y_hat"] + half
        frame = pd.DataFrame(out, columns=interval_columns(levels))
        frame.insert(0, "unique_id", rows["unique_id"].astype(str).to_numpy())
        frame.insert(1, "ds", rows["target_ds"].astype(rows["ds"].dtype).to_numpy())
        return frame
