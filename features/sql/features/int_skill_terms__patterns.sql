-- grain: one row per skill and term of ref.skill_terms
-- from: ref.skill_terms
-- why: the one definition of how a term matches, shared by every matcher (postings texts, USAJOBS titles)
--      so they never disagree: English terms on word boundaries where the term starts/ends with a word
--      character ('(AI)' has none), short all-caps acronyms (up to 4 letters) case-sensitively, the rest
--      case-insensitively; Chinese terms as substrings (no pattern)
SELECT
    skill,
    kind,
    cluster,
    lang,
    term,
    CASE
        WHEN lang = 'zh' THEN NULL
        ELSE CASE WHEN term = upper(term) AND length(term) <= 4 THEN '' ELSE '(?i)' END
             || CASE WHEN regexp_matches(term, '^\w') THEN '\b' ELSE '' END || regexp_escape(term)
             || CASE WHEN regexp_matches(term, '\w$') THEN '\b' ELSE '' END
    END AS pattern,
    lang = 'en' AND term = upper(term) AND length(term) <= 4 AS case_sensitive,
    lower(term) AS term_lc
FROM ref.skill_terms
