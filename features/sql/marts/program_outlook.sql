-- grain: one row per assumption set, program and region
-- from: marts.skill_gap (program rows, skill_cluster 'all'), features.int_skill_clusters__shares,
--       ref.program_skill_clusters
-- why: the planner's one-line answer (issue 5): where demand and supply are heading over the next
--      1-5 years, the band the gap falls in, what the numbers rest on and what they leave out, and the
--      skill clusters the program teaches ranked by their weight in postings of the program's own region
--      and language (top_skills: at most 3, source in skills_source): Chinese majors by the share of
--      counted 谁在招人 postings over the 12 months to the latest month ('cluster share% (growth, flag)');
--      US programs by the share of USAJOBS job titles over its whole span (24 months at most: titles rarely
--      name a skill) with the HN Who is hiring 12-month share and growth where HN counts the cluster's terms;
--      demand_leans_to: in the first forecast year, the clusters whose weight in demand (marts.skill_gap split)
--      exceeds their equal share of teaching
WITH shares AS (
    SELECT * FROM features.int_skill_clusters__shares
),
ranked_skills AS (
    SELECT
        l.program_code, r.region, l.cluster,
        p.last_month, p.share, p.span_share, p.growth_12m, p.is_rising, p.is_falling,
        h.share AS hn_share, h.growth_12m AS hn_growth_12m, h.is_rising AS hn_rising, h.is_falling AS hn_falling,
        row_number() OVER (PARTITION BY l.program_code, r.region
                           ORDER BY CASE WHEN r.region = 'US' THEN p.span_share ELSE p.share END DESC NULLS LAST,
                                    h.share DESC NULLS LAST, l.cluster) AS skill_rank
    FROM ref.program_skill_clusters AS l
    CROSS JOIN (SELECT 'US' AS region UNION ALL SELECT 'CN') AS r
    LEFT JOIN shares AS p ON p.cluster = l.cluster AND p.source = CASE r.region WHEN 'US' THEN 'usajobs' ELSE 'zh_postings' END
    LEFT JOIN shares AS h ON h.cluster = l.cluster AND h.source = 'hn' AND r.region = 'US'
),
program_skills AS (
    SELECT
        program_code, region,
        max(last_month) AS skills_month,
        string_agg(
            CASE WHEN region = 'US' THEN
                cluster || ' ' || coalesce(printf('%.2f%%', span_share * 100), 'n/a') || ' of USAJOBS titles; HN '
                || coalesce(printf('%.1f%%', hn_share * 100) || ' (' || coalesce(printf('%+.0f%%', hn_growth_12m * 100), 'n/a')
                            || ' in 12m' || CASE WHEN hn_rising THEN ', rising' WHEN hn_falling THEN ', falling' ELSE '' END
                            || ')', 'n/a')
            ELSE
                cluster || ' ' || coalesce(printf('%.1f%%', share * 100), 'n/a') || ' ('
                || coalesce(printf('%+.0f%%', growth_12m * 100), 'n/a') || ' in 12m'
                || CASE WHEN is_rising THEN ', rising' WHEN is_falling THEN ', falling' ELSE '' END || ')'
            END,
            '; ' ORDER BY skill_rank) AS top_skills
    FROM ranked_skills
    WHERE skill_rank <= 3
    GROUP BY program_code, region
),
sources AS (
    SELECT
        (SELECT source_label || ', ' || strftime(span_first_month, '%Y-%m') || '..' || strftime(last_month, '%Y-%m')
         FROM shares WHERE source = 'usajobs' LIMIT 1)
        || coalesce('; ' || (SELECT source_label || ', 12 months to ' || strftime(last_month, '%Y-%m')
                             FROM shares WHERE source = 'hn' LIMIT 1), '') AS us_source,
        (SELECT source_label || ', 12 months to ' || strftime(last_month, '%Y-%m')
         FROM shares WHERE source = 'zh_postings' LIMIT 1) AS cn_source
),
cluster_mix AS (
    -- first forecast year: the program's clusters whose share of demand exceeds their share of teaching (1/n)
    SELECT
        assumption_set, program_code, region,
        string_agg(skill_cluster || ' ' || printf('%.0f%%', cluster_demand_weight * 100) || ' of demand',
                   '; ' ORDER BY cluster_demand_weight DESC, skill_cluster)
            FILTER (WHERE cluster_demand_weight > 1.0 / n_clusters)
            || ' (teaching split equally: ' || printf('%.0f%%', 100.0 / any_value(n_clusters)) || ' each)'
            AS demand_leans_to
    FROM (SELECT *, count(*) OVER (PARTITION BY assumption_set, program_code, region, year) AS n_clusters,
                 min(year) OVER (PARTITION BY assumption_set, program_code, region) AS first_year
          FROM marts.skill_gap WHERE skill_cluster <> 'all')
    WHERE year = first_year
    GROUP BY ALL
),
per_program AS (
    SELECT
        assumption_set, program_code, any_value(program_title) AS program_title, any_value(system) AS system,
        region, any_value(uncertainty) AS uncertainty, any_value(assumption_ranges) AS assumption_ranges,
        min(year) AS first_year, max(year) AS last_year, count(*) AS years,
        arg_min(demand_p50, year) AS demand_first, arg_max(demand_p50, year) AS demand_last,
        arg_min(supply_p50, year) AS supply_first, arg_max(supply_p50, year) AS supply_last,
        min(gap_p10) AS gap_low, max(gap_p90) AS gap_high,
        arg_min(gap_p50, year) AS gap_first, arg_max(gap_p50, year) AS gap_last,
        min(ratio_p10) AS ratio_low, max(ratio_p90) AS ratio_high,
        bool_and(gap_p10 > 0) AS always_short, bool_and(gap_p90 < 0) AS always_surplus,
        any_value(demand_unit) AS demand_unit, arg_max(supply_unit, year) AS supply_unit,
        arg_max(note, year) AS coverage,
        any_value(new_graduate_share) AS new_graduate_share, any_value(retention_share) AS retention_share,
        any_value(occupation_share_scale) AS occupation_share_scale
    FROM marts.skill_gap
    WHERE skill_cluster = 'all'
    GROUP BY assumption_set, program_code, region
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
        || 'CIP-SOC crosswalk maps there (seeds/program_occupation_shares.csv)'
        || CASE WHEN occupation_share_scale <> 1 THEN ' x ' || occupation_share_scale ELSE '' END || '. '
        || CASE WHEN uncertainty = 'forecast+assumptions'
                THEN 'Bands cover forecast uncertainty and the assumptions'' ranges (' || assumption_ranges || ', drawn '
                     || 'low-value-high triangular); '
                ELSE 'Bands cover forecast uncertainty only, not the assumptions; ' END
        || 'occupations'' trends are taken as moving together.'
    WHEN supply_unit LIKE '%official%' THEN
        'Demand is the count of postings in one public hiring thread, a trend index; supply is the official graduates '
        || 'series of a dropped graduates file (features.feat_supply_graduates_file__annual), forecast past its last '
        || 'year. Read the direction of each, not the difference.'
    ELSE
        'Demand is the count of postings in one public hiring thread, a trend index; supply counts only programmes '
        || 'whose approvals news reports give (seeds/cn_supply_model.csv) with an assumed cohort size, so it is a '
        || 'lower bound. Read the direction of each, not the difference.'
    END AS caveats,
    coverage,
    s.top_skills,
    s.skills_month,
    CASE WHEN region = 'US' THEN sources.us_source ELSE sources.cn_source END AS skills_source,
    uncertainty,
    m.demand_leans_to
FROM per_program
LEFT JOIN program_skills AS s USING (program_code, region)
LEFT JOIN cluster_mix AS m USING (assumption_set, program_code, region)
CROSS JOIN sources
