-- grain: one row per Digest table, field of study and year (year = end of the academic year, 2020 = 2019-20)
-- from: raw.nces_digest__graduates, latest batch per key
-- why: US bachelor's degrees by field from NCES Digest table 322.10, 1970-71 onward (selected years before
--      2010-11, then every year): a longer supply history than IPEDS and a cross-check of it; Digest markers
--      ('---' not available ...) are null graduates with the marker's meaning in note
SELECT
    table_id,
    field,
    footnote,
    is_total,
    academic_year,
    year::INTEGER AS year,
    graduates,
    note,
    _batch_id AS batch_id
FROM raw.nces_digest__graduates
QUALIFY row_number() OVER (PARTITION BY table_id, field, year ORDER BY _fetched_at DESC, _batch_id DESC) = 1
