-- grain: one row per comment (comment_id), i.e. one posting text
-- from: raw.zh_postings__comments (latest batch per comment) joined to its thread
-- why: contact details are removed and posters pseudonymised here, before text leaves the raw layer;
--      comments that are not postings (moderator recaps, questions, minimised, too short) are flagged
--      (the macro not_posting_reason, features/sql/macros.sql, shared with staging.stg_hn__postings)
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
    not_posting_reason(text, is_minimized) AS not_posting_reason,
    not_posting_reason IS NULL AS is_posting
FROM cleaned
