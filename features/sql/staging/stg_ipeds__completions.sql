-- grain: one row per survey year, 6-digit CIP 2020 code and award level (national totals, first majors)
-- from: raw.ipeds__completions, latest batch per key; ref.cip2010_2020 (the official CIP 2010 -> 2020 crosswalk)
-- why: graduate supply; survey_year 2024 is academic year 2023-24. IPEDS collected completions under CIP 2010
--      up to survey year 2019 (academic year 2018-19): their moved codes are recoded to CIP 2020 so a program's
--      series does not break at the recode (cipcode_reported keeps what IPEDS published; codes CIP 2020 deleted
--      stay as reported, cip_vintage 2010). The crosswalk is one-to-one, the sum only guards the grain.
WITH latest AS (
    SELECT *
    FROM raw.ipeds__completions
    QUALIFY row_number() OVER (PARTITION BY survey_year, cipcode, awlevel ORDER BY _fetched_at DESC, _batch_id DESC) = 1
),
recoded AS (
    SELECT
        l.*,
        CASE WHEN l.survey_year < 2020 THEN 2010 ELSE 2020 END AS cip_vintage,
        CASE WHEN l.survey_year < 2020 AND x.action = 'Moved to' THEN x.cip_2020 ELSE l.cipcode END AS cipcode_2020
    FROM latest AS l
    LEFT JOIN ref.cip2010_2020 AS x ON x.cip_2010 = l.cipcode
)
SELECT
    survey_year,
    any_value(academic_year) AS academic_year,
    cipcode_2020 AS cipcode,
    awlevel,
    any_value(awlevel_label) AS awlevel_label,
    sum(institutions) AS institutions,
    sum(completions) AS completions,
    string_agg(DISTINCT cipcode, '|' ORDER BY cipcode) AS cipcode_reported,
    any_value(cip_vintage) AS cip_vintage,
    any_value(_batch_id) AS batch_id
FROM recoded
GROUP BY survey_year, cipcode_2020, awlevel
