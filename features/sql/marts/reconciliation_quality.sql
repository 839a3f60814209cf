-- grain: one row per hierarchy, level and method (method 'base' = the published forecasts before reconciling)
-- from: forecasts.reconciliation_quality
-- why: issue 4: accuracy before and after reconciliation, per level of each hierarchy, on the same backtest
--      rows (MASE, pooled WAPE, sMAPE, bias, 80%/95% coverage), and which method is published and why
SELECT getvariable('run_id') AS run_id, q.* EXCLUDE (run_id)
FROM forecasts.reconciliation_quality AS q
