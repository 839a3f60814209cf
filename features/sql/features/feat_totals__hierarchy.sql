-- grain: one row per series (unique_id) and period (ds): the series a hierarchy needs that no source table has
-- from: features.int_hierarchy__links, features.feat_demand_zh__monthly, features.feat_employment_oews__annual
-- why: issue 4: OEWS occupation-family totals (the sum of their tracked occupations, only in years where every
--      one of them has a value, so the sum is exact) and the 谁在招人 rest series CN-other (national minus the
--      listed provinces: postings of smaller or unknown provinces), so each parent is the sum of its children
WITH links AS (
    SELECT * FROM features.int_hierarchy__links
),
n_children AS (
    SELECT parent, count(*) AS n FROM links GROUP BY parent
),
oews_totals AS (
    SELECT l.parent AS unique_id, f.ds, sum(f.y) AS y, any_value(n.n) AS n_occ
    FROM links AS l
    JOIN n_children AS n USING (parent)
    JOIN features.feat_employment_oews__annual AS f ON f.unique_id = l.child
    WHERE l.parent LIKE 'employment/US/oews/%' AND f.y IS NOT NULL
    GROUP BY l.parent, f.ds
    HAVING count(*) = any_value(n.n)
),
zh_rest AS (
    SELECT nat.ds, any_value(nat.y) - sum(p.y) AS y
    FROM features.feat_demand_zh__monthly AS nat
    JOIN links AS l ON l.parent = nat.unique_id AND l.child <> 'demand/CN-other/zh_postings/all'
    JOIN features.feat_demand_zh__monthly AS p ON p.unique_id = l.child AND p.ds = nat.ds
    WHERE nat.unique_id = 'demand/CN/zh_postings/all' AND nat.y IS NOT NULL AND p.y IS NOT NULL
    GROUP BY nat.ds
    HAVING count(*) = (SELECT n - 1 FROM n_children WHERE parent = 'demand/CN/zh_postings/all')
)
SELECT
    unique_id, ds, y::DOUBLE AS y,
    'YS' AS freq, 'oews' AS source, 'employment' AS measure, 'US' AS region,
    'US employment: ' || replace(unique_id, 'employment/US/oews/', '') || ' occupations (sum of '
        || n_occ || ' tracked)' AS label,
    'jobs (May estimate)' AS unit,
    false AS is_ai_mfg,
    'Sum of the BLS OEWS employment of the tracked occupations of this family (seeds/occupations_of_interest.csv), '
        || 'in years where all of them have an estimate' AS description
FROM oews_totals
UNION ALL
SELECT
    'demand/CN-other/zh_postings/all', ds, y::DOUBLE,
    'MS', 'zh_postings', 'demand', 'CN-other',
    '谁在招人 postings (other and unknown provinces): all',
    'postings per month (one thread sample)',
    false,
    'National 谁在招人 postings minus those of the provinces forecast on their own (features.int_hierarchy__links)'
FROM zh_rest
