-- grain: one row per coding system (system)
-- from: features.int_postings__occupations
-- why: issue 3: unmatched titles are counted and reported, not forced. SOC and ISCO are read from English titles,
--      CSCO from Chinese ones, so each system's rate is over the titles in its language; no_title counts the
--      unmatched positions that have no title line at all (an image or a link where the title would be, counted
--      in their text's language); top_unmatched lists the most frequent coded titles left without a code, for
--      the next seed edit.
WITH coded AS (
    SELECT 'SOC 2018 (O*NET alternate titles)' AS system, coded_title, soc_code AS code
    FROM features.int_postings__occupations WHERE title_lang = 'en'
    UNION ALL
    SELECT 'ISCO-08 (ESCO labels)', coded_title, isco_code
    FROM features.int_postings__occupations WHERE title_lang = 'en'
    UNION ALL
    SELECT 'CSCO 2022 (names and aliases)', coded_title, csco_code
    FROM features.int_postings__occupations WHERE title_lang = 'zh'
),
per_title AS (
    SELECT system, coded_title, code IS NOT NULL AS matched, count(*) AS positions
    FROM coded
    GROUP BY ALL
)
SELECT
    system,
    sum(positions)::BIGINT AS positions,
    coalesce(sum(positions) FILTER (WHERE matched), 0)::BIGINT AS matched,
    coalesce(sum(positions) FILTER (WHERE NOT matched), 0)::BIGINT AS unmatched,
    coalesce(sum(positions) FILTER (WHERE coded_title = ''), 0)::BIGINT AS no_title,
    round(coalesce(sum(positions) FILTER (WHERE matched), 0) / sum(positions), 4) AS share_matched,
    coalesce(list(coded_title ORDER BY positions DESC, coded_title)
                 FILTER (WHERE NOT matched AND coded_title <> '')[1:10], []) AS top_unmatched
FROM per_title
GROUP BY system
