-- grain: one row per USAJOBS posting (control_number), skill and matched term
-- from: staging.stg_usajobs__postings (titles) x features.int_skill_terms__patterns (minus ref.skill_stopphrases)
-- why: USAJOBS has titles, not descriptions: the title is the one position, tagged by the term rules of
--      int_postings__skill_matches (English terms on word boundaries, short all-caps acronyms case-sensitively,
--      Chinese terms as substrings; stop phrases removed first). A title states no "nice to have" clause, so
--      every match is required. The matched title is the evidence.
WITH stop AS (
    SELECT '(' || string_agg(regexp_escape(lower(phrase)), '|') || ')' AS pattern,
           list(lower(phrase)) AS phrases
    FROM ref.skill_stopphrases
),
titles AS (
    SELECT
        p.control_number,
        p.title,
        CASE WHEN p.has_stop THEN regexp_replace(p.lc, stop.pattern, ' ', 'g') ELSE p.lc END AS text_lc,
        CASE WHEN p.has_stop THEN regexp_replace(p.title, stop.pattern, ' ', 'gi') ELSE p.title END AS text_cs
    FROM (SELECT *, list_bool_or(list_transform(s.phrases, lambda ph: contains(lc, ph))) AS has_stop
          FROM (SELECT control_number, title, lower(title) AS lc FROM staging.stg_usajobs__postings), stop AS s) AS p,
         stop
),
terms AS (
    -- how each term matches is defined once, in int_skill_terms__patterns
    SELECT * FROM features.int_skill_terms__patterns
)
SELECT
    t.control_number,
    s.skill,
    s.term,
    s.kind,
    s.cluster,
    s.lang AS term_lang,
    t.title AS evidence
FROM titles AS t
JOIN terms AS s
  -- literal test first, the per-row-compiled regex only on pairs that contain the term (see int_postings__skill_matches)
  ON CASE
        WHEN NOT contains(t.text_lc, s.term_lc) THEN false
        WHEN s.lang = 'zh' THEN true
        WHEN s.case_sensitive THEN regexp_matches(t.text_cs, s.pattern)
        ELSE regexp_matches(t.text_lc, s.pattern)
     END
