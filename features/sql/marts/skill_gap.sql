-- grain: one row per assumption set, program, region, year and skill cluster ('all' = the whole program)
-- from: forecasts.gap_simulation (forecasting/gap_step.py), ref.programs
-- why: what universities read (issue 5): demand attributed to a program against its graduate supply,
--      P10/P50/P90 carried through by simulation from both forecasts' intervals and, where `uncertainty` says
--      'forecast+assumptions', from the planner's parameter ranges (seeds/gap_assumptions.csv); every
--      assumption set of the seed, with its id on every row; each program also split over the skill
--      clusters it teaches (demand by the clusters' weight in the region's postings, supply equally);
--      value/lo_80/hi_80 columns are the P50/P10/P90 (an 80% band). Filter skill_cluster = 'all' and
--      assumption_set = 'default' for one row per program, region and year.
SELECT
    getvariable('run_id') AS run_id,
    g.program_code,
    p.title_en AS program_title,
    p.system,
    g.region,
    g.year,
    CASE WHEN g.region = 'US' THEN 'openings per year for new graduates in mapped occupations'
         ELSE 'postings per year in mapped skill slice (index)' END
        || CASE WHEN g.skill_cluster <> 'all' THEN ', share needing skill cluster ' || g.skill_cluster ELSE '' END
        AS demand_measure,
    g.demand_p50 AS demand_value,
    g.demand_p10 AS demand_lo_80,
    g.demand_p90 AS demand_hi_80,
    g.demand_unit,
    g.supply_p50 AS supply_value,
    g.supply_p10 AS supply_lo_80,
    g.supply_p90 AS supply_hi_80,
    g.supply_unit,
    g.gap_p50 AS gap,
    g.ratio_p50 AS ratio,
    g.note,
    g.assumption_set,
    g.new_graduate_share,
    g.retention_share,
    g.demand_p10, g.demand_p50, g.demand_p90,
    g.supply_p10, g.supply_p50, g.supply_p90,
    g.gap_p10, g.gap_p50, g.gap_p90,
    g.ratio_p10, g.ratio_p50, g.ratio_p90,
    g.skill_cluster,
    g.demand_weight_p50 AS cluster_demand_weight,
    g.skills_source,
    g.occupation_share_scale,
    g.assumption_ranges,
    g.uncertainty
FROM forecasts.gap_simulation AS g
JOIN ref.programs AS p USING (program_code)
