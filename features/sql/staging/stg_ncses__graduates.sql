-- grain: one row per NCSES table, country, sex, field path and year
-- from: raw.ncses__graduates, latest batch per key
-- why: graduates by field (table 3258: US bachelor's by S&E field 2008-18; table 5785: first
--      university degrees for China and ~40 economies 2010-18); NULL graduates carry a note
SELECT
    table_id,
    country,
    sex,
    field,
    field_path,
    field_level,
    year,
    graduates,
    note,
    _batch_id AS batch_id
FROM raw.ncses__graduates
QUALIFY row_number() OVER (PARTITION BY table_id, country, sex, field_path, year
                           ORDER BY _fetched_at DESC, _batch_id DESC) = 1
