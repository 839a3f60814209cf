-- grain: one row per thread (issue_number)
-- from: raw.zh_postings__threads, latest batch per thread
-- why: the months each monthly thread covers, read from its title ("2020年9月-10月" covers two)
SELECT
    issue_number,
    title,
    strptime(first_month, '%Y-%m')::DATE AS first_month,
    strptime(last_month, '%Y-%m')::DATE AS last_month,
    date_diff('month', strptime(first_month, '%Y-%m'), strptime(last_month, '%Y-%m')) + 1 AS months_covered,
    _batch_id AS batch_id
FROM raw.zh_postings__threads
WHERE first_month IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY issue_number ORDER BY _fetched_at DESC, _batch_id DESC) = 1
