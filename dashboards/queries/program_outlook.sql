-- grain: one row per program and region of the latest run in marts.program_outlook
-- from: marts.program_outlook, meta.runs
-- why: the planner's answer per program (issue 5): demand and supply trend, the gap band over the
--      next 1-5 years, the outlook and caveats in plain words, the top skill clusters and their trend;
--      shared by `talentcast gap` and the report
WITH latest AS (
    SELECT o.run_id
    FROM marts.program_outlook AS o
    LEFT JOIN meta.runs AS r USING (run_id)
    ORDER BY r.started_at DESC NULLS LAST, o.run_id DESC
    LIMIT 1
)
SELECT program_code, program_title, system, region, assumption_set, first_year, last_year, years,
       demand_first, demand_last, demand_growth_per_year, demand_unit,
       supply_first, supply_last, supply_growth_per_year, supply_unit,
       gap_low, gap_first, gap_last, gap_high, ratio_low, ratio_high,
       outlook, caveats, coverage, top_skills, skills_month, run_id
FROM marts.program_outlook
WHERE run_id = (SELECT run_id FROM latest)
ORDER BY system, program_code, region
