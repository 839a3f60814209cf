-- grain: one row per survey year and SOC code
-- from: raw.oews__national (cross-industry national workbooks), latest batch per key
-- why: employment by occupation, May of each year; suppressed estimates stay NULL
SELECT
    year,
    occ_code,
    occ_title,
    o_group,
    tot_emp,
    suppressed,
    _batch_id AS batch_id
FROM raw.oews__national
-- BLS lists some codes twice (broad and detailed) in 2017-2022: keep the detailed row
QUALIFY row_number() OVER (PARTITION BY year, occ_code
                           ORDER BY _fetched_at DESC, _batch_id DESC, (o_group = 'detailed') DESC NULLS LAST) = 1
