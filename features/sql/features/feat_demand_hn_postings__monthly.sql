-- grain: one row per series (unique_id) and month (ds)
-- from: features.int_postings__counted (source hn: the counting and repost rule), staging.stg_hn__postings
-- why: monthly postings in the HN "Ask HN: Who is hiring?" threads fetched in live mode (raw.hn__postings): all, AI,
--      manufacturing, AI x manufacturing, tagged and counted as the 谁在招人 postings are (one top-level comment
--      is one posting; reposts, e.g. the same text in next month's thread, by repost_rule). Months no hiring
--      thread covers are gaps, left out (not zero); a slice with no posting in a covered month is 0; feat_panel keeps
--      the gap-free tail. Offline runs land no HN postings: no rows (the demand/GLOBAL/hn term-count series stay).
WITH thread_months AS (
    SELECT DISTINCT month AS ds FROM staging.stg_hn__postings WHERE is_hiring_thread AND month IS NOT NULL
),
counted AS (
    SELECT * FROM features.int_postings__counted WHERE source = 'hn'
),
months AS (
    SELECT
        tm.ds,
        coalesce(sum(c.w), 0) AS n_all,
        coalesce(sum(c.w) FILTER (WHERE c.ai), 0) AS n_ai,
        coalesce(sum(c.w) FILTER (WHERE c.mfg), 0) AS n_mfg,
        coalesce(sum(c.w) FILTER (WHERE c.ai_mfg), 0) AS n_ai_mfg
    FROM thread_months AS tm
    LEFT JOIN counted AS c USING (ds)
    GROUP BY tm.ds
),
long AS (
    SELECT ds, slice, y FROM (UNPIVOT months ON n_all, n_ai, n_mfg, n_ai_mfg INTO NAME slice VALUE y)
)
SELECT
    'demand/GLOBAL/hn_postings/' || replace(slice, 'n_', '') AS unique_id,
    ds,
    y::DOUBLE AS y,
    'MS' AS freq,
    'hn' AS source,
    'demand' AS measure,
    'GLOBAL' AS region,
    'HN Who is hiring? live postings: ' || CASE slice WHEN 'n_all' THEN 'all' WHEN 'n_ai' THEN 'AI'
        WHEN 'n_mfg' THEN 'manufacturing' ELSE 'AI x manufacturing' END AS label,
    'postings per month (one thread sample)' AS unit,
    slice = 'n_ai_mfg' AS is_ai_mfg,
    'Postings (top-level comments) in the monthly HN "Ask HN: Who is hiring?" threads, fetched live from the HN '
        || 'Algolia API, tagged by the skill seed list; reposts counted by '
        || coalesce((SELECT any_value(repost_rule) FROM counted), 'repost_rule') || ' (seeds/postings_rules.csv)'
        AS description
FROM long
