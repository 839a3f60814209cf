-- grain: one row per series (unique_id) and month (ds)
-- from: features.int_usajobs__tagged
-- why: monthly US federal postings by open month: all, AI, manufacturing, AI x manufacturing (title tags).
--      Months in which the source has no posting at all are a collection gap, left out (not zero); a slice
--      with no posting in a month the source covers is 0. feat_panel keeps the gap-free tail of each series.
--      The ai_mfg slice is all zeros on the bundled 2024-25 snapshot, and that is the data, not the tagger
--      (checked for issue 3): the 118 AI titles are data scientists and "IT Specialist (AI)" roles, the 18
--      manufacturing ones welders, machinists, NASA automation-and-robotics engineers and manufacturing programme
--      managers, and no title is both; a federal title says nothing of the employer's industry, which is what
--      makes most zh_postings "both". The series is kept so a live pull or another agency can fill it.
WITH months AS (
    SELECT
        month AS ds,
        count(*) AS n_all,
        count(*) FILTER (WHERE ai) AS n_ai,
        count(*) FILTER (WHERE mfg) AS n_mfg,
        count(*) FILTER (WHERE ai_mfg) AS n_ai_mfg
    FROM features.int_usajobs__tagged
    GROUP BY month
),
long AS (
    SELECT ds, slice, y FROM (UNPIVOT months ON n_all, n_ai, n_mfg, n_ai_mfg INTO NAME slice VALUE y)
)
SELECT
    'demand/US/usajobs/' || replace(slice, 'n_', '') AS unique_id,
    ds,
    y::DOUBLE AS y,
    'MS' AS freq,
    'usajobs' AS source,
    'demand' AS measure,
    'US' AS region,
    'USAJOBS federal postings: ' || CASE slice WHEN 'n_all' THEN 'all' WHEN 'n_ai' THEN 'AI'
        WHEN 'n_mfg' THEN 'manufacturing' ELSE 'AI x manufacturing' END AS label,
    'postings opened per month' AS unit,
    slice = 'n_ai_mfg' AS is_ai_mfg,
    'US federal postings (USAJOBS) by open date, titles tagged by the skill seed list (one position per title)'
        AS description
FROM long
