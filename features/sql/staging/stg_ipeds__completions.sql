-- grain: one row per survey year, 6-digit CIP and award level (national totals, first majors)
-- from: raw.ipeds__completions, latest batch per key
-- why: graduate supply; survey_year 2024 is academic year 2023-24
SELECT
    survey_year,
    academic_year,
    cipcode,
    awlevel,
    awlevel_label,
    institutions,
    completions,
    _batch_id AS batch_id
FROM raw.ipeds__completions
QUALIFY row_number() OVER (PARTITION BY survey_year, cipcode, awlevel ORDER BY _fetched_at DESC, _batch_id DESC) = 1
