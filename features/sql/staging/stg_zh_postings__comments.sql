-- grain: one row per comment (comment_id), i.e. one posting text
-- from: raw.zh_postings__comments (latest batch per comment) joined to its thread
-- why: contact details are removed and posters pseudonymised here, before text leaves the raw layer;
--      comments that are not postings (moderator recaps, questions, minimised, too short) are flagged
WITH latest AS (
    SELECT *
    FROM raw.zh_postings__comments
    QUALIFY row_number() OVER (PARTITION BY comment_id ORDER BY _fetched_at DESC, _batch_id DESC) = 1
),
cleaned AS (
    SELECT
        c.comment_id,
        c.issue_number,
        t.first_month AS month,
        t.months_covered,
        pseudonymise(c.author) AS author_key,
        redact_contacts(c.body) AS text,
        c.created_at,
        c.is_minimized,
        c._batch_id AS batch_id
    FROM latest AS c
    JOIN staging.stg_zh_postings__threads AS t USING (issue_number)
)
SELECT
    *,
    CASE
        WHEN is_minimized THEN 'minimised by the moderator'
        WHEN text LIKE '%上一期《谁在招人？》的招聘汇总%' OR text LIKE '%招聘汇总%有意的朋友%'
          OR text LIKE '%上个月的招聘信息汇总%' OR text LIKE '%上个月的招聘汇总%' THEN 'moderator recap'
        WHEN regexp_matches(text, '^\s*本月招聘帖(已)?关闭') THEN 'moderator notice'
        -- a bare job title ("Data Scientist", "机器视觉算法工程师") is a posting however short (issue 3: tag a title)
        WHEN length(text) < 60 AND NOT regexp_matches(lower(text),
            '工程师|开发|专家|经理|实习|研究员|架构师|设计师|技术员|招聘|engineer|developer|scientist|specialist|analyst|manager|technician|officer|director|assistant|intern|machinist|welder|mechanic|statistician|lead\b')
            -- short Chinese chatter ("已投递", "+1") is not; a short English line is read as a title
            AND (regexp_matches(text, '[\x{4e00}-\x{9fff}]') OR length(trim(text)) < 8)
            THEN 'too short to be a posting'
        WHEN regexp_matches(text, '^[\s#>*]*(请问|个人求职|求职|求内推|想问|有没有)') THEN 'question or job seeker'
    END AS not_posting_reason,
    not_posting_reason IS NULL AS is_posting
FROM cleaned
