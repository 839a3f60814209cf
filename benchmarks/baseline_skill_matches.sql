-- BASELINE for benchmarks/tagging_scale.py and tests/test_tagging_fast_path.py: int_postings__skill_matches.sql as
-- committed in 13db1d2 (regex in the join condition, stop phrases by a per-row regex). Not a pipeline model.
-- grain: one row per posting text (comment_id), position (position_no), skill and matched term
-- from: features.int_postings__positions x ref.skill_terms (minus ref.skill_stopphrases)
-- why: bilingual tagging (issues 2, 3): English terms match on word boundaries (short all-caps acronyms
--      case-sensitively), Chinese terms as substrings, on width-normalised text; a match whose clause says
--      it is optional or not needed ("...者优先", "加分", "nice to have", "无需") is kept but marked
--      is_required = false and does not tag. The matched span is kept as evidence.
WITH stop AS (
    SELECT '(' || string_agg(regexp_escape(lower(phrase)), '|') || ')' AS pattern FROM ref.skill_stopphrases
),
texts AS (
    SELECT
        p.comment_id,
        p.position_no,
        p.text,
        -- remove phrases that look like skills but are not (自动化测试, 聊天机器人, ...)
        regexp_replace(lower(p.text), stop.pattern, ' ', 'g') AS text_lc,
        regexp_replace(p.text, stop.pattern, ' ', 'gi') AS text_cs
    FROM features.int_postings__positions AS p, stop
),
terms AS (
    SELECT
        skill, kind, cluster, lang, term,
        CASE
            WHEN lang = 'zh' THEN NULL
            -- word boundaries only where the term starts/ends with a word character: '(AI)' has none
            ELSE CASE WHEN term = upper(term) AND length(term) <= 4 THEN '' ELSE '(?i)' END
                 || CASE WHEN regexp_matches(term, '^\w') THEN '\b' ELSE '' END || regexp_escape(term)
                 || CASE WHEN regexp_matches(term, '\w$') THEN '\b' ELSE '' END
        END AS pattern,
        lang = 'en' AND term = upper(term) AND length(term) <= 4 AS case_sensitive
    FROM ref.skill_terms
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
    FROM texts AS t
    JOIN terms AS s
      ON CASE
            WHEN s.lang = 'zh' THEN contains(t.text_lc, lower(s.term))
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
    -- the same required-ness rule as features/sql/features/int_postings__skill_matches.sql
    skill_required(pre, post, line_pre, position_no, kind) AS is_required,  -- macros.sql
    -- evidence: the matched span with up to 20 characters either side
    substr(text, greatest(position - 20, 1), length(term) + 40) AS evidence
FROM with_clause
