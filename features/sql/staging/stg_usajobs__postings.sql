-- grain: one row per USAJOBS posting (control_number)
-- from: raw.usajobs__postings (latest batch per control number)
-- why: a posting is fetched again in later live pulls (and may be edited): the latest copy is the posting;
--      titles are width-normalised once here for the title tagging and occupation coding downstream
SELECT
    control_number,
    trim(normalize_text(position_title)) AS title,
    department,
    agency,
    occupation_series,
    occupation_series_all,
    open_date::DATE AS open_date,
    close_date::DATE AS close_date,
    date_trunc('month', open_date::DATE)::DATE AS month,
    usajobs_url,
    _batch_id AS batch_id
FROM raw.usajobs__postings
QUALIFY row_number() OVER (PARTITION BY control_number ORDER BY _fetched_at DESC, _batch_id DESC) = 1
