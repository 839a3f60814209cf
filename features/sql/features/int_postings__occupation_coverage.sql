-- grain: one row per coding system (system)
-- from: features.int_postings__occupations
-- why: issue 3: unmatched titles are counted and reported, not forced. SOC and ISCO are read from English titles,
--      CSCO from Chinese ones, so each system's rate is over the titles in its language; top_unmatched lists the
--      most frequent titles left without a code, for the next seed edit.
WITH coded AS (
    SELECT 'SOC 2018 (O*NET alternate titles)' AS system, title, soc_code AS code
    FROM features.int_postings__occupations WHERE title_lang = 'en'
    UNION ALL
    SELECT 'ISCO-08 (ESCO labels)', title, isco_code FROM features.int_postings__occupations WHERE title_lang = 'en'
    UNION ALL
    SELECT 'CSCO 2022 (names and aliases)', title, csco_code
    FROM features.int_postings__occupations WHERE title_lang = 'zh'
),
per_title AS (
    SELECT system, title, code IS NOT NULL AS matched, count(*) AS positions
    FROM coded
    GROUP BY ALL
)
SELECT
    system,
    sum(positions)::BIGINT AS positions,
    coalesce(sum(positions) FILTER (WHERE matched), 0)::BIGINT AS matched,
    coalesce(sum(positions) FILTER (WHERE NOT matched), 0)::BIGINT AS unmatched,
    round(coalesce(sum(positions) FILTER (WHERE matched), 0) / sum(positions), 4) AS share_matched,
    coalesce(list(title ORDER BY positions DESC, title) FILTER (WHERE NOT matched)[1:10], []) AS top_unmatched
FROM per_title
GROUP BY system
