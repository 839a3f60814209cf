-- grain: one row per postings source ('zh_postings', 'hn', a file feed's name), level ('skill' or 'cluster'), name, month (ds)
-- from: features.int_postings__skill_matches (required matches), features.int_postings__counted (which postings
--       count in which month: the repost rule), ref.skill_terms, ref.postings_rules (trend thresholds)
-- why: issue 3 outputs: which AI and manufacturing skills are rising or falling in the 谁在招人 postings (and in
--      the HN "Who is hiring?" postings of live mode: each source on its own, its shares of its own postings).
--      postings = postings (weighted as in the demand series) requiring the skill that month; share = postings /
--      all counted postings that month. Monthly counts are small (~25 postings a month), so growth compares
--      trailing windows: growth_3m = share over the last 3 months / share over the 3 months before - 1, and
--      growth_12m likewise over 12 months (NULL when the earlier window has no posting with the skill or a
--      thread month is missing). is_rising: growth_12m >= trend_rising_growth with at least trend_min_postings
--      in the last 12 months; is_falling: growth_12m <= trend_falling_growth with at least trend_min_postings
--      in the 12 months before.
WITH params AS (
    SELECT
        max(value) FILTER (WHERE parameter = 'trend_min_postings')::DOUBLE AS min_postings,
        max(value) FILTER (WHERE parameter = 'trend_rising_growth')::DOUBLE AS rising,
        max(value) FILTER (WHERE parameter = 'trend_falling_growth')::DOUBLE AS falling
    FROM ref.postings_rules
),
month_totals AS (
    SELECT source, ds, sum(w) AS all_postings FROM features.int_postings__counted GROUP BY source, ds
),
skill_posts AS (
    -- one row per counted posting, month and skill (a skill matched by several terms or positions counts once)
    SELECT DISTINCT c.source, c.comment_id, c.ds, c.w, m.skill, m.cluster, m.kind
    FROM features.int_postings__counted AS c
    JOIN features.int_postings__skill_matches AS m ON m.comment_id = c.comment_id AND m.is_required
),
names AS (
    SELECT DISTINCT 'skill' AS level, skill AS name, cluster, kind FROM ref.skill_terms
    UNION ALL
    SELECT DISTINCT 'cluster', cluster, cluster, kind FROM ref.skill_terms
),
monthly AS (
    SELECT source, level, name, ds, sum(w) AS postings
    FROM (SELECT source, 'skill' AS level, skill AS name, comment_id, ds, w FROM skill_posts
          UNION SELECT source, 'cluster', cluster, comment_id, ds, w FROM skill_posts)
    GROUP BY ALL
),
grid AS (
    -- every skill and cluster in every month a thread of the source covers (zero when no posting needs it)
    SELECT t.source, n.level, n.name, n.cluster, n.kind, t.ds, t.all_postings, coalesce(m.postings, 0) AS postings
    FROM names AS n
    CROSS JOIN month_totals AS t
    LEFT JOIN monthly AS m ON m.source = t.source AND m.level = n.level AND m.name = n.name AND m.ds = t.ds
),
windows AS (
    SELECT
        *,
        sum(postings) OVER w3 AS postings_3m, sum(all_postings) OVER w3 AS all_3m, count(*) OVER w3 AS months_3m,
        sum(postings) OVER w12 AS postings_12m, sum(all_postings) OVER w12 AS all_12m, count(*) OVER w12 AS months_12m
    FROM grid
    WINDOW w3 AS (PARTITION BY source, level, name ORDER BY ds
                  RANGE BETWEEN INTERVAL 2 MONTH PRECEDING AND CURRENT ROW),
           w12 AS (PARTITION BY source, level, name ORDER BY ds
                   RANGE BETWEEN INTERVAL 11 MONTH PRECEDING AND CURRENT ROW)
),
with_prior AS (
    SELECT
        cur.*,
        CASE WHEN cur.months_3m = 3 THEN cur.postings_3m / nullif(cur.all_3m, 0) END AS share_3m,
        CASE WHEN cur.months_12m = 12 THEN cur.postings_12m / nullif(cur.all_12m, 0) END AS share_12m,
        CASE WHEN p3.months_3m = 3 THEN p3.postings_3m / nullif(p3.all_3m, 0) END AS prior_share_3m,
        CASE WHEN p12.months_12m = 12 THEN p12.postings_12m / nullif(p12.all_12m, 0) END AS prior_share_12m,
        p12.postings_12m AS prior_postings_12m
    FROM windows AS cur
    LEFT JOIN windows AS p3 ON p3.source = cur.source AND p3.level = cur.level AND p3.name = cur.name
                           AND p3.ds = cur.ds - INTERVAL 3 MONTH
    LEFT JOIN windows AS p12 ON p12.source = cur.source AND p12.level = cur.level AND p12.name = cur.name
                            AND p12.ds = cur.ds - INTERVAL 12 MONTH
)
SELECT
    source,
    level,
    name,
    cluster,
    kind,
    ds,
    round(postings, 4) AS postings,
    round(all_postings, 4) AS all_postings,
    round(postings / nullif(all_postings, 0), 6) AS share,
    round(share_3m, 6) AS share_3m,
    round(share_12m, 6) AS share_12m,
    round(share_3m / nullif(prior_share_3m, 0) - 1, 4) AS growth_3m,
    round(share_12m / nullif(prior_share_12m, 0) - 1, 4) AS growth_12m,
    coalesce(share_12m / nullif(prior_share_12m, 0) - 1 >= params.rising AND postings_12m >= params.min_postings,
             false) AS is_rising,
    coalesce(share_12m / nullif(prior_share_12m, 0) - 1 <= params.falling
             AND prior_postings_12m >= params.min_postings, false) AS is_falling
FROM with_prior, params
