-- grain: offending comment ids (found in two thread sources); passes when empty
-- from: staging.stg_zh_postings__comments, staging.stg_hn__postings
-- why: GitHub comment ids and HN item ids are integers from separate counters, and comment_id is the key of every
--      int_postings__* model: an id in both sources would merge two postings (the build stops earlier, at the grain
--      of staging.stg_postings__comments; this check names the sources)
SELECT comment_id, list(source ORDER BY source) AS sources
FROM (SELECT comment_id, 'zh_postings' AS source FROM staging.stg_zh_postings__comments
      UNION ALL
      SELECT comment_id, 'hn' FROM staging.stg_hn__postings)
GROUP BY comment_id
HAVING count(*) > 1
