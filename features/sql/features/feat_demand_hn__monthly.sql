-- grain: one row per series (unique_id) and month (ds)
-- from: staging.stg_hn__monthly_terms joined to ref.hn_terms
-- why: HN "Who is hiring?" postings mentioning AI and hardware terms per month (0 when not counted
--      in a month that was scraped), plus all postings; a mostly US, remote-friendly software sample
WITH months AS (
    SELECT DISTINCT month AS ds, postings_total FROM staging.stg_hn__monthly_terms
),
grid AS (
    SELECT m.ds, m.postings_total, r.term, r.family FROM months AS m CROSS JOIN ref.hn_terms AS r
)
SELECT
    'demand/GLOBAL/hn/' || lower(regexp_replace(g.term, '[^A-Za-z]+', '_', 'g')) AS unique_id,
    g.ds,
    coalesce(t.postings_mentioning, 0)::DOUBLE AS y,
    'MS' AS freq, 'hn' AS source, 'demand' AS measure, 'GLOBAL' AS region,
    'HN Who is hiring: postings mentioning ' || g.term AS label,
    'postings per month' AS unit,
    false AS is_ai_mfg,
    'Comments in the monthly HN Who is hiring thread that mention the term (hiringtrends counts); family: '
        || g.family AS description
FROM grid AS g
LEFT JOIN staging.stg_hn__monthly_terms AS t ON t.month = g.ds AND t.term = g.term
UNION ALL
SELECT
    'demand/GLOBAL/hn/all', ds, postings_total::DOUBLE, 'MS', 'hn', 'demand', 'GLOBAL',
    'HN Who is hiring: all postings', 'postings per month', false,
    'Top-level comments in the monthly HN Who is hiring thread'
FROM months
