"""Forecasting engine: long panel (unique_id, ds, y) in, long frames (unique_id, ds, model, y_hat, intervals) out.

Optional exogenous regressors travel beside the panel as (unique_id, ds, x_1, ...) (exog: checked there,
read by arima and gbm).

Layers: panel (contract and checks) -> models, local_models (sklearn-style estimators), global_model
(one gradient-boosting fit per panel, features in DuckDB SQL) + registry -> backtest (statsforecast-style
windows; global_backtest for global models) -> ensemble, intervals (conformal) -> metrics -> select -> run
(forecast_panel, the one entry point); evaluate_file runs it all on a user's own panel, cutoff by cutoff
(backtest_file) or once for forecasts (forecast_file, with user_hierarchy's links reconciled by hierarchy_step).
"""

from forecasting.backtest import cross_validation
from forecasting.metrics import evaluate, evaluate_by_horizon
from forecasting.panel import future_dates, validate_panel
from forecasting.registry import MODEL_REGISTRY
from forecasting.run import ForecastResult, forecast_panel
from forecasting.select import select_models

__all__ = [
    "MODEL_REGISTRY",
    "ForecastResult",
    "cross_validation",
    "evaluate",
    "evaluate_by_horizon",
    "forecast_panel",
    "future_dates",
    "select_models",
    "validate_panel",
]
