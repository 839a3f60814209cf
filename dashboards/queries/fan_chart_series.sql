-- grain: one row per series, kind ('history' | 'forecast') and ds
-- from: features.feat_panel, features.series, marts.demand_forecast and marts.supply_forecast (latest run)
-- why: fan charts need history and forecast bands in one long frame; $ids is a VARCHAR[] of unique_ids.
--      Demand and employment forecasts are in demand_forecast, graduate supply in supply_forecast: a charted
--      supply series reads its forecast there (one run publishes both)
WITH latest AS (
    SELECT run_id FROM marts.demand_forecast ORDER BY as_of DESC, run_id DESC LIMIT 1
),
forecast AS (
    SELECT unique_id, label, unit, model, ds, y_hat, lo_80, hi_80, lo_95, hi_95
    FROM marts.demand_forecast
    WHERE run_id = (SELECT run_id FROM latest) AND list_contains($ids, unique_id)
    UNION ALL
    SELECT unique_id, label, unit, model, ds, y_hat, lo_80, hi_80, lo_95, hi_95
    FROM marts.supply_forecast
    WHERE run_id = (SELECT run_id FROM latest) AND list_contains($ids, unique_id)
),
history AS (
    SELECT p.unique_id, s.label, s.unit, p.ds, p.y
    FROM features.feat_panel AS p
    JOIN features.series AS s USING (unique_id)
    WHERE list_contains($ids, p.unique_id)
)
SELECT unique_id, label, unit, NULL::VARCHAR AS model, 'history' AS kind, ds, y,
       NULL::DOUBLE AS lo_80, NULL::DOUBLE AS hi_80, NULL::DOUBLE AS lo_95, NULL::DOUBLE AS hi_95
FROM history
UNION ALL
SELECT unique_id, label, unit, model, 'forecast' AS kind, ds, y_hat AS y, lo_80, hi_80, lo_95, hi_95
FROM forecast
ORDER BY unique_id, ds, kind DESC
