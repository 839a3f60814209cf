-- grain: one row per posting text (comment_id)
-- from: staging.stg_zh_postings__comments, features.int_postings__positions, features.int_postings__skill_matches
-- why: the AI / manufacturing / both tags that feed the demand series (definition: data/eval/LABELLING.md).
--      ai / mfg: a required (not optional) AI / manufacturing term anywhere in the text. ai_mfg ("both"): one
--      position needs AI and is in or for manufacturing, i.e. the AI term and the manufacturing term are in the
--      same position, or the manufacturing term is in the text before the first position (the employer).
WITH req AS (
    SELECT * FROM features.int_postings__skill_matches WHERE is_required
),
per_position AS (
    SELECT
        p.comment_id, p.position_no,
        bool_or(r.kind = 'ai') AS has_ai,
        bool_or(r.kind = 'mfg') AS has_mfg
    FROM features.int_postings__positions AS p
    LEFT JOIN req AS r USING (comment_id, position_no)
    GROUP BY ALL
),
per_comment AS (
    SELECT
        comment_id,
        count(*) FILTER (WHERE position_no > 0) AS n_positions,
        bool_or(coalesce(has_ai, false)) AS ai,
        bool_or(coalesce(has_mfg, false)) AS mfg,
        bool_or(coalesce(has_mfg, false)) FILTER (WHERE position_no = 0) AS employer_mfg,
        bool_or(coalesce(has_ai AND has_mfg, false)) AS same_position_both,
        bool_or(coalesce(has_ai, false)) FILTER (WHERE position_no > 0) AS position_ai
    FROM per_position
    GROUP BY comment_id
),
skills AS (
    SELECT
        comment_id,
        list(DISTINCT skill ORDER BY skill) FILTER (WHERE kind = 'ai') AS ai_skills,
        list(DISTINCT skill ORDER BY skill) FILTER (WHERE kind = 'mfg') AS mfg_skills,
        list(DISTINCT cluster ORDER BY cluster) AS clusters,
        list(term || ': ' || evidence ORDER BY position_no, position) AS evidence
    FROM req
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
    greatest(pc.n_positions, 1) AS n_positions,
    coalesce(pc.ai, false) AS ai,
    coalesce(pc.mfg, false) AS mfg,
    coalesce(pc.same_position_both OR (pc.position_ai AND pc.employer_mfg), false) AS ai_mfg,
    coalesce(s.ai_skills, []) AS ai_skills,
    coalesce(s.mfg_skills, []) AS mfg_skills,
    coalesce(s.clusters, []) AS clusters,
    coalesce(s.evidence, []) AS evidence,
    c.batch_id
FROM staging.stg_zh_postings__comments AS c
LEFT JOIN per_comment AS pc USING (comment_id)
LEFT JOIN skills AS s USING (comment_id)
