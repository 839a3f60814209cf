-- grain: one row per series (unique_id) and year (ds = 1 January of the graduation year)
-- from: staging.stg_graduates_file__graduates joined to ref.programs (code and system of the catalogue)
-- why: official graduate counts dropped as files (MoE or provincial statistics for Chinese majors, a
--      university's or state's counts for CIP programs) become supply series of the catalogue's programs, by
--      region as the file gives it (CN, or a province such as CN-GD); forecasting/gap_step.py uses a Chinese
--      major's national series instead of the modelled supply. Rows in other code systems (NCSES fields,
--      ISCED) stay in staging: no program of the catalogue to attach them to
SELECT
    'supply/' || g.region || '/graduates_file/' || g.program_code AS unique_id,
    make_date(g.year, 1, 1) AS ds,
    g.graduates::DOUBLE AS y,
    'YS' AS freq, 'graduates_file' AS source, 'supply' AS measure, g.region,
    g.region || ' graduates: ' || p.title_en || ' (' || g.program_code || ', graduates file)' AS label,
    'graduates per year' AS unit,
    p.family = 'ai_mfg' AS is_ai_mfg,
    'Graduates file drop; source: ' || g.source AS description
FROM staging.stg_graduates_file__graduates AS g
JOIN ref.programs AS p ON p.program_code = g.program_code AND p.system = g.system
