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
    CASE
        WHEN skill_optional(pre, post) THEN false
        -- a benefits section (position -2 of int_postings__positions: "DJI无人机" to redeem as a perk) needs no skill
        WHEN position_no = -2 THEN false
        -- a manufacturing word in an employer section (-1) tags only where the sentence says the employer makes,
        -- designs or produces something, or what kind of company it is (LABELLING rule 4: "the employer makes
        -- physical products as the text says"): "用人工智能和无人机重塑房屋检测行业" (uses drones), "提供共享新能源
        -- 汽车服务" (a rental service), "涵盖了硬件开发工具" (a software platform's tools) do not
        WHEN position_no = -1 AND kind = 'mfg'
         AND NOT regexp_matches(pre || post, '制造|生产|产品|研发|设计|工厂|厂商|自研|量产|出货|供应链|是一家|公司|企业|集团|'
                                             || 'manufactur|factor|produc|design|build|make|hardware') THEN false
        -- a list of at least three markets, named as the industries or fields served, with an unrelated sector in
        -- it, in a sentence that states no skill or duty (the cheap literal test first: CASE runs the regexes on
        -- the few clauses that name an industry or field)
        WHEN NOT (contains(clause, '行业') OR contains(clause, '领域')) THEN true
        WHEN regexp_matches(clause, '[、，,/][^、，,/]+[、，,/]')
         AND regexp_matches(clause, '等[^。；;]{0,12}(行业|领域)|(为|面向|服务于?|覆盖|涵盖|赋能)[^。；;]{0,60}(行业|领域)|'
                                    || '(行业|领域)[^。；;]{0,4}\([^)]{0,60}等\)')
         AND regexp_matches(clause, '金融|政府|政务|运营商|医疗|教育|零售|电商|交通|农业|城市|园区|地产|社区|物流|银行|保险|媒体|文旅')
         AND NOT regexp_matches(clause, '熟悉|掌握|精通|了解|经验|负责|从事|要求') THEN false
        ELSE true
    END AS is_required,
    -- evidence: the matched span with up to 20 characters either side
    substr(text, greatest(position - 20, 1), length(term) + 40) AS evidence
FROM (SELECT *, pre || post AS clause FROM with_clause)
