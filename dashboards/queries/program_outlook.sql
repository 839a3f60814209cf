-- grain: one row per assumption set, program and region of the latest run in marts.program_outlook
-- from: marts.program_outlook, meta.runs
-- why: the planner's answer per program (issue 5): demand and supply trend, the gap band over the
--      next 1-5 years, the outlook and caveats in plain words, the top skill clusters and their trend
--      (skills_source names the postings they come from); every assumption set, 'default' first;
--      shared by `talentcast gap` and the report
WITH latest AS (
    SELECT o.run_id
    FROM marts.program_outlook AS o
    LEFT JOIN meta.runs AS r USING (run_id)
    ORDER BY r.started_at DESC NULLS LAST, o.run_id DESC
    LIMIT 1
)
SELECT *
FROM marts.program_outlook
WHERE run_id = (SELECT run_id FROM latest)
ORDER BY assumption_set <> 'default', assumption_set, system, program_code, region
