-- grain: one row per source
-- from: meta.batches (the latest loaded batch of each source), raw.rejects, features.series/feat_panel
-- why: planners see how fresh each source is, what it covers and how many records were rejected
WITH latest AS (
    SELECT * FROM meta.batches
    QUALIFY row_number() OVER (PARTITION BY source ORDER BY fetched_at DESC, loaded_at DESC) = 1
),
coverage AS (
    SELECT s.source, min(p.ds) AS first_period, max(p.ds) AS last_period, count(DISTINCT s.unique_id) AS series
    FROM features.feat_panel AS p JOIN features.series AS s USING (unique_id)
    GROUP BY s.source
),
rejected AS (
    SELECT batch_id, count(*) AS rejects FROM raw.rejects GROUP BY batch_id
)
SELECT
    l.source,
    l.origin AS title,
    l.licence,
    l.url,
    l.mode,
    l.batch_id,
    l.fetched_at,
    l.files,
    l.rows_loaded AS rows,
    coalesce(r.rejects, 0) AS rejects,
    c.first_period,
    c.last_period,
    coalesce(c.series, 0) AS series
FROM latest AS l
LEFT JOIN rejected AS r USING (batch_id)
LEFT JOIN coverage AS c USING (source)
