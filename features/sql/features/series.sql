-- grain: one row per series (unique_id)
-- from: every features.feat_* table
-- why: the catalogue of forecast series. unique_id = measure/region/source/slice, coarse to fine:
--      measure in (demand, employment, supply); region an ISO country code or GLOBAL
WITH all_series AS (
    SELECT * FROM features.feat_demand_zh__monthly
    UNION ALL BY NAME SELECT * FROM features.feat_demand_indeed__monthly
    UNION ALL BY NAME SELECT * FROM features.feat_demand_hn__monthly
    UNION ALL BY NAME SELECT * FROM features.feat_demand_hn_postings__monthly
    UNION ALL BY NAME SELECT * FROM features.feat_demand_file_feed__monthly
    UNION ALL BY NAME SELECT * FROM features.feat_demand_usajobs__monthly
    UNION ALL BY NAME SELECT * FROM features.feat_employment_oews__annual
    UNION ALL BY NAME SELECT * FROM features.feat_supply_ipeds__annual
    UNION ALL BY NAME SELECT * FROM features.feat_supply_ncses__annual
    UNION ALL BY NAME SELECT * FROM features.feat_supply_nces_digest__annual
    UNION ALL BY NAME SELECT * FROM features.feat_supply_graduates_file__annual
    UNION ALL BY NAME SELECT * FROM features.feat_totals__hierarchy
)
SELECT
    unique_id,
    any_value(freq) AS freq,
    any_value(source) AS source,
    any_value(measure) AS measure,
    any_value(region) AS region,
    any_value(label) AS label,
    any_value(unit) AS unit,
    bool_or(is_ai_mfg) AS is_ai_mfg,
    any_value(description) AS description,
    -- counts and small-count series are forecast non-negative
    any_value(measure) IN ('demand', 'employment', 'supply') AND any_value(unit) NOT LIKE 'index%' AS nonnegative
FROM all_series
GROUP BY unique_id
