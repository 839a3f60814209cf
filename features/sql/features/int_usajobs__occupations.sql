-- grain: one row per USAJOBS posting (control_number)
-- from: staging.stg_usajobs__postings, ref.onet_alternate_titles (SOC 2018), ref.title_abbreviations
-- why: issue 3 occupation coding of US titles by the rule of int_postings__occupations: the title's words without
--      parenthetical notes, level words ("Lead", "Supervisory") and employment terms ("Part-time"), abbreviations
--      spelled out (macro en_title_words), are cut into n-grams (1-6 words); the longest n-gram equal to an O*NET
--      title (or occupation title, which O*NET spells in the plural) gives the SOC code, a one-word match only when
--      the title is that word and the word names an occupation ("Meteorologist", not "Engineer":
--      en_generic_job_word). No match leaves soc_code NULL (counted, not forced); the OPM occupation series is
--      kept alongside as the federal classification.
WITH abbreviations AS (
    SELECT map(list(lower(abbreviation)), list(lower(expansion))) AS m FROM ref.title_abbreviations
),
tokenised AS (
    SELECT control_number, occupation_series, en_title_words(title, a.m) AS words
    FROM staging.stg_usajobs__postings, abbreviations AS a
),
grams AS (
    SELECT control_number, n, array_to_string(words[s:s + n - 1], ' ') AS gram, len(words) AS n_words
    FROM tokenised, range(1, 7) AS a(n), range(1, 21) AS b(s)
    WHERE s + n - 1 <= len(words)
),
eligible AS (
    SELECT * FROM grams WHERE n > 1 OR n_words = 1 AND NOT en_generic_job_word(gram)
),
soc AS (
    SELECT control_number, soc_code, onet_title, gram AS soc_match
    FROM (SELECT g.*, o.soc_code, o.onet_title, true AS exact
          FROM eligible AS g JOIN ref.onet_alternate_titles AS o ON o.title_lc = g.gram
          UNION ALL
          SELECT g.*, o.soc_code, o.onet_title, false
          FROM eligible AS g JOIN ref.onet_alternate_titles AS o ON o.title_lc = g.gram || 's')
    QUALIFY row_number() OVER (PARTITION BY control_number ORDER BY n DESC, exact DESC, length(gram) DESC, soc_code,
                                                                    gram) = 1
)
SELECT
    t.control_number,
    t.occupation_series,
    s.soc_code,
    s.onet_title,
    s.soc_match
FROM tokenised AS t
LEFT JOIN soc AS s USING (control_number)
