-- grain: one row per Digest field and year where both NCES Digest 322.10 and IPEDS have bachelor's degrees
-- from: staging.stg_nces_digest__graduates, staging.stg_ipeds__completions (award level 5, first majors,
--       CIP 2020 codes), ref.nces_digest_fields
-- why: a cross-check of the two supply sources (issue 5): the Digest tabulates IPEDS for degree-granting
--      institutions, so the ratio should sit near 1 (2019-20: 0.99-1.01 for the four fields); a ratio far
--      from 1 flags a parsing or recode problem in either connector
WITH ipeds AS (
    SELECT survey_year AS year, left(cipcode, 2) AS cip_family, sum(completions) AS ipeds_bachelors
    FROM staging.stg_ipeds__completions
    WHERE awlevel = 5 AND cipcode LIKE '__.____'
    GROUP BY ALL
)
SELECT
    d.field,
    f.cip_family,
    d.year,
    d.graduates AS digest_bachelors,
    i.ipeds_bachelors,
    round(i.ipeds_bachelors / nullif(d.graduates, 0), 4) AS ipeds_over_digest
FROM staging.stg_nces_digest__graduates AS d
JOIN ref.nces_digest_fields AS f USING (field)
JOIN ipeds AS i ON i.year = d.year AND i.cip_family = f.cip_family
WHERE d.graduates IS NOT NULL
