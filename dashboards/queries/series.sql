-- grain: one row per series (unique_id)
-- from: features.series, marts.demand_forecast and marts.supply_forecast (latest run)
-- why: pick which series get fan charts (AI x manufacturing first, only those with a forecast: demand and
--      employment in demand_forecast, graduate supply in supply_forecast)
WITH latest AS (
    SELECT run_id FROM marts.demand_forecast ORDER BY as_of DESC, run_id DESC LIMIT 1
),
forecasted AS (
    SELECT DISTINCT unique_id FROM marts.demand_forecast WHERE run_id = (SELECT run_id FROM latest)
    UNION
    SELECT DISTINCT unique_id FROM marts.supply_forecast WHERE run_id = (SELECT run_id FROM latest)
)
SELECT s.unique_id, s.label, s.unit, s.freq, s.source, s.region, s.is_ai_mfg,
       f.unique_id IS NOT NULL AS has_forecast
FROM features.series AS s
LEFT JOIN forecasted AS f USING (unique_id)
ORDER BY s.is_ai_mfg DESC, s.unique_id
