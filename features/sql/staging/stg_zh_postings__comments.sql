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
        WHEN text LIKE '%上一期《谁在招人？》的招聘汇总%' OR text LIKE '%招聘汇总%有意的朋友%' THEN 'moderator recap'
        WHEN length(text) < 60 THEN 'too short to be a posting'
        WHEN regexp_matches(text, '^\s*(请问|求职|求内推|想问|有没有)') THEN 'question or job seeker'
    END AS not_posting_reason,
    not_posting_reason IS NULL AS is_posting
FROM cleaned
