-- grain: one row per country, sector and day
-- from: raw.indeed__sector_postings (total postings only), latest batch per key
-- why: the index is % of the 1 Feb 2020 level, seasonally adjusted, 7-day trailing mean
SELECT
    jobcountry,
    display_name AS sector,
    date,
    indeed_job_postings_index AS postings_index,
    _batch_id AS batch_id
FROM raw.indeed__sector_postings
WHERE variable = 'total postings'
QUALIFY row_number() OVER (PARTITION BY jobcountry, display_name, date ORDER BY _fetched_at DESC, _batch_id DESC) = 1
