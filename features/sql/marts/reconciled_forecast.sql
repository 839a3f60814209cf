-- grain: one row per series (unique_id) and future period (ds)
-- from: forecasts.reconciled (rows of each hierarchy's chosen method) joined to features.series
-- why: issue 4: forecasts whose totals add up (a country is the sum of its provinces, an occupation family
--      the sum of its occupations), with intervals, for planners who need coherent numbers
SELECT
    getvariable('run_id') AS run_id,
    getvariable('as_of')::TIMESTAMP AS as_of,
    getvariable('snapshot_id') AS snapshot_id,
    r.hierarchy,
    r.unique_id,
    r.parent,
    r.level,
    r.level_name,
    s.label,
    s.unit,
    r.ds,
    r.method,
    r.y_hat,
    r.lo_80,
    r.hi_80,
    r.lo_95,
    r.hi_95
FROM forecasts.reconciled AS r
JOIN features.series AS s USING (unique_id)
WHERE r.is_chosen
