"""Model registry: name -> factory(season_length) -> unfitted estimator, plus defaults per frequency.

Later models (ARIMA, Theta, a global boosting model, Croston/TSB, ensembles) register here; the
backtest and the run only ever see names and estimators.
"""

from __future__ import annotations

from collections.abc import Callable

from sklearn.base import BaseEstimator

from forecasting.ensemble import ENSEMBLE
from forecasting.local_models import TSB, Theta
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
    "theta": lambda m: Theta(season_length=m),
    # Intermittent counts: wins the backtest on sparse series, where the others chase single spikes.
    "tsb": lambda m: TSB(alpha=0.1, beta=0.1),
}

# Combinations built from other models' rows (forecasting/ensemble.py), not fitted themselves.
# On the Indeed sector indices (benchmarks/forecast_indeed.py) adding theta or drift made the
# combination worse (mean MASE 1.19 -> 1.32-1.40), so the default members are ETS and naive.
ENSEMBLE_MEMBERS: dict[str, list[str]] = {
    "MS": ["ets", "naive"],
    "W-MON": ["ets", "naive"],
    "YS": ["ets", "naive", "drift"],
}

# theta is registered but not a default: ~25-65 ms a fit here and the worst local model on the
# Indeed indices (mean MASE 1.80 vs ETS 1.19). tsb costs ~1 ms and only wins on sparse counts.
DEFAULT_MODELS: dict[str, list[str]] = {
    "MS": ["naive", "seasonal_naive", "ets", "tsb", ENSEMBLE],
    "W-MON": ["naive", "seasonal_naive", "ets", "tsb", ENSEMBLE],
    "YS": ["naive", "drift", "ets", ENSEMBLE],
}

BASELINE: dict[str, str] = {"MS": "seasonal_naive", "W-MON": "seasonal_naive", "YS": "naive"}


def build_models(names: list[str], freq: str) -> dict[str, BaseEstimator]:
    """Return unfitted estimators by name for this frequency's season length, in the given order.

    'ensemble' is accepted and left out: it is combined from the members' rows after the fits.
    """
    unknown = [n for n in names if n not in MODEL_REGISTRY and n != ENSEMBLE]
    if unknown:
        raise ValueError(f"unknown model(s) {unknown}; registered: {sorted(MODEL_REGISTRY)}")
    m = season_length(freq)
    return {name: MODEL_REGISTRY[name](m) for name in names if name != ENSEMBLE}
