-- grain: one row per month and term
-- from: raw.hn__monthly_terms, latest batch per key
-- why: HN "Who is hiring?" comments mentioning a term per month, with the month's comment total
SELECT
    month,
    term,
    count AS postings_mentioning,
    num_comments AS postings_total,
    percentage,
    _batch_id AS batch_id
FROM raw.hn__monthly_terms
QUALIFY row_number() OVER (PARTITION BY month, term ORDER BY _fetched_at DESC, _batch_id DESC) = 1
