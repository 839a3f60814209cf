-- grain: one row per series (unique_id) and year (ds = 1 January of the academic year's end)
-- from: staging.stg_ipeds__completions joined to ref.programs (system CIP2020)
-- why: graduate supply per US program: bachelor's, master's and doctor's completions (first majors)
SELECT
    'supply/US/ipeds/' || p.program_code AS unique_id,
    make_date(c.survey_year, 1, 1) AS ds,
    sum(c.completions)::DOUBLE AS y,
    'YS' AS freq, 'ipeds' AS source, 'supply' AS measure, 'US' AS region,
    'US graduates: ' || p.title_en || ' (CIP ' || p.program_code || ')' AS label,
    'completions per academic year (bachelor''s and above, first majors)' AS unit,
    p.family = 'ai_mfg' AS is_ai_mfg,
    'IPEDS completions, award levels 5, 7, 17, 18, 19; ds year Y is academic year (Y-1)-Y' AS description
FROM staging.stg_ipeds__completions AS c
JOIN ref.programs AS p ON p.system = 'CIP2020' AND c.cipcode = p.program_code
WHERE c.awlevel IN (5, 7, 17, 18, 19)
GROUP BY ALL
