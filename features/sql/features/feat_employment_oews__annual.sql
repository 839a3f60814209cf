-- grain: one row per series (unique_id) and year (ds = 1 January of the survey year)
-- from: staging.stg_oews__national joined to ref.occupations_of_interest
-- why: US employment in AI and manufacturing occupations, May of each year; a year that has the
--      current SOC code uses it, earlier years sum the legacy codes of the official crosswalks; plus the
--      all-occupations total (SOC 00-0000), which the BLS-style constant-share baseline divides by
WITH codes AS (
    SELECT soc_code, title, family, unnest(list_prepend(soc_code,
        CASE WHEN coalesce(legacy_codes, '') = '' THEN [] ELSE string_split(legacy_codes, '|') END)) AS occ_code
    FROM ref.occupations_of_interest
),
matched AS (
    SELECT c.soc_code, c.title, c.family, o.year, o.occ_code, o.tot_emp,
        max((o.occ_code = c.soc_code)::INT) OVER (PARTITION BY c.soc_code, o.year) AS year_has_current
    FROM codes AS c
    JOIN staging.stg_oews__national AS o USING (occ_code)
    WHERE o.tot_emp IS NOT NULL
)
SELECT
    'employment/US/oews/' || soc_code AS unique_id,
    make_date(year, 1, 1) AS ds,
    sum(tot_emp)::DOUBLE AS y,
    'YS' AS freq, 'oews' AS source, 'employment' AS measure, 'US' AS region,
    'US employment: ' || title AS label,
    'jobs (May estimate)' AS unit,
    family = 'ai_mfg' AS is_ai_mfg,
    'BLS OEWS national cross-industry employment, SOC ' || soc_code || ' (family: ' || family || ')' AS description
FROM matched
WHERE year_has_current = 0 OR occ_code = soc_code
GROUP BY soc_code, title, family, year
UNION ALL
SELECT
    'employment/US/oews' AS unique_id,
    make_date(year, 1, 1) AS ds,
    tot_emp::DOUBLE AS y,
    'YS' AS freq, 'oews' AS source, 'employment' AS measure, 'US' AS region,
    'US employment: all occupations' AS label,
    'jobs (May estimate)' AS unit,
    false AS is_ai_mfg,
    'BLS OEWS national cross-industry employment, all occupations (SOC 00-0000)' AS description
FROM staging.stg_oews__national
WHERE occ_code = '00-0000' AND tot_emp IS NOT NULL
