-- grain: one row, the run whose forecasts are published (latest as_of in marts.demand_forecast)
-- from: marts.demand_forecast, meta.runs
-- why: the report header and the CLI name the run, snapshot and status they are showing
WITH published AS (
    SELECT run_id, max(as_of) AS as_of, any_value(snapshot_id) AS snapshot_id,
           count(DISTINCT unique_id) AS n_series
    FROM marts.demand_forecast
    GROUP BY run_id
)
SELECT p.run_id, p.as_of, coalesce(p.snapshot_id, r.snapshot_id) AS snapshot_id, p.n_series,
       r.status, r.started_at, r.finished_at, r.summary
FROM published AS p
LEFT JOIN meta.runs AS r USING (run_id)
ORDER BY p.as_of DESC, p.run_id DESC
LIMIT 1
