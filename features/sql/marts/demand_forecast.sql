-- grain: one row per series (unique_id) and future period (ds)
-- from: forecasts.forecast (rows of the selected model) joined to features.series; forecasts.reconciled
--       (each hierarchy's chosen method) where the series belongs to a hierarchy whose totals must add up
-- why: what HR planners read: demand and employment forecasts with 80% and 95% intervals,
--      the model chosen by backtest, and the run and data snapshot they came from. A series in a hierarchy
--      (features.feat_hierarchy: a country and its provinces, an occupation family and its occupations)
--      shows its reconciled forecast, so totals add up here too; reconciled_by names the method (NULL:
--      not in a hierarchy) and base_y_hat keeps the selected model's own forecast.
WITH reconciled AS (
    SELECT unique_id, ds, method, y_hat, lo_80, hi_80, lo_95, hi_95
    FROM forecasts.reconciled
    WHERE is_chosen
    QUALIFY row_number() OVER (PARTITION BY unique_id, ds ORDER BY hierarchy) = 1
)
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
    coalesce(r.y_hat, f.y_hat) AS y_hat,
    coalesce(r.lo_80, f.lo_80) AS lo_80,
    coalesce(r.hi_80, f.hi_80) AS hi_80,
    coalesce(r.lo_95, f.lo_95) AS lo_95,
    coalesce(r.hi_95, f.hi_95) AS hi_95,
    r.method AS reconciled_by,
    f.y_hat AS base_y_hat
FROM forecasts.forecast AS f
JOIN features.series AS s USING (unique_id)
LEFT JOIN reconciled AS r USING (unique_id, ds)
WHERE f.model = 'selected' AND s.measure IN ('demand', 'employment')
