-- grain: one row per counted position (comment_id, position_no) of a posting
-- from: features.int_postings__positions, features.int_postings__tagged (is_posting),
--       ref.onet_alternate_titles (SOC 2018), ref.esco_occupation_titles (ISCO-08), ref.csco22_titles (CSCO 2022),
--       ref.title_abbreviations (SRE -> site reliability engineer)
-- why: issue 3 occupation coding. A position's title (its heading; the first line when the text has no heading)
--      is cut into word n-grams (English, 1-6 words) and character n-grams (Chinese, 2-15 characters); the
--      longest n-gram that equals a known title gives the code: SOC via O*NET alternate titles (or an occupation
--      title, which O*NET spells in the plural: "DBA" -> database administrator -> Database Administrators), ISCO
--      via ESCO labels, CSCO 2022 via its names and aliases. The coded title (coded_title) is the title without
--      markup; where the title is no title (an image, a link, a URL, a blank line) the first line of the position
--      that names something (up to 60 characters, else none); in an English header line the field naming a job
--      ("Acme Robotics | Senior ML Engineer | SF | ONSITE" -> "Senior ML Engineer", macro job_field). English
--      words are coded without level words, pay, parenthetical notes and employment terms, abbreviations spelled
--      out (macro en_title_words; soc_match/isco_match are the matched n-gram of those words). A one-word English
--      match counts only when the title is that word and the word names an occupation ("Machinist", "Senior
--      Machinist"; not "Senior" in "Senior Staff", nor a bare "Engineer" or "Developer", which name no
--      occupation of their own). No match leaves the code NULL: unmatched titles are counted
--      (features.int_postings__occupation_coverage), never forced into a code ("Rakuten" stays unmatched).
--      The clean-up is here, not in position_title (int_postings__positions): this model runs once per counted
--      position and is off the 1M-posting benchmark's path, and int_postings__tagged reads the position's title.
WITH positions AS (
    SELECT p.comment_id, p.position_no, left(trim(p.title), 120) AS title, p.text
    FROM features.int_postings__positions AS p
    JOIN features.int_postings__tagged AS t USING (comment_id)
    WHERE t.is_posting AND (p.position_no > 0 OR t.n_positions = 1 AND NOT EXISTS (
        SELECT 1 FROM features.int_postings__positions AS q WHERE q.comment_id = p.comment_id AND q.position_no > 0))
),
cleaned AS (
    SELECT
        comment_id, position_no, title,
        CASE WHEN title_clean(title) <> '' THEN title_clean(title)
             -- the title is an image, link or blank line: the position's first line that names something, if short
             ELSE coalesce(list_filter(list_filter(list_transform(string_split(text, chr(10))[1:12],
                                                                  lambda l: title_clean(l)),
                                                   lambda l: l <> '')[1:1], lambda l: length(l) <= 60)[1], '')
        END AS line,
        -- a position without a title line counts in its text's language
        regexp_matches(left(text, 400), '[\x{4e00}-\x{9fff}]') AS text_is_zh
    FROM positions
),
abbreviations AS (
    SELECT map(list(lower(abbreviation)), list(lower(expansion))) AS m FROM ref.title_abbreviations
),
tokenised AS (
    SELECT
        comment_id, position_no, title, coded_title, text_is_zh,
        en_title_words(coded_title, a.m) AS words,
        string_split(regexp_replace(lower(coded_title), '[\s*#>`\[\]【】()（）|｜/,，:：]+', '', 'g'), '')[1:40] AS chars
    FROM (SELECT *, left(job_field(line), 120) AS coded_title FROM cleaned), abbreviations AS a
),
en_grams AS (
    SELECT comment_id, position_no, n, array_to_string(words[s:s + n - 1], ' ') AS gram, len(words) AS n_words
    FROM tokenised, range(1, 7) AS a(n), range(1, 21) AS b(s)
    WHERE s + n - 1 <= len(words)
),
en_eligible AS (
    -- a one-word match only for a one-word title that names an occupation of its own
    SELECT * FROM en_grams
    WHERE n > 1 OR n_words = 1 AND NOT en_generic_job_word(gram)
),
zh_grams AS (
    SELECT comment_id, position_no, n, array_to_string(chars[s:s + n - 1], '') AS gram
    FROM tokenised, range(2, 16) AS a(n), range(1, 41) AS b(s)
    WHERE s + n - 1 <= len(chars)
),
soc AS (
    SELECT comment_id, position_no, soc_code, onet_title, gram AS soc_match
    FROM (SELECT g.*, o.soc_code, o.onet_title, true AS exact
          FROM en_eligible AS g JOIN ref.onet_alternate_titles AS o ON o.title_lc = g.gram
          UNION ALL
          -- O*NET's occupation titles are plural ("Database Administrators")
          SELECT g.*, o.soc_code, o.onet_title, false
          FROM en_eligible AS g JOIN ref.onet_alternate_titles AS o ON o.title_lc = g.gram || 's')
    QUALIFY row_number() OVER (PARTITION BY comment_id, position_no ORDER BY n DESC, exact DESC, length(gram) DESC,
                                                                           soc_code, gram) = 1
),
isco AS (
    SELECT g.comment_id, g.position_no, e.isco_code, e.esco_title, g.gram AS isco_match
    FROM en_eligible AS g JOIN ref.esco_occupation_titles AS e ON e.title_lc = g.gram
    QUALIFY row_number() OVER (PARTITION BY g.comment_id, g.position_no ORDER BY g.n DESC, length(g.gram) DESC,
                                                                             e.isco_code, g.gram) = 1
),
csco AS (
    SELECT g.comment_id, g.position_no, c.csco_code, c.csco_name, g.gram AS csco_match
    FROM zh_grams AS g JOIN ref.csco22_titles AS c ON c.title_lc = g.gram
    -- a Chinese title must have a CJK character in the match: 'java' alone is an English word, not a CSCO title
    WHERE regexp_matches(g.gram, '[\x{4e00}-\x{9fff}]') OR g.n >= 4
    -- (the matched gram last: two grams of one length naming one code must not swap between runs)
    QUALIFY row_number() OVER (PARTITION BY g.comment_id, g.position_no ORDER BY g.n DESC, c.csco_code, g.gram) = 1
)
SELECT
    t.comment_id,
    t.position_no,
    t.title,
    t.coded_title,
    CASE WHEN regexp_matches(t.coded_title, '[\x{4e00}-\x{9fff}]') OR t.coded_title = '' AND t.text_is_zh THEN 'zh'
         ELSE 'en' END AS title_lang,
    s.soc_code, s.onet_title, s.soc_match,
    i.isco_code, i.esco_title, i.isco_match,
    c.csco_code, c.csco_name, c.csco_match
FROM tokenised AS t
LEFT JOIN soc AS s USING (comment_id, position_no)
LEFT JOIN isco AS i USING (comment_id, position_no)
LEFT JOIN csco AS c USING (comment_id, position_no)
