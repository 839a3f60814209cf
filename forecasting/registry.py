"""Model registry: name -> factory(season_length) -> unfitted estimator, plus defaults per frequency.

Later models (ARIMA, Theta, a global boosting model, Croston/TSB, ensembles) register here; the
backtest and the run only ever see names and estimators.
"""

from __future__ import annotations

from collections.abc import Callable

from sklearn.base import BaseEstimator

from forecasting.models import ETS, Drift, Naive, SeasonalNaive
from forecasting.panel import season_length

ModelFactory = Callable[[int], BaseEstimator]

MODEL_REGISTRY: dict[str, ModelFactory] = {
    "naive": lambda m: Naive(),
    "seasonal_naive": lambda m: SeasonalNaive(season_length=m),
    "drift": lambda m: Drift(),
    "ets": lambda m: ETS(trend="add", damped_trend=True, seasonal=None, season_length=m),
    # Seasonal ETS costs ~380 ms a monthly series here (TOOLCHAIN.md), so it is opt-in.
    "ets_seasonal": lambda m: ETS(trend="add", damped_trend=True, seasonal="add", season_length=m),
}

DEFAULT_MODELS: dict[str, list[str]] = {
    "MS": ["naive", "seasonal_naive", "ets"],
    "W-MON": ["naive", "seasonal_naive", "ets"],
    "YS": ["naive", "drift", "ets"],
}

BASELINE: dict[str, str] = {"MS": "seasonal_naive", "W-MON": "seasonal_naive", "YS": "naive"}


def build_models(names: list[str], freq: str) -> dict[str, BaseEstimator]:
    """Return unfitted estimators by name for this frequency's season length, in the given order."""
    unknown = [n for n in names if n not in MODEL_REGISTRY]
    if unknown:
        raise ValueError(f"unknown model(s) {unknown}; registered: {sorted(MODEL_REGISTRY)}")
    m = season_length(freq)
    return {name: MODEL_REGISTRY[name](m) for name in names}
