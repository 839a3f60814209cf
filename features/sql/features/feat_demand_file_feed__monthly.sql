-- grain: one row per series (unique_id) and month (ds)
-- from: features.int_postings__counted (each feed's source: the counting and repost rule),
--       staging.stg_file_feed__postings (each feed's span)
-- why: monthly postings of every file feed (TALENTCAST_FEED_DIRS, ingest/file_feed.py): all, AI, manufacturing,
--      AI x manufacturing, demand/GLOBAL/<feed>/<slice>, tagged and counted as the 谁在招人 postings are (one posting
--      id is one posting, in the month of its posted_date; reposts by repost_rule). A feed is a continuous extract:
--      every month from its first to its last posted month is covered, and a month in that span with no posting
--      is 0, not a gap. Region is GLOBAL: a feed's region column is free text ("Ohio", "苏州", "Remote"), not mapped
--      to a region code. No feed configured: no rows.
WITH spans AS (
    -- over all the feed's records, postings or not: the months the extract covers
    SELECT feed, min(month) AS first_month, max(month) AS last_month
    FROM staging.stg_file_feed__postings
    GROUP BY feed
),
feed_months AS (
    SELECT feed, unnest(generate_series(first_month, last_month, INTERVAL 1 MONTH))::DATE AS ds FROM spans
),
counted AS (
    SELECT * FROM features.int_postings__counted WHERE source IN (SELECT feed FROM spans)
),
months AS (
    SELECT
        fm.feed,
        fm.ds,
        coalesce(sum(c.w), 0) AS n_all,
        coalesce(sum(c.w) FILTER (WHERE c.ai), 0) AS n_ai,
        coalesce(sum(c.w) FILTER (WHERE c.mfg), 0) AS n_mfg,
        coalesce(sum(c.w) FILTER (WHERE c.ai_mfg), 0) AS n_ai_mfg
    FROM feed_months AS fm
    LEFT JOIN counted AS c ON c.source = fm.feed AND c.ds = fm.ds
    GROUP BY fm.feed, fm.ds
),
long AS (
    SELECT feed, ds, slice, y FROM (UNPIVOT months ON n_all, n_ai, n_mfg, n_ai_mfg INTO NAME slice VALUE y)
)
SELECT
    'demand/GLOBAL/' || feed || '/' || replace(slice, 'n_', '') AS unique_id,
    ds,
    y::DOUBLE AS y,
    'MS' AS freq,
    feed AS source,
    'demand' AS measure,
    'GLOBAL' AS region,
    'File feed ' || feed || ': ' || CASE slice WHEN 'n_all' THEN 'all' WHEN 'n_ai' THEN 'AI'
        WHEN 'n_mfg' THEN 'manufacturing' ELSE 'AI x manufacturing' END || ' postings' AS label,
    'postings per month (file feed extract)' AS unit,
    slice = 'n_ai_mfg' AS is_ai_mfg,
    'Postings in the file feed ' || feed || ' (a feed.json folder of TALENTCAST_FEED_DIRS), one per posting id in the '
        || 'month of its posted date, tagged by the skill seed list; reposts counted by '
        || coalesce((SELECT any_value(repost_rule) FROM features.int_postings__counted), 'repost_rule')
        || ' (seeds/postings_rules.csv); a month of the feed''s span with no posting is 0' AS description
FROM long
