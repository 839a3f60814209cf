"""Single-series forecasters that follow scikit-learn's estimator rules: fit(y) -> self, predict(h) -> frame.

predict returns h rows with y_hat and lo_<level>/hi_<level> for each level. Baseline intervals use the
in-sample one-step residuals and the scalings of Hyndman & Athanasopoulos, FPP3 section 5.5.
predict_values returns the same numbers as a plain (h, 1 + 2 x levels) array: the backtest calls it
tens of thousands of times, and a DataFrame per call cost more than the baseline fits themselves
(issue 4, speed and scale; benchmarks/forecast_scale.py).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy.stats import norm
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted


def interval_columns(levels: Sequence[int]) -> list[str]:
    """Return the output column names for these levels: y_hat, lo_80, hi_80, lo_95, hi_95, ..."""
    cols = ["y_hat"]
    for level in levels:
        cols += [f"lo_{level}", f"hi_{level}"]
    return cols


@lru_cache(maxsize=64)
def _z(level: int) -> float:
    # norm.ppf costs ~0.1 ms a call: once per level, not once per fit
    _check_level(level)
    return float(norm.ppf(0.5 + level / 200.0))


def normal_interval_values(mean: np.ndarray, sd: np.ndarray, levels: Sequence[int]) -> np.ndarray:
    """Return y_hat and symmetric normal bounds as an (h, 1 + 2 x levels) array in interval_columns order."""
    mean = np.asarray(mean, dtype=float)
    out = np.empty((mean.size, 1 + 2 * len(levels)))
    out[:, 0] = mean
    for i, level in enumerate(levels):
        z = _z(level)
        out[:, 1 + 2 * i] = mean - z * sd
        out[:, 2 + 2 * i] = mean + z * sd
    return out


def normal_intervals(mean: np.ndarray, sd: np.ndarray, levels: Sequence[int]) -> pd.DataFrame:
    """Return y_hat and symmetric normal intervals, one row per horizon step."""
    return pd.DataFrame(normal_interval_values(mean, sd, levels), columns=interval_columns(levels))


def forecast_values(estimator: BaseEstimator, h: int, levels: Sequence[int], X: np.ndarray | None = None) -> np.ndarray:
    """Return a fitted estimator's forecast as an (h, 1 + 2 x levels) float array in interval_columns order.

    X: the regressors' h future values, passed on only to an estimator with supports_exog (forecasting/exog.py).
    """
    kwargs = {"X": X} if X is not None and getattr(estimator, "supports_exog", False) else {}
    fast = getattr(estimator, "predict_values", None)
    if fast is not None:
        return fast(h, levels, **kwargs)
    return estimator.predict(h, levels=levels, **kwargs)[interval_columns(levels)].to_numpy(dtype=float)


def _check_level(level: int) -> None:
    if not 0 < level < 100:
        raise ValueError(f"interval level must be between 0 and 100 (exclusive), got {level}")


def _as_series(y: np.ndarray) -> np.ndarray:
    arr = np.asarray(y, dtype=float)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"y must be a non-empty 1-d array, got shape {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValueError("y contains NaN or infinite values")
    return arr


def _check_h(h: int) -> None:
    if int(h) != h or h < 1:
        raise ValueError(f"horizon h must be a positive integer, got {h!r}")


def _rms(residuals: np.ndarray) -> float:
    # RMS of the one-step residuals (statsforecast's convention); undefined without residuals.
    return float(np.sqrt(np.mean(residuals**2))) if residuals.size else float("nan")


class Forecaster(BaseEstimator):
    """Base class: subclasses store parameters in __init__ and implement fit and predict or predict_values.

    A subclass that reads exogenous regressors sets supports_exog = True and takes them as fit(y, X=None)
    and predict(h, levels, X=None), X an (n, k) array of the same n points as y or of the h future periods
    (the sktime convention for forecasters; forecasting/exog.py).
    """

    supports_exog = False

    def fit(self, y: np.ndarray) -> Forecaster:  # pragma: no cover - interface
        raise NotImplementedError

    def predict(self, h: int, levels: Sequence[int] = (80, 95), **exog) -> pd.DataFrame:
        """Return h rows: y_hat and lo_<level>/hi_<level> per level (exog: X=, for a model that reads it)."""
        if type(self).predict_values is Forecaster.predict_values:  # pragma: no cover - interface
            raise NotImplementedError(f"{type(self).__name__} implements neither predict nor predict_values")
        return pd.DataFrame(self.predict_values(h, levels, **exog), columns=interval_columns(levels))

    def predict_values(self, h: int, levels: Sequence[int] = (80, 95), **exog) -> np.ndarray:
        """Return predict's numbers as an (h, 1 + 2 x levels) array, in interval_columns order."""
        if type(self).predict is Forecaster.predict:  # pragma: no cover - interface
            raise NotImplementedError(f"{type(self).__name__} implements neither predict nor predict_values")
        return self.predict(h, levels, **exog)[interval_columns(levels)].to_numpy(dtype=float)

    def fitted_form(self) -> str | None:
        """Return what the last fit became where a model has a choice (ETS form, ARIMA order) or fell back
        (fallback_: why), e.g. 'ETS(A,N,N): AICc 101.3 < ETS(A,Ad,N) 104.9'; None for fixed-form models."""
        fallback = getattr(self, "fallback_", None)
        return f"fell back: {fallback}" if fallback else None


