-- grain: one row per program and region (assumption set 'default')
-- from: marts.skill_gap, marts.skill_trends (latest month, level 'cluster'), ref.program_skill_clusters
-- why: the planner's one-line answer (issue 5): where demand and supply are heading over the next
--      1-5 years, the band the gap falls in, what the numbers rest on and what they leave out, and the
--      skill clusters the program teaches ranked by their share of counted 谁在招人 postings over the 12
--      months to the latest month (the month's own share when no full 12-month window), with 12-month
--      growth and the rising/falling flag (top_skills: at most 3, 'cluster share% (growth, flag)')
WITH latest_trends AS (
    SELECT t.name AS cluster, t.ds, coalesce(t.share_12m, t.share) AS share, t.growth_12m, t.is_rising, t.is_falling
    FROM marts.skill_trends AS t
    WHERE t.level = 'cluster' AND t.ds = (SELECT max(ds) FROM marts.skill_trends)
),
ranked_skills AS (
    SELECT l.program_code, l.cluster, t.ds, t.share, t.growth_12m, t.is_rising, t.is_falling,
           row_number() OVER (PARTITION BY l.program_code ORDER BY t.share DESC NULLS LAST, l.cluster) AS skill_rank
    FROM ref.program_skill_clusters AS l
    LEFT JOIN latest_trends AS t USING (cluster)
),
program_skills AS (
    SELECT
        program_code,
        max(ds) AS skills_month,
        string_agg(cluster || ' ' || coalesce(printf('%.1f%%', share * 100), 'n/a') || ' ('
                   || coalesce(printf('%+.0f%%', growth_12m * 100), 'n/a') || ' in 12m'
                   || CASE WHEN is_rising THEN ', rising' WHEN is_falling THEN ', falling' ELSE '' END || ')',
                   '; ' ORDER BY skill_rank) AS top_skills
    FROM ranked_skills
    WHERE skill_rank <= 3
    GROUP BY program_code
),
per_program AS (
    SELECT
        program_code, any_value(program_title) AS program_title, any_value(system) AS system, region,
        any_value(assumption_set) AS assumption_set,
        min(year) AS first_year, max(year) AS last_year, count(*) AS years,
        arg_min(demand_p50, year) AS demand_first, arg_max(demand_p50, year) AS demand_last,
        arg_min(supply_p50, year) AS supply_first, arg_max(supply_p50, year) AS supply_last,
        min(gap_p10) AS gap_low, max(gap_p90) AS gap_high,
        arg_min(gap_p50, year) AS gap_first, arg_max(gap_p50, year) AS gap_last,
        min(ratio_p10) AS ratio_low, max(ratio_p90) AS ratio_high,
        bool_and(gap_p10 > 0) AS always_short, bool_and(gap_p90 < 0) AS always_surplus,
        any_value(demand_unit) AS demand_unit, any_value(supply_unit) AS supply_unit,
        arg_max(note, year) AS coverage,
        any_value(new_graduate_share) AS new_graduate_share, any_value(retention_share) AS retention_share
    FROM marts.skill_gap
    GROUP BY program_code, region
)
SELECT
    getvariable('run_id') AS run_id,
    program_code, program_title, system, region, assumption_set, first_year, last_year, years,
    demand_first, demand_last,
    CASE WHEN years > 1 AND demand_first > 0
         THEN pow(demand_last / demand_first, 1.0 / (years - 1)) - 1 END AS demand_growth_per_year,
    supply_first, supply_last,
    CASE WHEN years > 1 AND supply_first > 0
         THEN pow(supply_last / supply_first, 1.0 / (years - 1)) - 1 END AS supply_growth_per_year,
    gap_low, gap_first, gap_last, gap_high, ratio_low, ratio_high,
    CASE
        WHEN region <> 'US' THEN 'no gap in persons: demand is a postings index, supply a model of graduates'
        WHEN always_short THEN 'demand exceeds supply in every year even at P10: graduates are likely scarce'
        WHEN always_surplus THEN 'supply exceeds demand in every year even at P90: graduates likely outnumber openings'
        ELSE 'the 80% band includes both a shortage and a surplus: no clear gap'
    END AS outlook,
    demand_unit, supply_unit,
    CASE WHEN region = 'US' THEN
        'Assumes new graduates fill ' || round(new_graduate_share * 100)::INT || '% of openings and '
        || round(retention_share * 100)::INT || '% of graduates enter the US labour market (seeds/gap_assumptions.csv). '
        || 'A program gets the share of each occupation''s openings its completions hold among all programs the '
        || 'CIP-SOC crosswalk maps there (seeds/program_occupation_shares.csv). Bands cover forecast uncertainty only, '
        || 'not the assumptions; occupations'' trends are taken as moving together.'
    ELSE
        'Demand is the count of postings in one public hiring thread, a trend index; supply counts only programmes '
        || 'whose approvals news reports give (seeds/cn_supply_model.csv) with an assumed cohort size, so it is a '
        || 'lower bound. Read the direction of each, not the difference.'
    END AS caveats,
    coverage,
    s.top_skills,
    s.skills_month
FROM per_program
LEFT JOIN program_skills AS s USING (program_code)
