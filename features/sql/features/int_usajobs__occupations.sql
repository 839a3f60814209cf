-- grain: one row per USAJOBS posting (control_number)
-- from: staging.stg_usajobs__postings, ref.onet_alternate_titles (SOC 2018)
-- why: issue 3 occupation coding of US titles by the rule of int_postings__occupations: the title is cut into
--      word n-grams (1-6 words); the longest n-gram equal to an O*NET alternate title gives the SOC code, a
--      one-word match only when the title is that word. No match leaves soc_code NULL (counted, not forced);
--      the OPM occupation series is kept alongside as the federal classification.
WITH tokenised AS (
    SELECT control_number, occupation_series,
           list_filter(string_split_regex(lower(title), '[^a-z0-9+#.]+'), lambda w: w <> '')[1:20] AS words
    FROM staging.stg_usajobs__postings
),
grams AS (
    SELECT control_number, n, array_to_string(words[s:s + n - 1], ' ') AS gram, len(words) AS n_words
    FROM tokenised, range(1, 7) AS a(n), range(1, 21) AS b(s)
    WHERE s + n - 1 <= len(words)
),
soc AS (
    SELECT g.control_number, o.soc_code, o.onet_title, g.gram AS soc_match
    FROM grams AS g JOIN ref.onet_alternate_titles AS o ON o.title_lc = g.gram
    WHERE g.n > 1 OR g.n_words = 1
    QUALIFY row_number() OVER (PARTITION BY g.control_number ORDER BY g.n DESC, length(g.gram) DESC, o.soc_code, g.gram) = 1
)
SELECT
    t.control_number,
    t.occupation_series,
    s.soc_code,
    s.onet_title,
    s.soc_match
FROM tokenised AS t
LEFT JOIN soc AS s USING (control_number)
