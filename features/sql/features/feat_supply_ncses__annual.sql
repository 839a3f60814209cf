-- grain: one row per series (unique_id) and year (ds = 1 January)
-- from: staging.stg_ncses__graduates (both sexes)
-- why: long supply history by broad field where no program-level series exists: China's and the
--      US's engineering and computer-science first degrees (NSF Science and Engineering Indicators)
SELECT
    'supply/' || CASE country WHEN 'China' THEN 'CN' WHEN 'United States' THEN 'US' END
        || '/ncses/' || lower(regexp_replace(field, '[^A-Za-z]+', '_', 'g')) AS unique_id,
    make_date(year, 1, 1) AS ds,
    graduates::DOUBLE AS y,
    'YS' AS freq, 'ncses' AS source, 'supply' AS measure,
    CASE country WHEN 'China' THEN 'CN' WHEN 'United States' THEN 'US' END AS region,
    country || ' graduates: ' || field || ' (NCSES table ' || table_id || ')' AS label,
    CASE table_id WHEN '3258' THEN 'bachelor''s degrees per year' ELSE 'first university degrees per year' END AS unit,
    false AS is_ai_mfg,
    'NSF NCSES Science and Engineering Indicators table ' || table_id || ', field path: ' || field_path AS description
FROM staging.stg_ncses__graduates
WHERE sex = 'both'
  AND graduates IS NOT NULL
  AND ((table_id = '5785' AND country = 'China' AND field IN ('Engineering', 'Computer sciences', 'All fields'))
    OR (table_id = '3258' AND country = 'United States'
        AND field IN ('Engineering', 'Computer sciences', 'Electrical engineering', 'Mechanical engineering',
                      'Industrial engineering', 'Mathematics and statistics')))
