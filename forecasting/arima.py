"""ARIMA with a small automatic order search (issue 4), on statsmodels' ARIMA; same contract as models.py.

The search follows auto.arima (Hyndman & Khandakar 2008, forecast::auto.arima) in small: d fixed, or
from repeated KPSS tests (alpha 5%, at most max_d differences) as auto.arima does; then every (p, q)
with p <= max_p, q <= max_q and p + q <= max_order, each with a constant (d = 0) or a drift (d = 1),
scored by AICc (comparable only at one d, hence d first); the best order is refitted once with the
constant toggled. Cost is ~15-40 ms a statsmodels fit on one core: on monthly series of length 60
(Indeed indices) the class defaults (7 fits) took 5.3-6.5x ETS's time, the registry's d = 1 and
p + q <= 1 (4 fits) 1.8-2.1x, i.e. ~40 ms where ETS takes ~20 (forecasting/registry.py has the
accuracy). Fits use a concentrated scale and no parameter covariance (cov_type='none'): both only
save time, the intervals are unchanged.

With exogenous regressors X (forecasting/exog.py) it is a regression with ARIMA errors (FPP3 ch. 10,
auto.arima's xreg): statsmodels estimates the coefficients with the ARMA terms, d comes from KPSS on
the residuals of y regressed on X (as auto.arima does), and the intervals are conditional on X's future
values. A regressor constant over the fit window (e.g. a policy dummy that starts later) says nothing
there and is left out of that fit (exog_dropped_), as lm would leave it NA.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted

from forecasting.models import Forecaster, Naive, _as_series, _check_h, _check_level, interval_columns

# KPSS needs a few points to say anything; shorter series are differenced once (random walk family).
_KPSS_MIN_POINTS = 8


def _trend(d: int, constant: bool) -> str:
    # statsmodels drops trend terms of lower order than d, so d = 1 takes its drift as a linear trend 't'.
    if not constant:
        return "n"
    return "c" if d == 0 else "t"


class AutoARIMA(Forecaster):
    """Non-seasonal ARIMA(p, d, q) chosen by AICc over a small grid; model-based intervals.

    d=None picks d by KPSS (up to max_d), an integer fixes it; max_p, max_q and max_order bound the grid.
    order_ is the chosen (p, d, q), constant_ whether it has a constant (d = 0) or drift (d = 1),
    n_fits_ how many candidates were fitted. Falls back to Naive (fallback_ says why) when every
    candidate fails, does not converge or forecasts non-finite values.

    fit(y, X) with an (n, k) array or frame of regressors (a frame sets feature_names_in_) needs X's h future
    rows at predict; exog_used_ indexes the columns the fit used, exog_dropped_ those constant in its window.
    """

    supports_exog = True

    def __init__(self, max_p: int = 2, max_q: int = 2, max_order: int = 2, d: int | None = None, max_d: int = 1,
                 kpss_alpha: float = 0.05):
        self.max_p = max_p
        self.max_q = max_q
        self.max_order = max_order
        self.d = d
        self.max_d = max_d
        self.kpss_alpha = kpss_alpha

    def _check_params(self) -> None:
        for name in ("max_p", "max_q", "max_order", "max_d", "d"):
            value = getattr(self, name)
            if name == "d" and value is None:
                continue
            if int(value) != value or value < 0:
                raise ValueError(f"AutoARIMA {name} must be a non-negative integer, got {value!r}")
        if not 0 < self.kpss_alpha < 1:
            raise ValueError(f"AutoARIMA kpss_alpha must be in (0, 1), got {self.kpss_alpha}")

    def _n_diffs(self, arr: np.ndarray, X: np.ndarray | None = None) -> int:
        """Return d: difference while KPSS rejects level stationarity (as forecast::ndiffs); with regressors,
        of the residuals of y on them and a constant (as auto.arima with xreg)."""
        from statsmodels.tsa.stattools import kpss

        if X is not None and X.shape[1]:
            design = np.c_[np.ones(arr.size), X]
            arr = arr - design @ np.linalg.lstsq(design, arr, rcond=None)[0]
        if arr.size < _KPSS_MIN_POINTS:
            return min(1, int(self.max_d))
        x, d = arr, 0
        while d < int(self.max_d) and x.size >= _KPSS_MIN_POINTS:
            if np.ptp(x) == 0:
                break
            with warnings.catch_warnings():
                # InterpolationWarning: p-value outside the table, reported as the table's bound: fine here.
                warnings.simplefilter("ignore")
                pvalue = kpss(x, regression="c", nlags="auto", result_object=False)[1]
            if pvalue >= self.kpss_alpha:
                break
            x, d = np.diff(x), d + 1
        return d

    def _fit_one(self, arr: np.ndarray, p: int, d: int, q: int, constant: bool, X: np.ndarray | None = None):
        """Return a statsmodels ARIMAResults, or a string saying why the candidate was dropped."""
        from statsmodels.tsa.arima.model import ARIMA

        k = 0 if X is None else X.shape[1]
        n_params = p + q + int(constant) + 1 + k
        if arr.size - d <= n_params + 1:  # AICc needs n - k - 1 > 0
            return f"{arr.size} points too few"
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                # a concentrated scale saves one optimised parameter; statsmodels needs one left to optimise
                result = ARIMA(arr, order=(p, d, q), trend=_trend(d, constant), exog=X if k else None,
                               concentrate_scale=n_params > 1).fit(cov_type="none")
                # a one-step forecast to check the fit (with regressors: at their last values)
                check = np.asarray(result.forecast(1, exog=X[-1:] if k else None))
        except (ValueError, np.linalg.LinAlgError) as exc:
            return type(exc).__name__
        converged = bool((getattr(result, "mle_retvals", None) or {}).get("converged", True))
        if not converged or any("Convergence" in type(w.message).__name__ for w in caught):
            return "did not converge"
        if not (np.isfinite(check).all() and np.isfinite(result.aicc)):
            return "non-finite forecast or AICc"
        return result

    def _regressors(self, X, n: int) -> np.ndarray | None:
        """Return the fit's regressors as an (n, used) array (None without X); set exog_used_/_dropped_."""
        for attr in ("feature_names_in_", "n_exog_"):
            if hasattr(self, attr):
                delattr(self, attr)
        self.exog_used_, self.exog_dropped_ = np.array([], dtype=int), np.array([], dtype=int)
        if X is None:
            return None
        if isinstance(X, pd.DataFrame):
            self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        x = np.asarray(X, dtype=float)
        if x.ndim == 1:
            x = x[:, None]
        if x.ndim != 2 or x.shape[0] != n:
            raise ValueError(f"X must have one row per point of y ({n}), got shape {x.shape}")
        if not np.isfinite(x).all():
            raise ValueError("X contains NaN or infinite values")
        self.n_exog_ = x.shape[1]
        varies = np.ptp(x, axis=0) > 0 if n else np.zeros(x.shape[1], bool)
        self.exog_used_, self.exog_dropped_ = np.flatnonzero(varies), np.flatnonzero(~varies)
        return x[:, self.exog_used_]

    def fit(self, y: np.ndarray, X: np.ndarray | pd.DataFrame | None = None) -> AutoARIMA:
        arr = _as_series(y)
        self._check_params()
        self.n_obs_ = arr.size
        x = self._regressors(X, arr.size)
        d = self._n_diffs(arr, x) if self.d is None else int(self.d)
        constant = d <= 1  # as auto.arima: no constant/drift once differenced twice
        grid = [(p, q) for p in range(int(self.max_p) + 1) for q in range(int(self.max_q) + 1)
                if p + q <= int(self.max_order)]
        best, best_key, reasons, n_fits = None, None, [], 0
        for p, q in grid:
            out = self._fit_one(arr, p, d, q, constant, x)
            n_fits += 1
            if isinstance(out, str):
                reasons.append(f"({p},{d},{q}): {out}")
            elif best is None or out.aicc < best.aicc:
                best, best_key = out, (p, q, constant)
        if best_key is not None and d <= 1:
            p, q, _ = best_key
            out = self._fit_one(arr, p, d, q, not constant, x)
            n_fits += 1
            if not isinstance(out, str) and out.aicc < best.aicc:
                best, best_key = out, (p, q, not constant)
        self.n_fits_ = n_fits
        if best is None:
            self.result_, self.order_, self.constant_ = Naive().fit(arr), None, None
            self.fallback_ = "; ".join(reasons + ["naive used"])
            return self
        p, q, has_constant = best_key
        self.result_, self.order_, self.constant_ = best, (p, d, q), bool(has_constant)
        self.fallback_ = None
        return self

    def fitted_form(self) -> str | None:
        check_is_fitted(self, "result_")
        if self.order_ is None:
            return f"naive: {self.fallback_}"
        p, d, q = self.order_
        term = ("with drift" if d == 1 else "with constant") if self.constant_ else "without constant"
        form = f"ARIMA({p},{d},{q}) {term}"
        if getattr(self, "n_exog_", 0):
            names = (self.feature_names_in_ if hasattr(self, "feature_names_in_")
                     else np.array([f"x{i + 1}" for i in range(self.n_exog_)], dtype=object))
            k_trend = int(self.result_.model.k_trend)
            coefs = np.asarray(self.result_.params, dtype=float)[k_trend:k_trend + self.exog_used_.size]
            form += "".join(f" + {c:.4g} * {names[i]}" for i, c in zip(self.exog_used_, coefs, strict=True))
            if self.exog_dropped_.size:
                form += f" ({', '.join(str(names[i]) for i in self.exog_dropped_)} constant: left out)"
        return f"{form}: AICc {self.result_.aicc:.1f}"

    def predict(self, h: int, levels: Sequence[int] = (80, 95),
                X: np.ndarray | pd.DataFrame | None = None) -> pd.DataFrame:
        """Return h rows of y_hat and bounds; X: the regressors' h future values if the fit had regressors."""
        check_is_fitted(self, "result_")
        _check_h(h)
        future = None
        if getattr(self, "n_exog_", 0):
            if X is None:
                raise ValueError(f"fitted with {self.n_exog_} regressor(s): predict needs their {h} future values (X)")
            future = np.asarray(X, dtype=float)
            future = future[:, None] if future.ndim == 1 else future
            if future.shape != (h, self.n_exog_):
                raise ValueError(f"X must have {h} rows of {self.n_exog_} regressor(s), got shape {np.shape(X)}")
            if not np.isfinite(future).all():
                raise ValueError("X contains NaN or infinite values")
            future = future[:, self.exog_used_]
        if isinstance(self.result_, Naive):
            return self.result_.predict(h, levels)
        out: dict[str, np.ndarray] = {}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pred = self.result_.get_forecast(h, exog=future if future is not None and future.shape[1] else None)
            out["y_hat"] = np.asarray(pred.predicted_mean, dtype=float)
            for level in levels:
                _check_level(level)
                bounds = np.asarray(pred.conf_int(alpha=1 - level / 100.0), dtype=float)
                out[f"lo_{level}"], out[f"hi_{level}"] = bounds[:, 0], bounds[:, 1]
        return pd.DataFrame(out, columns=interval_columns(levels))
