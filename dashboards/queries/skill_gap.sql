-- grain: one row per assumption set, programme, region, year and skill cluster of the latest run in marts.skill_gap
-- from: marts.skill_gap, meta.runs
-- why: the gap between demand attributed to a program and its graduate supply, units kept (value/lo/hi are
--      P50/P10/P90; gap_p10/gap_p90 band the gap for the report's heat map). Every column of the mart: readers
--      pick the assumption set and skill_cluster = 'all' (the whole program) or a cluster
WITH latest AS (
    SELECT g.run_id
    FROM marts.skill_gap AS g
    LEFT JOIN meta.runs AS r USING (run_id)
    ORDER BY r.started_at DESC NULLS LAST, g.run_id DESC
    LIMIT 1
)
SELECT *
FROM marts.skill_gap
WHERE run_id = (SELECT run_id FROM latest)
ORDER BY program_code, region, year
