-- grain: one row per posting text (comment_id)
-- from: staging.stg_zh_postings__comments left join features.int_postings__skill_matches
-- why: the AI / manufacturing / both tags that feed the demand series; "both" means the same
--      posting text needs an AI skill and is in or for manufacturing (multi-position split: issue 3)
WITH per_comment AS (
    SELECT
        comment_id,
        list(DISTINCT skill ORDER BY skill) FILTER (WHERE kind = 'ai') AS ai_skills,
        list(DISTINCT skill ORDER BY skill) FILTER (WHERE kind = 'mfg') AS mfg_skills,
        list(DISTINCT cluster ORDER BY cluster) AS clusters,
        list(term || ': ' || evidence ORDER BY position) AS evidence
    FROM features.int_postings__skill_matches
    GROUP BY comment_id
)
SELECT
    c.comment_id,
    c.issue_number,
    c.month,
    c.months_covered,
    c.author_key,
    c.is_posting,
    c.not_posting_reason,
    coalesce(len(p.ai_skills), 0) > 0 AS ai,
    coalesce(len(p.mfg_skills), 0) > 0 AS mfg,
    coalesce(len(p.ai_skills), 0) > 0 AND coalesce(len(p.mfg_skills), 0) > 0 AS ai_mfg,
    coalesce(p.ai_skills, []) AS ai_skills,
    coalesce(p.mfg_skills, []) AS mfg_skills,
    coalesce(p.clusters, []) AS clusters,
    coalesce(p.evidence, []) AS evidence,
    c.batch_id
FROM staging.stg_zh_postings__comments AS c
LEFT JOIN per_comment AS p USING (comment_id)
