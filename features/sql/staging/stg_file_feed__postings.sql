-- grain: one row per feed posting (comment_id: a stable id of (feed, posting_id))
-- from: raw.file_feed__postings (every file feed of TALENTCAST_FEED_DIRS, ingest/file_feed.py; latest batch per
--       feed and posting id; empty, with its declared columns, when no feed is configured: OPTIONAL_RAW)
-- why: a purchased or in-house postings feed joins the postings chain (staging.stg_postings__comments) as the 谁在招人
--      and HN postings do, its source the feed's name. comment_id is negative: -1 - (the first 63 bits of
--      md5(feed, posting_id)), disjoint from GitHub and HN ids (positive); a collision stops the build at this
--      model's grain. text is the title as the first line, then the description (HTML made plain when it has
--      tags), contact details redacted: a bare title is a posting, and the position split and occupation coding
--      read the first line as the title. month = the month of posted_date; issue_number groups a feed's postings
--      by month (yyyymm), the "thread" int_postings__counted counts a month by; author_key = the pseudonymised
--      employer (the same-poster repost threshold). A posting id repeated in one batch keeps its latest posted_date.
WITH latest AS (
    SELECT *
    FROM raw.file_feed__postings
    WHERE posting_id IS NOT NULL AND posted_date IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY feed, trim(posting_id)
                               ORDER BY _fetched_at DESC, _batch_id DESC, posted_date DESC, title, text) = 1
),
cleaned AS (
    SELECT
        -1 - (('0x' || left(md5(feed || chr(31) || trim(posting_id)), 16))::UBIGINT >> 1)::BIGINT AS comment_id,
        feed,
        trim(posting_id) AS posting_id,
        (year(posted_date) * 100 + month(posted_date))::BIGINT AS issue_number,
        date_trunc('month', posted_date)::DATE AS month,
        1::BIGINT AS months_covered,
        pseudonymise(nullif(trim(employer), '')) AS author_key,
        redact_contacts(concat_ws(chr(10) || chr(10),
            regexp_replace(trim(title), '\s*[\r\n]+\s*', ' ', 'g'),
            nullif(trim(CASE WHEN regexp_matches(text, '<(p|br|div|li|ul|ol|a|b|i|strong|em|span|h[1-6])\b[^>]*>', 'i')
                             THEN html_to_text(text) ELSE text END), ''))) AS text,
        posted_date::TIMESTAMP AS created_at,
        false AS is_minimized,
        _batch_id AS batch_id,
        nullif(trim(region), '') AS region,
        nullif(trim(lang), '') AS lang
    FROM latest
)
SELECT
    *,
    not_posting_reason(text, is_minimized) AS not_posting_reason,
    not_posting_reason IS NULL AS is_posting
FROM cleaned
