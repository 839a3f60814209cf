-- grain: one row per posting text (comment_id)
-- from: staging.stg_postings__comments, features.int_postings__positions, features.int_postings__skill_matches
-- why: the AI / manufacturing / both tags that feed the demand series (definition: data/eval/LABELLING.md).
--      ai: a required (not optional) AI term in a position (position_no >= 0), unless the position's title names
--      a role that is not an AI role (前端, backend, QA ...: LABELLING rule 2, "a front-end for an AI product is
--      not"); AI terms in the employer's sections (-1: "公司介绍", "About us") say what the company does, not
--      what a position needs. mfg: a required manufacturing term in a position or the employer's sections (an
--      employer that makes things counts for each of its positions, rule 5), except in a user-facing software
--      position (web/app front end, design, operations, sales), where only the employer's sections count;
--      benefits sections (-2) never tag.
--      ai_mfg ("both"): one position needs AI and is in or for manufacturing, i.e. the AI term and the
--      manufacturing term are in the same position, or the manufacturing term describes the employer (the text
--      before the first position, or an employer section).
--      A text that is not a posting (a job seeker's "SEEKING WORK ... computer vision for robotics", a question, a
--      recap, a quoting reply) offers no position: ai, mfg and ai_mfg are false (LABELLING.md rule 1); its skills
--      and evidence are still listed, so a reader sees what it names. "Too short to be a posting" is the weak one of
--      those reasons (a short text without a title word: "视觉算法" given alone): its tags stand, and it is
--      still not counted (int_postings__counted reads is_posting).
WITH req AS (
    SELECT * FROM features.int_postings__skill_matches WHERE is_required AND position_no >= -1
),
per_position AS (
    SELECT
        p.comment_id, p.position_no,
        bool_or(r.kind = 'ai') AND NOT p.non_ai_title AS has_ai,
        bool_or(r.kind = 'mfg') AND NOT p.app_title AS has_mfg
    FROM (
        SELECT
            comment_id, position_no,
            -- the title names a non-AI role and no AI role ("前端开发工程师-AIGC中台", "Backend Engineer")
            -- (user-facing, test, operations, design and language-titled roles; full-stack and backend titles are
            -- not in the list: they build LLM/agent features often enough to read their text)
            regexp_matches(lower(title), '前端|客户端|测试|运维|ios|安卓|android|java|php|\.net|frontend|front-end|'
                           || 'devops|\bsre\b|\bqa\b|区块链|blockchain|游戏|设计师|美术|\bui\b|\bux\b|运营|销售')
                AND NOT regexp_matches(lower(title), '算法|机器学习|深度学习|人工智能|(计算机|机器)视觉|感知|nlp|自然语言|语音|'
                                       || '推荐|大模型|llm|mlops|数据科学|data scien|machine learning|\bml\b|\bai\b|\bcv\b|'
                                       || '智能驾驶|自动驾驶')
                AS non_ai_title,
            -- a user-facing software role (web, app, mini-program front ends; design, operations, sales): its product
            -- words ("负责自动驾驶部门的前端工具", "移动端机器视觉产品") say what the software is about, not that the work
            -- is manufacturing; it is in or for manufacturing only when the employer is a maker (employer_mfg)
            position_no > 0 AND regexp_matches(lower(title), '前端|客户端|ios|安卓|android|小程序|\bh5\b|\bweb\b|frontend|'
                                               || 'front-end|设计师|美术|\bui\b|\bux\b|运营|销售')
                AND NOT regexp_matches(lower(title), '嵌入式|固件|硬件|驱动|bsp|embedded|firmware|hardware|driver')
                AS app_title
        FROM features.int_postings__positions
    ) AS p
    LEFT JOIN req AS r USING (comment_id, position_no)
    GROUP BY p.comment_id, p.position_no, p.non_ai_title, p.app_title
),
per_comment AS (
    SELECT
        comment_id,
        count(*) FILTER (WHERE position_no > 0) AS n_positions,
        bool_or(coalesce(has_ai, false)) FILTER (WHERE position_no >= 0) AS ai,
        bool_or(coalesce(has_mfg, false)) FILTER (WHERE position_no >= -1) AS mfg,
        bool_or(coalesce(has_mfg, false)) FILTER (WHERE position_no IN (0, -1)) AS employer_mfg,
        bool_or(coalesce(has_ai AND has_mfg, false)) FILTER (WHERE position_no >= 0) AS same_position_both
    FROM per_position
    GROUP BY comment_id
),
skills AS (
    SELECT
        comment_id,
        list(DISTINCT skill ORDER BY skill) FILTER (WHERE kind = 'ai' AND position_no >= 0) AS ai_skills,
        list(DISTINCT skill ORDER BY skill) FILTER (WHERE kind = 'mfg') AS mfg_skills,
        list(DISTINCT cluster ORDER BY cluster) AS clusters,
        -- the AI clusters of the positions (not of the employer's sections): what an AI posting asks for
        list(DISTINCT cluster ORDER BY cluster) FILTER (WHERE kind = 'ai' AND position_no >= 0) AS ai_clusters,
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
    c.offers_position AND coalesce(pc.ai, false) AS ai,
    c.offers_position AND coalesce(pc.mfg, false) AS mfg,
    c.offers_position AND coalesce(pc.same_position_both OR (pc.ai AND pc.employer_mfg), false) AS ai_mfg,
    coalesce(s.ai_skills, []) AS ai_skills,
    coalesce(s.mfg_skills, []) AS mfg_skills,
    coalesce(s.clusters, []) AS clusters,
    coalesce(s.ai_clusters, []) AS ai_clusters,
    coalesce(s.evidence, []) AS evidence,
    c.batch_id,
    c.source
FROM (SELECT *, is_posting OR not_posting_reason = 'too short to be a posting' AS offers_position
      FROM staging.stg_postings__comments) AS c
LEFT JOIN per_comment AS pc USING (comment_id)
LEFT JOIN skills AS s USING (comment_id)
