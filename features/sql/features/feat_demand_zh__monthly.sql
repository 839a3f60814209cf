-- grain: one row per series (unique_id) and month (ds)
-- from: features.int_postings__counted (source zh_postings: the counting and repost rule),
--       staging.stg_zh_postings__threads, ref.postings_rules (region_min_positions; getvariable() overrides it)
-- why: monthly postings in the 谁在招人 threads: all, AI, manufacturing, AI x manufacturing, nationally (CN),
--      and all postings for every province with at least region_min_positions counted postings over the span
--      (the provinces' AI counts are too small to forecast), and national AI postings by primary AI skill cluster
--      (int_postings__counted.primary_ai_cluster: each AI posting in exactly one, so they add up to the AI
--      series; a cluster no AI posting falls in over the span gets no series). Months no thread covers are left
--      out (a gap, not zero), and feat_panel keeps only the gap-free tail of each series.
WITH params AS (
    SELECT coalesce(getvariable('region_min_positions'),
                    (SELECT value FROM ref.postings_rules WHERE parameter = 'region_min_positions'))::DOUBLE
               AS region_min
),
thread_months AS (
    SELECT DISTINCT unnest(generate_series(first_month, last_month, INTERVAL 1 MONTH))::DATE AS ds
    FROM staging.stg_zh_postings__threads
),
counted AS (
    SELECT * FROM features.int_postings__counted WHERE source = 'zh_postings'
),
national AS (
    SELECT
        tm.ds, 'CN' AS region,
        coalesce(sum(c.w), 0) AS n_all,
        coalesce(sum(c.w) FILTER (WHERE c.ai), 0) AS n_ai,
        coalesce(sum(c.w) FILTER (WHERE c.mfg), 0) AS n_mfg,
        coalesce(sum(c.w) FILTER (WHERE c.ai_mfg), 0) AS n_ai_mfg
    FROM thread_months AS tm
    LEFT JOIN counted AS c USING (ds)
    GROUP BY tm.ds
),
regions AS (
    SELECT region_code
    FROM counted, params
    WHERE region_code IS NOT NULL
    GROUP BY region_code, params.region_min
    HAVING sum(w) >= params.region_min
),
regional AS (
    SELECT tm.ds, rg.region_code AS region, coalesce(sum(c.w), 0) AS n_all
    FROM thread_months AS tm
    CROSS JOIN regions AS rg
    LEFT JOIN counted AS c ON c.ds = tm.ds AND c.region_code = rg.region_code
    GROUP BY tm.ds, rg.region_code
),
ai_clusters AS (
    SELECT DISTINCT primary_ai_cluster AS cluster FROM counted WHERE ai
),
by_cluster AS (
    SELECT tm.ds, 'CN' AS region, 'n_ai/' || k.cluster AS slice, coalesce(sum(c.w), 0) AS y
    FROM thread_months AS tm
    CROSS JOIN ai_clusters AS k
    LEFT JOIN counted AS c ON c.ds = tm.ds AND c.ai AND c.primary_ai_cluster = k.cluster
    GROUP BY tm.ds, k.cluster
),
long AS (
    SELECT ds, region, slice, y FROM (UNPIVOT national ON n_all, n_ai, n_mfg, n_ai_mfg INTO NAME slice VALUE y)
    UNION ALL
    SELECT ds, region, 'n_all', n_all FROM regional
    UNION ALL
    SELECT ds, region, slice, y FROM by_cluster
)
SELECT
    'demand/' || region || '/zh_postings/' || replace(slice, 'n_', '') AS unique_id,
    ds,
    y::DOUBLE AS y,
    'MS' AS freq,
    'zh_postings' AS source,
    'demand' AS measure,
    region,
    '谁在招人 postings' || CASE WHEN region = 'CN' THEN '' ELSE ' (' || region || ')' END || ': '
        || CASE WHEN slice = 'n_all' THEN 'all' WHEN slice = 'n_ai' THEN 'AI' WHEN slice = 'n_mfg' THEN 'manufacturing'
                WHEN slice = 'n_ai_mfg' THEN 'AI x manufacturing'
                ELSE 'AI, skill cluster ' || replace(slice, 'n_ai/', '') END AS label,
    'postings per month (one thread sample)' AS unit,
    slice = 'n_ai_mfg' AS is_ai_mfg,
    'Postings in the monthly 谁在招人 threads of ruanyf/weekly tagged by the skill seed list; reposts counted by '
        || coalesce((SELECT any_value(repost_rule) FROM counted), 'repost_rule') || ' (seeds/postings_rules.csv)'
        AS description
FROM long
