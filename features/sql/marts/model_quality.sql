-- grain: one row per series (unique_id) and model
-- from: forecasts.quality joined to features.series
-- why: the accuracy record behind every forecast: rolling-origin backtest scores per model, MASE
--      against the stated naive scale, interval coverage and Winkler score (and whether the model's own
--      or conformal intervals were published), which model was selected and why, and which models a race
--      did not fit for the series (skip_reason: lost clearly on a sample of its large group, forecasting/race.py),
--      and what the forecast's fit became (model_form: ETS form and the AICc that chose it, ARIMA order,
--      the ensemble's members, a fallback and why)
SELECT
    getvariable('run_id') AS run_id,
    q.unique_id,
    s.label,
    q.model,
    q.is_selected,
    q.mase,
    q.smape,
    q.wape,
    q.bias,
    q.coverage_80,
    q.coverage_95,
    q.n_windows,
    q.horizon,
    q.scale,
    q.reason,
    q.skip_reason,
    q.winkler_80,
    q.winkler_95,
    q.interval_method,
    q.model_form
FROM forecasts.quality AS q
JOIN features.series AS s USING (unique_id)
