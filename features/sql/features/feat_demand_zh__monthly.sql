-- grain: one row per series (unique_id) and month (ds)
-- from: features.int_postings__tagged joined to staging.stg_zh_postings__threads
-- why: monthly postings in the 谁在招人 threads: all, AI, manufacturing, AI x manufacturing.
--      A thread covering k months adds 1/k of its postings to each; months no thread covers are
--      left out (a gap, not zero), and feat_panel keeps only the gap-free tail of each series.
WITH months AS (
    SELECT unnest(generate_series(min(first_month), max(last_month), INTERVAL 1 MONTH))::DATE AS ds
    FROM staging.stg_zh_postings__threads
),
thread_counts AS (
    SELECT
        t.issue_number, t.first_month, t.last_month, t.months_covered,
        count(p.comment_id) FILTER (WHERE p.is_posting) AS n_all,
        count(p.comment_id) FILTER (WHERE p.is_posting AND p.ai) AS n_ai,
        count(p.comment_id) FILTER (WHERE p.is_posting AND p.mfg) AS n_mfg,
        count(p.comment_id) FILTER (WHERE p.is_posting AND p.ai_mfg) AS n_ai_mfg
    FROM staging.stg_zh_postings__threads AS t
    LEFT JOIN features.int_postings__tagged AS p USING (issue_number)
    GROUP BY ALL
),
per_month AS (
    SELECT
        m.ds,
        sum(tc.n_all / tc.months_covered) AS n_all,
        sum(tc.n_ai / tc.months_covered) AS n_ai,
        sum(tc.n_mfg / tc.months_covered) AS n_mfg,
        sum(tc.n_ai_mfg / tc.months_covered) AS n_ai_mfg
    FROM months AS m
    JOIN thread_counts AS tc ON m.ds BETWEEN tc.first_month AND tc.last_month
    GROUP BY m.ds
),
long AS (
    UNPIVOT per_month ON n_all, n_ai, n_mfg, n_ai_mfg INTO NAME slice VALUE y
)
SELECT
    'demand/CN/zh_postings/' || replace(slice, 'n_', '') AS unique_id,
    ds,
    y::DOUBLE AS y,
    'MS' AS freq,
    'zh_postings' AS source,
    'demand' AS measure,
    'CN' AS region,
    '谁在招人 postings: ' || CASE slice WHEN 'n_all' THEN 'all' WHEN 'n_ai' THEN 'AI' WHEN 'n_mfg' THEN 'manufacturing'
        ELSE 'AI x manufacturing' END AS label,
    'postings per month (one thread sample)' AS unit,
    slice = 'n_ai_mfg' AS is_ai_mfg,
    'Postings in the monthly 谁在招人 threads of ruanyf/weekly tagged by the skill seed list' AS description
FROM long
