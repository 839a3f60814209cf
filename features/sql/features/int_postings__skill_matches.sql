-- grain: one row per posting text (comment_id), position (position_no), skill and matched term
-- from: features.int_postings__positions x features.int_skill_terms__patterns (minus ref.skill_stopphrases); substrings_in() is the
--       Aho-Corasick function of features/term_prefilter.py
-- why: bilingual tagging (issues 2, 3): English terms match on word boundaries (short all-caps acronyms
--      case-sensitively), Chinese terms as substrings, on width-normalised text; a match whose clause says
--      it is optional or not needed ("...者优先", "加分", "nice to have", "无需", or a line under a "加分项" /
--      "Preferred qualifications" heading, marked [optional] by int_postings__positions) is kept but marked
--      is_required = false and does not tag. So is a term named in a list of the markets a horizontal vendor
--      serves ("为金融、政府、能源、制造等行业的客户提供...", "面向智慧城市、智能制造、智慧农业等领域",
--      "基于行业客户(游戏, 金融, 媒体, 制造业等)通用需求"): serving
--      manufacturing among unrelated sectors does not put a position in or for manufacturing (LABELLING rule 4).
--      The matched span is kept as evidence.
WITH stop AS (
    SELECT '(' || string_agg(regexp_escape(lower(phrase)), '|') || ')' AS pattern,
           list(lower(phrase)) AS phrases,
           list(regexp_escape(lower(phrase))) AS escaped,
           (SELECT list(DISTINCT term_lc) FROM features.int_skill_terms__patterns) AS terms
    FROM ref.skill_stopphrases
),
texts AS (
    SELECT
        p.comment_id,
        p.position_no,
        p.text,
        p.has_stop,
        p.found_terms,
        -- remove phrases that look like skills but are not (自动化测试, 聊天机器人, ...). The pattern is a column,
        -- so RE2 compiles it for every row it runs on: it runs only on texts that contain a phrase at all
        -- (a literal test, ~5% of texts; the result is the same, the regex is 20x rarer), and holds only the
        -- phrases the text contains (in the seed's order), so each compile is of one or two phrases, not all:
        -- an alternative that occurs nowhere in a text never matches, so the replacements are the same. For
        -- the case-insensitive pass the test is on lower(text); RE2 also folds the Kelvin sign and the long s
        -- (U+212A, U+017F) to k and s, which lower() does not, so a text holding either keeps the full pattern.
        CASE WHEN p.has_stop THEN regexp_replace(p.lc, p.present, ' ', 'g') ELSE p.lc END AS text_lc,
        CASE WHEN p.has_stop THEN regexp_replace(p.text, CASE WHEN regexp_matches(p.text, '[\x{212A}\x{017F}]')
                                                            THEN stop.pattern ELSE p.present END, ' ', 'gi')
             ELSE p.text END AS text_cs
    FROM (SELECT *, CASE WHEN has_stop THEN '(' || array_to_string(
                        list_filter(s.escaped, lambda e, i: list_contains(found, s.phrases[i])), '|') || ')' END AS present
          FROM (SELECT *, len(found) > 0 AS has_stop
                FROM (SELECT comment_id, position_no, text, lc,
                             list_filter(found_all, lambda x: list_contains(s.phrases, x)) AS found,
                             list_filter(found_all, lambda x: list_contains(s.terms, x)) AS found_terms
                      -- the stop phrases and the skill terms a text contains, in one Aho-Corasick pass (exactly those
                      -- for which contains() holds: features/term_prefilter.py), instead of a contains() per phrase
                      -- and text (~50 of 166 CPU s at 1M) and a second pass for the terms (~20% of this model)
                      FROM (SELECT comment_id, position_no, text, lc,
                                   substrings_in(lc, (SELECT string_agg(DISTINCT x, chr(31))
                                                      FROM (SELECT lower(phrase) AS x FROM ref.skill_stopphrases
                                                            UNION ALL
                                                            SELECT term_lc FROM features.int_skill_terms__patterns)))
                                       AS found_all
                            FROM (SELECT comment_id, position_no, text, lower(text) AS lc
                                  FROM features.int_postings__positions)), stop AS s),
                     stop AS s), stop AS s) AS p, stop
),
terms AS (
    -- how each term matches is defined once, in int_skill_terms__patterns
    SELECT * FROM features.int_skill_terms__patterns
),
candidates AS (
    -- the distinct terms each text contains (found in the same pass as the stop phrases: exactly the pairs for
    -- which contains(lc, term_lc) holds); where stop phrases were removed, only those still in the text after the
    -- removal (contains(text_lc, term): the same pairs as a second pass over text_lc, removing a phrase
    -- cannot create a term: it leaves a space). The join below is then an equi-join on the few terms present
    -- instead of a contains() test on every (text, term) pair, the cost of tagging at scale (issue 3)
    SELECT t.*, unnest(CASE WHEN t.has_stop THEN list_filter(t.found_terms, lambda c: contains(t.text_lc, c))
                            ELSE t.found_terms END) AS cand
    FROM texts AS t
),
matched AS (
    SELECT
        t.comment_id, t.position_no,
        s.skill, s.kind, s.cluster, s.lang, s.term,
        CASE
            WHEN s.lang = 'zh' THEN instr(t.text_lc, lower(s.term))
            WHEN s.case_sensitive THEN instr(t.text_cs, regexp_extract(t.text_cs, s.pattern))
            ELSE instr(t.text_lc, lower(regexp_extract(t.text_lc, s.pattern)))
        END AS position,
        t.text, t.text_lc
    FROM candidates AS t
    JOIN terms AS s
      -- the per-term regex, compiled per row because the pattern is a column, runs only on the few pairs that
      -- contain the term at all (the equi-join key; the regex is a residual filter on joined pairs)
      ON s.term_lc = t.cand
     AND CASE
            WHEN s.lang = 'zh' THEN true
            WHEN s.case_sensitive THEN regexp_matches(t.text_cs, s.pattern)
            ELSE regexp_matches(t.text_lc, s.pattern)
         END
),
with_clause AS (
    SELECT
        *,
        -- the sentence around the first occurrence, split at the term (macros.sql: sentence_before/after)
        sentence_before(substr(text_lc, 1, position - 1)) AS pre,
        line_before(substr(text_lc, 1, position - 1)) AS line_pre,
        sentence_after(substr(text_lc, position)) AS post
    FROM matched
)
SELECT
    comment_id,
    position_no,
    skill,
    term,
    kind,
    cluster,
    lang AS term_lang,
    position,
    skill_required(pre, post, line_pre, position_no, kind) AS is_required,  -- macros.sql
    -- evidence: the matched span with up to 20 characters either side
    substr(text, greatest(position - 20, 1), length(term) + 40) AS evidence
FROM with_clause
