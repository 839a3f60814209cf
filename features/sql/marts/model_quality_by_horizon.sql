-- grain: one row per series (unique_id), model and horizon step
-- from: forecasts.quality_by_horizon
-- why: accuracy usually worsens with the horizon; planners see how much for each step ahead
SELECT getvariable('run_id') AS run_id, q.*
FROM forecasts.quality_by_horizon AS q
