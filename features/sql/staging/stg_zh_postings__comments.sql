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
        -- (a leading bracket too: "## [个人求职-架构师]", "【求职】")
        -- and an HN thread's own text ("Ask HN: Who is hiring?") asks for postings: it is none
        WHEN regexp_matches(text, '^[\s#>*\[【(（]*(请问|个人求职|求职|求内推|想问|有没有)')
          OR regexp_matches(text, '^[\s#>*]*ask hn\s*:', 'i') THEN 'question or job seeker'
        -- "# 26届找实习", "SEEKING WORK", HN's "Who wants to be hired?" template (Location / Willing to relocate /
        -- Résumé) are job seekers
        WHEN regexp_matches(text, '^[\s#>*]*([0-9]{2,4}\s*届\s*)?(找实习|找工作|求实习)')
          OR regexp_matches(text, '^[\s#>*]*(seeking work|looking for work|seeking (a )?(job|role|position))', 'i')
          OR (regexp_matches(text, 'willing to relocate\s*:', 'i') AND regexp_matches(text, '(r[ée]sum[ée]|\bcv)\s*[:/]', 'i'))
            THEN 'job seeker'
        -- a reply that quotes another comment ("> 拼多多内推链接 ..." then "收到，感谢推荐", "实习吗"): what is not quoted is a
        -- short thank-you or question naming no role (a posting written wholly as a quote, or re-quoting the
        -- poster's own earlier post, has nothing or a role outside the quote)
        WHEN regexp_matches(text, '^\s*>')
         AND length(trim(regexp_replace(text, '(?m)^\s*>.*$', '', 'g'))) BETWEEN 1 AND 120
         AND regexp_matches(regexp_replace(text, '(?m)^\s*>.*$', '', 'g'),
                            '感谢|谢谢|多谢|收到|已投|投了|请问|求问|同问|吗|呢|thanks|thank you|[?？]', 'i')
         AND NOT regexp_matches(regexp_replace(text, '(?m)^\s*>.*$', '', 'g'),
                                '工程师|招聘|岗位职责|职位描述|engineer|developer|hiring|scientist', 'i')
            THEN 'reply quoting another comment'
    END AS not_posting_reason,
    not_posting_reason IS NULL AS is_posting
FROM cleaned
