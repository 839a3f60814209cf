"""More single-series forecasters with the same contract as models.py: Theta and TSB for sparse counts.

Theta is statsmodels' ThetaModel (Assimakopoulos & Nikolopoulos 2000, as in forecast::thetaf).
TSB (Teunter, Syntetos & Babai 2011) is not in statsmodels or scikit-learn, so it is written here: two
exponential smoothings, of the probability of a non-zero period and of the size of non-zero demand.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted

from forecasting.models import Forecaster, Naive, _as_series, _check_h, _check_level, _rms, interval_columns, \
    normal_interval_values

# Syntetos-Boylan: a series whose mean interval between non-zero periods exceeds 1.32 is intermittent.
ADI_SPARSE = 1.32


def is_sparse(y: np.ndarray) -> bool:
    """Return True if the series is intermittent: average demand interval (n / non-zero periods) > 1.32."""
    arr = np.asarray(y, dtype=float)
    nonzero = int(np.count_nonzero(arr))
    return nonzero == 0 or arr.size / nonzero > ADI_SPARSE


class Theta(Forecaster):
    """statsmodels ThetaModel (theta = 2), deseasonalized when the series holds 2 seasons and tests seasonal.

    Falls back to Naive (fallback_ says why) with fewer than 4 points or if the fit fails.
    """

    def __init__(self, season_length: int = 12):
        self.season_length = season_length

    def fit(self, y: np.ndarray) -> Theta:
        from statsmodels.tsa.forecasting.theta import ThetaModel

        arr = _as_series(y)
        self.n_obs_ = arr.size
        m = int(self.season_length)
        seasonal = m > 1 and arr.size >= 2 * m and bool(np.all(arr > 0))  # multiplicative decomposition
        self.fallback_ = None
        if arr.size < 4:
            self.result_, self.fallback_ = Naive().fit(arr), f"{arr.size} points too few: naive used"
            return self
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self.result_ = ThetaModel(arr, period=m if seasonal else 1, deseasonalize=seasonal).fit()
                check = np.asarray(self.result_.forecast(1))
            if not np.isfinite(check).all():
                raise ValueError("non-finite forecast")
        except (ValueError, np.linalg.LinAlgError) as exc:
            self.result_, self.fallback_ = Naive().fit(arr), f"{type(exc).__name__}: naive used"
        return self

    def predict(self, h: int, levels: Sequence[int] = (80, 95)) -> pd.DataFrame:
        check_is_fitted(self, "result_")
        _check_h(h)
        if isinstance(self.result_, Naive):
            return self.result_.predict(h, levels)
        out: dict[str, np.ndarray] = {}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out["y_hat"] = np.asarray(self.result_.forecast(h, theta=2), dtype=float)
            for level in levels:
                _check_level(level)
                pi = self.result_.prediction_intervals(h, theta=2, alpha=1 - level / 100.0)
                out[f"lo_{level}"] = np.asarray(pi["lower"], dtype=float)
                out[f"hi_{level}"] = np.asarray(pi["upper"], dtype=float)
        return pd.DataFrame(out, columns=interval_columns(levels))


class TSB(Forecaster):
    """Teunter-Syntetos-Babai forecast p * z for intermittent counts; flat, non-negative.

    alpha smooths the size z of non-zero demand, beta the probability p of a non-zero period (updated
    every period, so obsolescence shows). Intervals: normal with the RMS of the in-sample one-step
    errors, widened by sqrt(h), cut at 0.
    """

    def __init__(self, alpha: float = 0.1, beta: float = 0.1):
        self.alpha = alpha
        self.beta = beta

    def fit(self, y: np.ndarray) -> TSB:
        arr = _as_series(y)
        for name in ("alpha", "beta"):
            if not 0 < getattr(self, name) <= 1:
                raise ValueError(f"TSB {name} must be in (0, 1], got {getattr(self, name)}")
        nonzero = arr[arr != 0]
        z = float(nonzero[0]) if nonzero.size else 0.0
        p = nonzero.size / arr.size
        fitted = np.empty(arr.size)
        for t, v in enumerate(arr):
            fitted[t] = p * z
            p += self.beta * ((v != 0) - p)
            if v != 0:
                z += self.alpha * (v - z)
        self.prob_, self.size_, self.n_obs_ = p, z, arr.size
        self.sigma_ = _rms(arr[1:] - fitted[1:])
        return self

    def predict_values(self, h: int, levels: Sequence[int] = (80, 95)) -> np.ndarray:
        check_is_fitted(self, "prob_")
        _check_h(h)
        steps = np.arange(1, h + 1)
        out = normal_interval_values(np.full(h, self.prob_ * self.size_), self.sigma_ * np.sqrt(steps), levels)
        out[:, 1::2] = np.maximum(out[:, 1::2], 0.0)  # the lo_ columns
        return out
