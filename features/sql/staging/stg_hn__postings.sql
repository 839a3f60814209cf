-- grain: one row per comment (comment_id): a top-level comment of an HN "Ask HN: Who is hiring?" thread
-- from: raw.hn__postings (live mode only, latest batch per comment; empty, with its declared columns, until a live
--       HN batch lands: OPTIONAL_RAW in features/build.py)
-- why: HN postings join the 谁在招人 ones in the postings chain (staging.stg_postings__comments). The HTML the API
--      returns becomes plain text (html_to_text, features/html_text.py) before contact details are redacted; the
--      poster's HN login is pseudonymised; month is the thread's, from its title ("Ask HN: Who is hiring? (May
--      2024)": a late comment still belongs to its thread's month), else the month of the thread's first comment;
--      the not-a-posting rules are the 谁在招人 model's (not_posting_reason). Comments of another whoishiring
--      thread ("Who wants to be hired?", "Freelancer? Seeking freelancer?") are not postings, and their months are
--      no months the HN postings series covers (is_hiring_thread).
WITH latest AS (
    SELECT *
    FROM raw.hn__postings
    QUALIFY row_number() OVER (PARTITION BY comment_id ORDER BY _fetched_at DESC, _batch_id DESC) = 1
),
cleaned AS (
    SELECT
        comment_id,
        thread_id AS issue_number,
        thread_title,
        coalesce(
            try_strptime(regexp_extract(thread_title, '\(\s*([A-Za-z]+\.? +[0-9]{4})\s*\)', 1), ['%B %Y', '%b %Y']),
            date_trunc('month', min(created_at) OVER (PARTITION BY thread_id)))::DATE AS month,
        1::BIGINT AS months_covered,
        pseudonymise(author) AS author_key,
        redact_contacts(html_to_text(text)) AS text,
        created_at,
        false AS is_minimized,
        _batch_id AS batch_id,
        thread_title IS NULL OR regexp_matches(thread_title, 'who\s+is\s+hiring', 'i') AS is_hiring_thread
    FROM latest
)
SELECT
    *,
    CASE WHEN NOT is_hiring_thread THEN 'not a Who is hiring? thread'
         ELSE not_posting_reason(text, is_minimized) END AS not_posting_reason,
    not_posting_reason IS NULL AS is_posting
FROM cleaned
