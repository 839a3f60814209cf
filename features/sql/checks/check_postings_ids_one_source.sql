-- grain: offending comment ids (found in two postings sources); passes when empty
-- from: staging.stg_zh_postings__comments, staging.stg_hn__postings, staging.stg_file_feed__postings
-- why: GitHub comment ids and HN item ids are integers from separate counters, file feed ids negative hashes of
--      (feed, posting id), and comment_id is the key of every int_postings__* model: an id in two sources would
--      merge two postings (the build stops earlier, at the grain of staging.stg_postings__comments; this check
--      names the sources)
SELECT comment_id, list(source ORDER BY source) AS sources
FROM (SELECT comment_id, 'zh_postings' AS source FROM staging.stg_zh_postings__comments
      UNION ALL
      SELECT comment_id, 'hn' FROM staging.stg_hn__postings
      UNION ALL
      SELECT comment_id, feed FROM staging.stg_file_feed__postings)
GROUP BY comment_id
HAVING count(*) > 1
