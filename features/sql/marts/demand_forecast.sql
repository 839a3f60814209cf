-- grain: one row per series (unique_id) and future period (ds)
-- from: forecasts.forecast (rows of the selected model) joined to features.series
-- why: what HR planners read: demand and employment forecasts with 80% and 95% intervals,
--      the model chosen by backtest, and the run and data snapshot they came from
SELECT
    getvariable('run_id') AS run_id,
    getvariable('as_of')::TIMESTAMP AS as_of,
    getvariable('snapshot_id') AS snapshot_id,
    f.unique_id,
    s.label,
    s.source,
    s.region,
    s.measure,
    s.unit,
    s.freq,
    s.is_ai_mfg,
    f.ds,
    f.selected_model AS model,
    f.y_hat,
    f.lo_80,
    f.hi_80,
    f.lo_95,
    f.hi_95
FROM forecasts.forecast AS f
JOIN features.series AS s USING (unique_id)
WHERE f.model = 'selected' AND s.measure IN ('demand', 'employment')
