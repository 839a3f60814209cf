-- grain: one row per program code (CIP 2010 codes recoded to CIP 2020), code system, region and year
-- from: raw.graduates_file__graduates, latest batch per key; ref.cip2010_2020 (official CIP 2010 -> 2020 crosswalk)
-- why: graduates by program x region x year from dropped files (MoE or provincial statistics, Eurostat
--      extracts, a university's own counts). Rows a file codes in CIP 2010 (system 'CIP2010') land on their
--      CIP 2020 code and system 'CIP2020' so they join the program catalogue (program_code_reported and
--      system_reported keep what the file said; a code CIP 2020 deleted stays as reported, system 'CIP2010')
WITH latest AS (
    SELECT *
    FROM raw.graduates_file__graduates
    QUALIFY row_number() OVER (PARTITION BY program_code, system, region, year
                               ORDER BY _fetched_at DESC, _batch_id DESC) = 1
),
recoded AS (
    SELECT
        l.*,
        CASE WHEN l.system = 'CIP2010' AND x.action = 'Moved to' THEN x.cip_2020
             ELSE l.program_code END AS code_2020,
        CASE WHEN l.system = 'CIP2010' AND (x.action IS NULL OR x.action = 'Moved to') THEN 'CIP2020'
             ELSE l.system END AS system_2020
    FROM latest AS l
    LEFT JOIN ref.cip2010_2020 AS x ON l.system = 'CIP2010' AND x.cip_2010 = l.program_code
)
SELECT
    code_2020 AS program_code,
    system_2020 AS system,
    region,
    year::INTEGER AS year,
    graduates,
    source,
    program_code AS program_code_reported,
    system AS system_reported,
    file,
    _batch_id AS batch_id
FROM recoded
-- a file in CIP 2020 and another in CIP 2010 for the same program, region and year count the same graduates:
-- the CIP 2020 row wins (the crosswalk is one-to-one, so at most one CIP 2010 row lands on a code)
QUALIFY row_number() OVER (PARTITION BY code_2020, system_2020, region, year ORDER BY system = 'CIP2020' DESC) = 1
