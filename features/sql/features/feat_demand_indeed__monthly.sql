-- grain: one row per series (unique_id) and month (ds)
-- from: staging.stg_indeed__sector_postings joined to ref.indeed_sectors
-- why: monthly mean of the daily postings index for sectors that hire AI or manufacturing talent;
--      a month counts only when at least 28 daily values exist (the partial last month is left out)
WITH monthly AS (
    SELECT
        s.jobcountry,
        s.sector,
        r.family,
        date_trunc('month', s.date)::DATE AS ds,
        avg(s.postings_index) AS y,
        count(*) AS days
    FROM staging.stg_indeed__sector_postings AS s
    JOIN ref.indeed_sectors AS r ON r.sector = s.sector
    GROUP BY s.jobcountry, s.sector, r.family, date_trunc('month', s.date)
)
SELECT
    'demand/' || jobcountry || '/indeed/' || lower(regexp_replace(sector, '[^A-Za-z]+', '_', 'g')) AS unique_id,
    ds,
    y,
    'MS' AS freq,
    'indeed' AS source,
    'demand' AS measure,
    jobcountry AS region,
    'Indeed postings index: ' || sector || ' (' || jobcountry || ')' AS label,
    'index, 1 Feb 2020 = 100 (seasonally adjusted)' AS unit,
    false AS is_ai_mfg,
    'Monthly mean of the daily Indeed Hiring Lab sector index; sector family: ' || family AS description
FROM monthly
WHERE days >= 28
