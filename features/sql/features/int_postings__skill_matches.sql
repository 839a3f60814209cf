-- grain: one row per posting, skill and matched term
-- from: staging.stg_zh_postings__comments x ref.skill_terms (minus ref.skill_stopphrases)
-- why: first bilingual tagging (issue 2): English terms match on word boundaries (short all-caps
--      acronyms case-sensitively), Chinese terms as substrings; the matched span is kept as evidence
WITH stop AS (
    SELECT list(regexp_escape(lower(phrase))) AS phrases FROM ref.skill_stopphrases
),
texts AS (
    SELECT
        c.comment_id,
        c.text,
        -- remove phrases that look like skills but are not (自动化测试, 聊天机器人, ...)
        regexp_replace(lower(c.text), '(' || array_to_string(stop.phrases, '|') || ')', ' ', 'g') AS text_lc,
        regexp_replace(c.text, '(' || array_to_string(stop.phrases, '|') || ')', ' ', 'gi') AS text_cs
    FROM staging.stg_zh_postings__comments AS c, stop
),
terms AS (
    SELECT
        skill, kind, cluster, lang, term,
        CASE
            WHEN lang = 'zh' THEN NULL
            WHEN term = upper(term) AND length(term) <= 4 THEN '\b' || regexp_escape(term) || '\b'
            ELSE '(?i)\b' || regexp_escape(term) || '\b'
        END AS pattern,
        lang = 'en' AND term = upper(term) AND length(term) <= 4 AS case_sensitive
    FROM ref.skill_terms
),
matched AS (
    SELECT
        t.comment_id,
        s.skill, s.kind, s.cluster, s.lang, s.term,
        CASE
            WHEN s.lang = 'zh' THEN instr(t.text_lc, lower(s.term))
            WHEN s.case_sensitive THEN instr(t.text_cs, regexp_extract(t.text_cs, s.pattern))
            ELSE instr(t.text_lc, lower(regexp_extract(t.text_lc, s.pattern)))
        END AS position,
        t.text
    FROM texts AS t
    JOIN terms AS s
      ON CASE
            WHEN s.lang = 'zh' THEN contains(t.text_lc, lower(s.term))
            WHEN s.case_sensitive THEN regexp_matches(t.text_cs, s.pattern)
            ELSE regexp_matches(t.text_lc, s.pattern)
         END
)
SELECT
    comment_id,
    skill,
    term,
    kind,
    cluster,
    lang AS term_lang,
    position,
    -- evidence: the matched span with up to 20 characters either side
    substr(text, greatest(position - 20, 1), length(term) + 40) AS evidence
FROM matched
