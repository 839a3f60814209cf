-- grain: one row per empty mart; passes when empty
-- from: marts.demand_forecast, marts.model_quality, marts.skill_gap
-- why: a run must never publish empty planner tables
SELECT 'marts.demand_forecast' AS mart WHERE (SELECT count(*) FROM marts.demand_forecast) = 0
UNION ALL SELECT 'marts.model_quality' WHERE (SELECT count(*) FROM marts.model_quality) = 0
UNION ALL SELECT 'marts.skill_gap' WHERE (SELECT count(*) FROM marts.skill_gap) = 0
