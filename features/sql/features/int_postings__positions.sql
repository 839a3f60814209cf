-- grain: one row per posting text (comment_id) and position (position_no; 0 = text before the first position)
-- from: staging.stg_zh_postings__comments, split into lines
-- why: "both" must hold for one position (issue 3), so multi-position posts are split where a heading
--      line names a job ("### 机器视觉算法工程师", "2. Backend Engineer"); text without such headings is one
--      position (0). Text is width-normalised here (full-width ＡＩ -> AI) for every later match.
WITH lines AS (
    SELECT
        comment_id,
        generate_subscripts(lines, 1) AS line_no,
        unnest(lines) AS line
    FROM (SELECT comment_id, string_split(normalize_text(text), chr(10)) AS lines
          FROM staging.stg_zh_postings__comments)
),
flagged AS (
    SELECT
        *,
        -- a heading (markdown #, bold, 【】, numbered or 职位N) short enough to be a title and naming a job
        length(trim(line)) BETWEEN 2 AND 60
        AND regexp_matches(trim(line), '^(#{1,6}|>\s*#{1,6}|\*\*|【|[0-9一二三四五六七八九十]{1,2}[、.)]|职位[0-9一二三四五六七八九十]|岗位[0-9一二三四五六七八九十])')
        AND regexp_matches(lower(line), '工程师|开发|专家|经理|实习|研究员|架构师|设计师|负责人|主管|leader|engineer|developer|scientist|manager|intern|researcher|前端|后端|全栈|运维|测试|算法|sre|dba')
        -- a heading reads like a title, not a duty or requirement in a list ("2. 3-5年iOS开发经验;",
        -- "### 1、负责...开发"): no duty/requirement verbs, no sentence punctuation at the end (lines may end in \r);
        -- a numbered line is also at most 30 characters
        AND NOT regexp_matches(line, '负责|熟悉|掌握|具备|具有|经验|参与|精通|了解|能够|优先|要求|良好|以上|学历|本科|完成|推动|设计与|进行|编写|支持|优化|维护|协助')
        AND NOT regexp_matches(line, '[;；。,，:：、]\s*$')
        AND NOT (regexp_matches(regexp_replace(trim(line), '^[#>*\s【]+', ''), '^([0-9一二三四五六七八九十]{1,2}[、.)]|职位|岗位)')
                 AND length(trim(line)) > 30)
        AS is_heading
    FROM lines
),
numbered AS (
    SELECT *, sum(is_heading::INT) OVER (PARTITION BY comment_id ORDER BY line_no) AS position_no
    FROM flagged
)
SELECT
    comment_id,
    position_no::INT AS position_no,
    trim(regexp_replace(first(line ORDER BY line_no), '^[#>*\s【]+|[*】\s]+$', '', 'g')) AS title,
    string_agg(line, chr(10) ORDER BY line_no) AS text
FROM numbered
GROUP BY comment_id, position_no
