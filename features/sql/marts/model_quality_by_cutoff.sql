-- grain: one row per series (unique_id), model and backtest cutoff
-- from: forecasts.quality_by_cutoff
-- why: the errors of all series move together, so a few backtest windows are a few draws of time;
--      planners see how accuracy and interval coverage moved from one cutoff to the next
SELECT getvariable('run_id') AS run_id, q.*
FROM forecasts.quality_by_cutoff AS q
