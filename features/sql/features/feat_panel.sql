-- grain: one row per series (unique_id) and period (ds): the forecasting panel (unique_id, ds, y)
-- from: every features.feat_* table, with features.series for the frequency
-- why: forecasting needs regular series: only the tail after a series' last missing period is kept
WITH all_rows AS (
    SELECT unique_id, ds, y FROM features.feat_demand_zh__monthly
    UNION ALL SELECT unique_id, ds, y FROM features.feat_demand_indeed__monthly
    UNION ALL SELECT unique_id, ds, y FROM features.feat_demand_hn__monthly
    UNION ALL SELECT unique_id, ds, y FROM features.feat_demand_hn_postings__monthly
    UNION ALL SELECT unique_id, ds, y FROM features.feat_demand_file_feed__monthly
    UNION ALL SELECT unique_id, ds, y FROM features.feat_demand_usajobs__monthly
    UNION ALL SELECT unique_id, ds, y FROM features.feat_employment_oews__annual
    UNION ALL SELECT unique_id, ds, y FROM features.feat_supply_ipeds__annual
    UNION ALL SELECT unique_id, ds, y FROM features.feat_supply_ncses__annual
    UNION ALL SELECT unique_id, ds, y FROM features.feat_supply_nces_digest__annual
    UNION ALL SELECT unique_id, ds, y FROM features.feat_supply_graduates_file__annual
    UNION ALL SELECT unique_id, ds, y FROM features.feat_totals__hierarchy
),
stepped AS (
    SELECT
        r.unique_id, r.ds, r.y,
        lag(r.ds) OVER (PARTITION BY r.unique_id ORDER BY r.ds) AS prev_ds,
        CASE s.freq WHEN 'MS' THEN INTERVAL 1 MONTH ELSE INTERVAL 1 YEAR END AS step
    FROM all_rows AS r
    JOIN features.series AS s USING (unique_id)
    WHERE r.y IS NOT NULL
),
tail_start AS (
    SELECT unique_id, coalesce(max(ds) FILTER (WHERE prev_ds + step <> ds), min(ds)) AS first_ds
    FROM stepped
    GROUP BY unique_id
)
SELECT s.unique_id, s.ds, s.y
FROM stepped AS s
JOIN tail_start AS t USING (unique_id)
WHERE s.ds >= t.first_ds
