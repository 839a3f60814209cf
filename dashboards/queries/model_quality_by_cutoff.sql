-- grain: one row per backtest cutoff of the latest run in marts.model_quality_by_cutoff
-- from: marts.model_quality_by_cutoff, meta.runs
-- why: the selected forecasts' interval coverage and accuracy moved together across series from one
--      cutoff to the next; a planner reads the per-series totals against this spread
WITH latest AS (
    SELECT q.run_id
    FROM marts.model_quality_by_cutoff AS q
    LEFT JOIN meta.runs AS r USING (run_id)
    ORDER BY r.started_at DESC NULLS LAST, q.run_id DESC
    LIMIT 1
)
SELECT cutoff, count(*) AS n_series, avg(mase) AS mase, avg(coverage_80) AS coverage_80,
       avg(coverage_95) AS coverage_95
FROM marts.model_quality_by_cutoff
WHERE run_id = (SELECT run_id FROM latest) AND is_selected
GROUP BY cutoff
ORDER BY cutoff
