-- grain: one row per postings source and skill cluster (region US: usajobs, hn; region CN: zh_postings)
-- from: features.int_postings__counted (source zh_postings) + int_postings__skill_matches, staging.stg_usajobs__postings +
--       features.int_usajobs__skill_matches (USAJOBS titles), staging.stg_hn__monthly_terms x ref.skill_terms
--       (HN "Who is hiring?" term mentions), ref.postings_rules (trend thresholds)
-- why: issue 5: a program's top skills and the skill-cluster split of its gap must come from postings of its own
--      region and language. postings = postings requiring the cluster in the 12 months to the source's latest
--      month (zh: weighted by the repost rule; USAJOBS: by open month; HN: the most-mentioned of the cluster's
--      terms in the month, a lower bound on postings mentioning any of them, and only clusters whose English
--      terms HN counts); prior_* = the 12 months before; growth_12m = share / prior share - 1 when both
--      windows have at least 6 months of data; span_* = both windows together (24 months: the weights of the
--      skill_gap cluster split, since a thin source such as USAJOBS has few postings in its last 12 months).
--      Rising/falling use the thresholds of marts.skill_trends.
WITH params AS (
    SELECT
        max(value) FILTER (WHERE parameter = 'trend_min_postings')::DOUBLE AS min_postings,
        max(value) FILTER (WHERE parameter = 'trend_rising_growth')::DOUBLE AS rising,
        max(value) FILTER (WHERE parameter = 'trend_falling_growth')::DOUBLE AS falling
    FROM ref.postings_rules
),
clusters AS (
    SELECT DISTINCT cluster, kind FROM ref.skill_terms
),
monthly_totals AS (
    SELECT 'zh_postings' AS source, c.ds, sum(c.w) AS all_postings FROM features.int_postings__counted AS c
    WHERE c.source = 'zh_postings' GROUP BY c.ds
    UNION ALL
    SELECT 'usajobs', month, count(*) FROM staging.stg_usajobs__postings WHERE month IS NOT NULL GROUP BY month
    UNION ALL
    SELECT DISTINCT 'hn', month, postings_total FROM staging.stg_hn__monthly_terms
),
monthly_clusters AS (
    SELECT 'zh_postings' AS source, ds, cluster, sum(w) AS postings
    FROM (SELECT DISTINCT c.comment_id, c.ds, c.w, m.cluster
          FROM features.int_postings__counted AS c
          JOIN features.int_postings__skill_matches AS m ON m.comment_id = c.comment_id AND m.is_required
          WHERE c.source = 'zh_postings')
    GROUP BY ALL
    UNION ALL
    SELECT 'usajobs', p.month, m.cluster, count(DISTINCT p.control_number)
    FROM staging.stg_usajobs__postings AS p
    JOIN features.int_usajobs__skill_matches AS m USING (control_number)
    WHERE p.month IS NOT NULL
    GROUP BY ALL
    UNION ALL
    SELECT 'hn', h.month, t.cluster, max(h.postings_mentioning)
    FROM staging.stg_hn__monthly_terms AS h
    JOIN (SELECT DISTINCT lower(term) AS term_lc, cluster FROM ref.skill_terms WHERE lang = 'en') AS t
      ON lower(h.term) = t.term_lc
    GROUP BY ALL
),
hn_clusters AS (
    SELECT DISTINCT cluster FROM monthly_clusters WHERE source = 'hn'
),
sources AS (
    SELECT source, max(ds) AS last_month FROM monthly_totals GROUP BY source
),
windows AS (
    SELECT
        s.source, c.cluster, c.kind, s.last_month, min(t.ds) AS span_first_month,
        sum(t.all_postings) FILTER (WHERE t.ds > s.last_month - INTERVAL 12 MONTH) AS all_postings,
        sum(coalesce(m.postings, 0)) FILTER (WHERE t.ds > s.last_month - INTERVAL 12 MONTH) AS postings,
        count(*) FILTER (WHERE t.ds > s.last_month - INTERVAL 12 MONTH) AS months,
        coalesce(sum(t.all_postings) FILTER (WHERE t.ds <= s.last_month - INTERVAL 12 MONTH), 0) AS prior_all_postings,
        coalesce(sum(coalesce(m.postings, 0)) FILTER (WHERE t.ds <= s.last_month - INTERVAL 12 MONTH), 0)
            AS prior_postings,
        count(*) FILTER (WHERE t.ds <= s.last_month - INTERVAL 12 MONTH) AS prior_months
    FROM sources AS s
    CROSS JOIN clusters AS c
    JOIN monthly_totals AS t ON t.source = s.source AND t.ds > s.last_month - INTERVAL 24 MONTH
    LEFT JOIN monthly_clusters AS m ON m.source = s.source AND m.ds = t.ds AND m.cluster = c.cluster
    WHERE s.source <> 'hn' OR c.cluster IN (SELECT cluster FROM hn_clusters)
    GROUP BY ALL
),
shares AS (
    SELECT
        *,
        postings / nullif(all_postings, 0) AS share,
        prior_postings / nullif(prior_all_postings, 0) AS prior_share
    FROM windows
)
SELECT
    CASE WHEN source = 'zh_postings' THEN 'CN' ELSE 'US' END AS region,
    source,
    CASE source WHEN 'zh_postings' THEN '谁在招人 postings (Chinese)'
                WHEN 'usajobs' THEN 'USAJOBS job titles (US federal postings)'
                ELSE 'HN Who is hiring term mentions (English)' END AS source_label,
    cluster,
    kind,
    last_month,
    span_first_month,
    months,
    round(postings, 4) AS postings,
    round(all_postings, 4) AS all_postings,
    round(share, 6) AS share,
    prior_months,
    round(prior_postings, 4) AS prior_postings,
    round(prior_share, 6) AS prior_share,
    months + prior_months AS span_months,
    round(postings + prior_postings, 4) AS span_postings,
    round(all_postings + prior_all_postings, 4) AS span_all_postings,
    round((postings + prior_postings) / nullif(all_postings + prior_all_postings, 0), 6) AS span_share,
    CASE WHEN months >= 6 AND prior_months >= 6 THEN round(share / nullif(prior_share, 0) - 1, 4) END AS growth_12m,
    coalesce(months >= 6 AND prior_months >= 6 AND share / nullif(prior_share, 0) - 1 >= params.rising
             AND postings >= params.min_postings, false) AS is_rising,
    coalesce(months >= 6 AND prior_months >= 6 AND share / nullif(prior_share, 0) - 1 <= params.falling
             AND prior_postings >= params.min_postings, false) AS is_falling
FROM shares, params
