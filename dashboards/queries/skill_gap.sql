-- grain: one row per programme, region and year of the latest run in marts.skill_gap
-- from: marts.skill_gap, meta.runs
-- why: the gap between demand attributed to a program and its graduate supply, units kept (value/lo/hi are
--      P50/P10/P90; gap_p10/gap_p90 band the gap for the report's heat map; the other P-columns and
--      assumption_set are in marts.skill_gap)
WITH latest AS (
    SELECT g.run_id
    FROM marts.skill_gap AS g
    LEFT JOIN meta.runs AS r USING (run_id)
    ORDER BY r.started_at DESC NULLS LAST, g.run_id DESC
    LIMIT 1
)
SELECT program_code, program_title, system, region, year,
       demand_measure, demand_value, demand_lo_80, demand_hi_80, demand_unit,
       supply_value, supply_lo_80, supply_hi_80, supply_unit, gap, gap_p10, gap_p90, ratio, note, run_id
FROM marts.skill_gap
WHERE run_id = (SELECT run_id FROM latest)
ORDER BY program_code, region, year
