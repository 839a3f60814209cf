-- grain: one row per program, region and year
-- from: marts.supply_forecast (IPEDS completions forecast), ref.programs, ref.cip_soc_crosswalk,
--       staging.stg_bls_ep__projections (latest vintage)
-- why: a FIRST, crude gap (issue 5 makes it right): demand = BLS annual average openings of every
--      occupation the program's CIP maps to (not shared among programs, all openings not only new
--      graduates'), supply = forecast completions; both per year, units stated
WITH vintage AS (
    SELECT * FROM staging.stg_bls_ep__projections
    WHERE base_year = (SELECT max(base_year) FROM staging.stg_bls_ep__projections)
),
demand AS (
    SELECT p.program_code, sum(v.openings_annual) AS openings, count(DISTINCT v.soc_code) AS occupations,
           any_value(v.base_year) AS base_year, any_value(v.target_year) AS target_year
    FROM ref.programs AS p
    JOIN ref.cip_soc_crosswalk AS x ON x.cip_code = p.program_code
    JOIN vintage AS v ON v.soc_code = x.soc_code
    WHERE p.system = 'CIP2020'
    GROUP BY p.program_code
),
supply AS (
    SELECT replace(unique_id, 'supply/US/ipeds/', '') AS program_code, year(ds) AS year,
           y_hat, lo_80, hi_80
    FROM marts.supply_forecast
    WHERE source = 'ipeds'
)
SELECT
    getvariable('run_id') AS run_id,
    p.program_code,
    p.title_en AS program_title,
    p.system,
    'US' AS region,
    s.year,
    'openings per year in mapped occupations' AS demand_measure,
    d.openings AS demand_value,
    NULL::DOUBLE AS demand_lo_80,
    NULL::DOUBLE AS demand_hi_80,
    'openings per year (BLS ' || d.base_year || '-' || d.target_year || ' annual average, ' || d.occupations
        || ' occupations)' AS demand_unit,
    s.y_hat AS supply_value,
    s.lo_80 AS supply_lo_80,
    s.hi_80 AS supply_hi_80,
    'completions per academic year (bachelor''s and above)' AS supply_unit,
    d.openings - s.y_hat AS gap,
    d.openings / nullif(s.y_hat, 0) AS ratio,
    'crude first cut: openings are not shared among programs and include non-graduate entrants; '
        || 'demand has no interval yet (official point projection)' AS note
FROM supply AS s
JOIN ref.programs AS p ON p.program_code = s.program_code AND p.system = 'CIP2020'
JOIN demand AS d ON d.program_code = s.program_code
