-- grain: one row per postings source, level ('skill' or 'cluster') and name, in the source's latest month
-- from: marts.skill_trends
-- why: the report's "rising and falling skills" table: the latest month's 12-month share and its growth over
--      3 and 12 months, rising first, then falling, then by 12-month share (谁在招人 first, then HN live postings)
SELECT source, level, name, cluster, kind, ds, postings, share_12m, growth_3m, growth_12m, is_rising, is_falling
FROM marts.skill_trends
WHERE ds = (SELECT max(ds) FROM marts.skill_trends AS l WHERE l.source = skill_trends.source)
  AND (share_12m > 0 OR is_falling)
ORDER BY source = 'zh_postings' DESC, source, is_rising DESC, is_falling DESC, share_12m DESC NULLS LAST, level, name
