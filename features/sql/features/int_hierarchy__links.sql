-- grain: one row per child series (child): its parent and the names of both levels, before the sums are checked
-- from: features.feat_demand_zh__monthly, features.feat_employment_oews__annual, ref.occupations_of_interest
-- why: issue 4 wants totals that add up. The 谁在招人 national count is its provinces plus a rest series
--      ('CN-other': other and unknown provinces, features.feat_totals__hierarchy); its national AI count is the
--      sum of its primary-AI-skill-cluster series; each OEWS occupation family (ai, mfg, mapped in
--      seeds/occupations_of_interest.csv) is the sum of its tracked occupations
WITH provinces AS (
    SELECT DISTINCT unique_id
    FROM features.feat_demand_zh__monthly
    WHERE region LIKE 'CN-%' AND unique_id LIKE 'demand/CN-%/zh_postings/all'
),
zh_links AS (
    SELECT 'demand/CN/zh_postings/all' AS parent, unique_id AS child FROM provinces
    UNION ALL
    SELECT 'demand/CN/zh_postings/all', 'demand/CN-other/zh_postings/all' WHERE EXISTS (SELECT 1 FROM provinces)
),
cluster_links AS (
    SELECT DISTINCT 'demand/CN/zh_postings/ai' AS parent, unique_id AS child
    FROM features.feat_demand_zh__monthly
    WHERE unique_id LIKE 'demand/CN/zh_postings/ai/%'
),
oews_links AS (
    SELECT DISTINCT 'employment/US/oews/' || o.family AS parent, f.unique_id AS child
    FROM features.feat_employment_oews__annual AS f
    JOIN ref.occupations_of_interest AS o ON f.unique_id = 'employment/US/oews/' || o.soc_code
)
SELECT parent AS hierarchy, parent, child, 'country' AS parent_level, 'province' AS child_level, 1 AS child_depth
FROM zh_links
UNION ALL
SELECT parent, parent, child, 'all_ai', 'skill_cluster', 1
FROM cluster_links
UNION ALL
SELECT parent, parent, child, 'occupation_family', 'occupation', 1
FROM oews_links
