-- grain: one row per series (unique_id) and year (ds = 1 January of the academic year's end)
-- from: staging.stg_nces_digest__graduates joined to ref.nces_digest_fields
-- why: US bachelor's degrees by broad field since 1970-71 (NCES Digest 322.10): the long history behind the
--      IPEDS program series (fields = 2-digit CIP families of our programs; features.int_supply__digest_vs_ipeds
--      checks the two agree where they overlap); only the yearly tail (2010-11 on) is forecast
SELECT
    'supply/US/nces_digest/' || f.slug AS unique_id,
    make_date(d.year, 1, 1) AS ds,
    d.graduates::DOUBLE AS y,
    'YS' AS freq, 'nces_digest' AS source, 'supply' AS measure, 'US' AS region,
    'US bachelor''s degrees: ' || d.field || ' (NCES Digest table ' || d.table_id || ')' AS label,
    'bachelor''s degrees per academic year' AS unit,
    false AS is_ai_mfg,
    'NCES Digest of Education Statistics table ' || d.table_id || ', field ' || d.field
        || coalesce(' (CIP 2020 series ' || f.cip_family || ')', '') || coalesce('; ' || d.footnote, '')
        || '; ds year Y is academic year (Y-1)-Y' AS description
FROM staging.stg_nces_digest__graduates AS d
JOIN ref.nces_digest_fields AS f USING (field)
WHERE d.graduates IS NOT NULL
