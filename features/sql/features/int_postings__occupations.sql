-- grain: one row per counted position (comment_id, position_no) of a posting
-- from: features.int_postings__positions, features.int_postings__tagged (is_posting),
--       ref.onet_alternate_titles (SOC 2018), ref.esco_occupation_titles (ISCO-08), ref.csco22_titles (CSCO 2022)
-- why: issue 3 occupation coding. A position's title (its heading; the first line when the text has no heading)
--      is cut into word n-grams (English, 1-6 words) and character n-grams (Chinese, 2-15 characters); the
--      longest n-gram that equals a known title gives the code: SOC via O*NET alternate titles, ISCO via ESCO
--      labels, CSCO 2022 via its names and aliases. A one-word English match counts only when the title is that
--      word ("Machinist", not "Senior" in "Senior Staff"). No match leaves the code NULL: unmatched titles are
--      counted (features.int_postings__occupation_coverage), never forced into a code.
WITH positions AS (
    SELECT p.comment_id, p.position_no, left(trim(p.title), 120) AS title
    FROM features.int_postings__positions AS p
    JOIN features.int_postings__tagged AS t USING (comment_id)
    WHERE t.is_posting AND (p.position_no > 0 OR t.n_positions = 1 AND NOT EXISTS (
        SELECT 1 FROM features.int_postings__positions AS q WHERE q.comment_id = p.comment_id AND q.position_no > 0))
),
tokenised AS (
    SELECT
        comment_id, position_no, title,
        list_filter(string_split_regex(lower(title), '[^a-z0-9+#.]+'), lambda w: w <> '')[1:20] AS words,
        string_split(regexp_replace(lower(title), '[\s*#>`\[\]【】()（）|｜/,，:：]+', '', 'g'), '')[1:40] AS chars
    FROM positions
),
en_grams AS (
    SELECT comment_id, position_no, n, array_to_string(words[s:s + n - 1], ' ') AS gram, len(words) AS n_words
    FROM tokenised, range(1, 7) AS a(n), range(1, 21) AS b(s)
    WHERE s + n - 1 <= len(words)
),
zh_grams AS (
    SELECT comment_id, position_no, n, array_to_string(chars[s:s + n - 1], '') AS gram
    FROM tokenised, range(2, 16) AS a(n), range(1, 41) AS b(s)
    WHERE s + n - 1 <= len(chars)
),
soc AS (
    SELECT g.comment_id, g.position_no, o.soc_code, o.onet_title, g.gram AS soc_match
    FROM en_grams AS g JOIN ref.onet_alternate_titles AS o ON o.title_lc = g.gram
    WHERE g.n > 1 OR g.n_words = 1
    QUALIFY row_number() OVER (PARTITION BY g.comment_id, g.position_no ORDER BY g.n DESC, length(g.gram) DESC,
                                                                             o.soc_code) = 1
),
isco AS (
    SELECT g.comment_id, g.position_no, e.isco_code, e.esco_title, g.gram AS isco_match
    FROM en_grams AS g JOIN ref.esco_occupation_titles AS e ON e.title_lc = g.gram
    WHERE g.n > 1 OR g.n_words = 1
    QUALIFY row_number() OVER (PARTITION BY g.comment_id, g.position_no ORDER BY g.n DESC, length(g.gram) DESC,
                                                                             e.isco_code) = 1
),
csco AS (
    SELECT g.comment_id, g.position_no, c.csco_code, c.csco_name, g.gram AS csco_match
    FROM zh_grams AS g JOIN ref.csco22_titles AS c ON c.title_lc = g.gram
    -- a Chinese title must have a CJK character in the match: 'java' alone is an English word, not a CSCO title
    WHERE regexp_matches(g.gram, '[\x{4e00}-\x{9fff}]') OR g.n >= 4
    QUALIFY row_number() OVER (PARTITION BY g.comment_id, g.position_no ORDER BY g.n DESC, c.csco_code) = 1
)
SELECT
    t.comment_id,
    t.position_no,
    t.title,
    CASE WHEN regexp_matches(t.title, '[\x{4e00}-\x{9fff}]') THEN 'zh' ELSE 'en' END AS title_lang,
    s.soc_code, s.onet_title, s.soc_match,
    i.isco_code, i.esco_title, i.isco_match,
    c.csco_code, c.csco_name, c.csco_match
FROM tokenised AS t
LEFT JOIN soc AS s USING (comment_id, position_no)
LEFT JOIN isco AS i USING (comment_id, position_no)
LEFT JOIN csco AS c USING (comment_id, position_no)
