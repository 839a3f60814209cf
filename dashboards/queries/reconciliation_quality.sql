-- grain: one row per hierarchy, level and method of the latest run in marts.reconciliation_quality
-- from: marts.reconciliation_quality, meta.runs
-- why: accuracy before (method 'base') and after reconciliation per level, for the report
WITH latest AS (
    SELECT q.run_id
    FROM marts.reconciliation_quality AS q
    LEFT JOIN meta.runs AS r USING (run_id)
    ORDER BY r.started_at DESC NULLS LAST, q.run_id DESC
    LIMIT 1
)
SELECT hierarchy, level, level_name, method, n_series, n_windows, mase, wape, coverage_80, coverage_95,
       is_chosen, reason
FROM marts.reconciliation_quality
WHERE run_id = (SELECT run_id FROM latest)
ORDER BY hierarchy, level, method = 'base' DESC, method