class Naive(Forecaster):
    """Last value carried forward; sd_h = sigma * sqrt(h)."""

    def fit(self, y: np.ndarray) -> Naive:
        arr = _as_series(y)
        self.last_ = float(arr[-1])
        self.sigma_ = _rms(np.diff(arr))
        self.n_obs_ = arr.size
        return self

    def predict_values(self, h: int, levels: Sequence[int] = (80, 95)) -> np.ndarray:
        check_is_fitted(self, "last_")
        _check_h(h)
        steps = np.arange(1, h + 1)
        return normal_interval_values(np.full(h, self.last_), self.sigma_ * np.sqrt(steps), levels)


class SeasonalNaive(Forecaster):
    """Value of the same season last year; sd_h = sigma * sqrt(floor((h-1)/m) + 1).

    Falls back to Naive (fallback_ = 'naive') when the series has fewer than two seasons.
    """

    def __init__(self, season_length: int = 12):
        self.season_length = season_length

    def fit(self, y: np.ndarray) -> SeasonalNaive:
        arr = _as_series(y)
        m = int(self.season_length)
        if m < 1:
            raise ValueError(f"season_length must be >= 1, got {self.season_length}")
        if arr.size < 2 * m:
            m = 1
        self.fallback_ = "naive" if m != int(self.season_length) else None
        self.season_length_ = m
        self.last_season_ = arr[-m:].copy()
        self.sigma_ = _rms(arr[m:] - arr[:-m])
        self.n_obs_ = arr.size
        return self

    def predict_values(self, h: int, levels: Sequence[int] = (80, 95)) -> np.ndarray:
        check_is_fitted(self, "last_season_")
        _check_h(h)
        m = self.season_length_
        steps = np.arange(1, h + 1)
        mean = self.last_season_[(steps - 1) % m]
        return normal_interval_values(mean, self.sigma_ * np.sqrt((steps - 1) // m + 1), levels)


class Drift(Forecaster):
    """Line through the first and last points; sd_h = sigma * sqrt(h * (1 + h / (T - 1))) (FPP3 5.5)."""

    def fit(self, y: np.ndarray) -> Drift:
        arr = _as_series(y)
        self.last_ = float(arr[-1])
        self.n_obs_ = arr.size
        diffs = np.diff(arr)
        self.slope_ = float(diffs.mean()) if diffs.size else 0.0
        self.sigma_ = _rms(diffs - self.slope_)
        return self

    def predict_values(self, h: int, levels: Sequence[int] = (80, 95)) -> np.ndarray:
        check_is_fitted(self, "slope_")
        _check_h(h)
        steps = np.arange(1, h + 1)
        n_diffs = max(self.n_obs_ - 1, 1)
        sd = self.sigma_ * np.sqrt(steps * (1 + steps / n_diffs))
        return normal_interval_values(self.last_ + self.slope_ * steps, sd, levels)


class ETS(Forecaster):
    """Additive-error ETS from statsmodels (ETSModel), with exact prediction intervals.

    If the series is too short for the requested spec (forecast::ets rule: n > parameters + 4), or the
    fit raises, does not converge or forecasts non-finite values, the next simpler spec is tried:
    requested -> non-seasonal -> undamped trend -> no trend (simple exponential smoothing) -> Naive.
    spec_ records the spec used (e.g. 'AAdN') and fallback_ why it differs from the request (or None).

    warm_start=True (scikit-learn's meaning): a refit of the same instance starts the optimizer from the
    previous fit's parameters when the spec is the same. The backtest refits one instance window after
    window, oldest first (forecasting/backtest.py), so a fit never sees later data; the L-BFGS search
    then needs about half the iterations (22 -> 12 on the synthetic scale panel) and lands on the same
    optimum up to its tolerance (median relative forecast change 2e-7).

    max_points (None: all) fits on the series' last max_points observations only, so that an old regime
    (e.g. the 2020-21 swings of the Indeed indices) does not set today's smoothing and trend; the forecast
    still starts from the last observation. n_obs_ counts the points fitted.

    select_trend=True also fits the same spec without trend (e.g. ANN beside AAdN) on the same points and
    keeps the one with the lower AICc, as forecast::ets and statsforecast's AutoETS choose among forms
    (Hyndman et al. 2002); aicc_ holds each candidate's AICc. A trend that the data do not support is then
    not extrapolated (e.g. a recovery's slope carried into a downturn).
    """

    def __init__(self, trend: str | None = "add", damped_trend: bool = True, seasonal: str | None = None,
                 season_length: int = 12, warm_start: bool = False, max_points: int | None = None,
                 select_trend: bool = False):
        self.trend = trend
        self.damped_trend = damped_trend
        self.seasonal = seasonal
        self.season_length = season_length
        self.warm_start = warm_start
        self.max_points = max_points
        self.select_trend = select_trend

    def _specs(self) -> list[tuple[str | None, bool, str | None]]:
        chain = [(self.trend, bool(self.damped_trend and self.trend), self.seasonal)]
        for spec in [(self.trend, bool(self.damped_trend and self.trend), None), (self.trend, False, None),
                     (None, False, None)]:
            if spec not in chain:
                chain.append(spec)
        return chain

    def _n_params(self, trend: str | None, damped: bool, seasonal: str | None) -> int:
        # alpha + l0; beta + b0; phi; gamma + (m - 1) free seasonal states.
        return 2 + (2 if trend else 0) + (1 if damped else 0) + (int(self.season_length) if seasonal else 0)

    def fit(self, y: np.ndarray) -> ETS:
        arr = _as_series(y)
        if self.max_points is not None:
            if int(self.max_points) != self.max_points or self.max_points < 1:
                raise ValueError(f"ETS max_points must be a positive integer or None, got {self.max_points!r}")
            arr = arr[-int(self.max_points):]
        for param in ("trend", "seasonal"):
            if getattr(self, param) not in (None, "add"):
                # Exact intervals exist only for additive components (statsmodels ETS PredictionResults).
                raise ValueError(f"ETS {param} must be None or 'add', got {getattr(self, param)!r}")
        # warm start: the previous fit's parameters per spec (both candidates keep theirs with select_trend)
        starts = dict(getattr(self, "start_params_", {})) if self.warm_start else {}
        self.n_obs_ = arr.size
        reasons: list[str] = []
        fitted = None
        for spec in self._specs():
            result = self._fit_spec(arr, spec, starts.get(_spec_name(*spec)), reasons)
            if result is not None:
                fitted = (spec, result)
                break
        if fitted is None:
            self.result_, self.spec_ = Naive().fit(arr), "naive"
            self.fallback_ = "; ".join(reasons + ["naive used"])
            self.aicc_, self.start_params_ = {}, {}
            return self
        candidates = {_spec_name(*fitted[0]): fitted[1]}
        level_only = (None, False, fitted[0][2])
        if self.select_trend and fitted[0][0] is not None:
            other = self._fit_spec(arr, level_only, starts.get(_spec_name(*level_only)), [])
            if other is not None:
                candidates[_spec_name(*level_only)] = other
        self.aicc_ = {name: float(r.aicc) for name, r in candidates.items()}
        # the lower AICc wins; a tie or a non-finite AICc keeps the first (requested) spec
        name = min(candidates, key=lambda k: (self.aicc_[k] if np.isfinite(self.aicc_[k]) else np.inf,
                                              k != _spec_name(*fitted[0])))
        self.result_, self.spec_ = candidates[name], name
        self.start_params_ = {k: np.asarray(r.params, dtype=float) for k, r in candidates.items()}
        self.fallback_ = "; ".join(reasons) or None
        return self

    def _fit_spec(self, arr: np.ndarray, spec: tuple[str | None, bool, str | None], start: np.ndarray | None,
                  reasons: list[str]):
        """Return the fitted statsmodels result of one spec, or None (the reason appended to reasons)."""
        from statsmodels.tsa.exponential_smoothing.ets import ETSModel

        trend, damped, seasonal = spec
        name = _spec_name(trend, damped, seasonal)
        if arr.size <= self._n_params(trend, damped, seasonal) + 4 or (
                seasonal and arr.size < 2 * int(self.season_length)):
            reasons.append(f"{name}: {arr.size} points too few")
            return None
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                # a plain array, not a pd.Series: same fit, ~25% less time (no pandas wrapping of results)
                result = ETSModel(
                    arr, error="add", trend=trend, damped_trend=damped, seasonal=seasonal,
                    seasonal_periods=int(self.season_length) if seasonal else None,
                ).fit(disp=False, start_params=start)
                check = result.forecast(1)
        except (ValueError, np.linalg.LinAlgError) as exc:
            reasons.append(f"{name}: {type(exc).__name__}")
            return None
        converged = bool(getattr(result, "mle_retvals", {}).get("converged", True))
        if not converged or any("Convergence" in type(w.message).__name__ for w in caught):
            reasons.append(f"{name}: did not converge")
            return None
        if not np.isfinite(np.asarray(check)).all():
            reasons.append(f"{name}: non-finite forecast")
            return None
        return result

    def fitted_form(self) -> str | None:
        check_is_fitted(self, "result_")
        if self.spec_ == "naive":
            return f"naive: {self.fallback_}"
        form = _spec_label(self.spec_)
        others = [f"{_spec_label(k)} {v:.1f}" for k, v in self.aicc_.items() if k != self.spec_]
        if others:
            form += f": AICc {self.aicc_[self.spec_]:.1f} < " + ", ".join(others)
        return f"{form} (fell back: {self.fallback_})" if self.fallback_ else form

    def predict_values(self, h: int, levels: Sequence[int] = (80, 95)) -> np.ndarray:
        check_is_fitted(self, "result_")
        _check_h(h)
        if isinstance(self.result_, Naive):
            return self.result_.predict_values(h, levels)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mean = np.asarray(self.result_.forecast(h), dtype=float)
            # statsmodels' 'exact' intervals (ets.PredictionResults): mse x the relative variance of each
            # step; get_prediction computes the same but fails on array input and builds frames
            # (tests/test_forecasting_models.py checks the two agree).
            sd = np.sqrt(self.result_.mse * self.result_._relative_forecast_variance(np.arange(1.0, h + 1.0)))
        return normal_interval_values(mean, sd, levels)


def _spec_label(name: str) -> str:
    """Return 'ETS(A,Ad,N)' for the spec name 'AAdN'."""
    trend = name[1:-1]
    return f"ETS({name[0]},{trend},{name[-1]})"


def _spec_name(trend: str | None, damped: bool, seasonal: str | None) -> str:
    """Return the ETS taxonomy name with additive error, e.g. 'AAdN'."""
    return "A" + ("A" + ("d" if damped else "") if trend else "N") + ("A" if seasonal else "N")
