-- grain: one row per posting text (comment_id) and position (position_no; 0 = text before the first position,
--        -1 = the employer's sections, -2 = the benefits sections)
-- from: staging.stg_postings__comments, split into lines
-- why: "both" must hold for one position (issue 3), so multi-position posts are split where a heading
--      line names a job ("### 机器视觉算法工程师", "2. Backend Engineer"); text without such headings is one
--      position (0). A heading that names the employer ("## 公司介绍", "关于我们", "关于翼辉", "About us") or the benefits
--      ("薪酬福利", "Perks") starts a section that describes the employer, not a position's skills (-1), or
--      lists perks ("DJI无人机" to redeem, -2), until the next heading. Text is width-normalised and
--      traditional Chinese converted to simplified here (normalize_text) for every later match.
WITH texts AS MATERIALIZED (
    -- normalize_zh_text(text) = zh_simplified(normalize_text(text)) in one character-class scan (zh_convert.py)
    SELECT comment_id, string_split(normalize_zh_text(text), chr(10)) AS lines
    FROM staging.stg_postings__comments
    WHERE text IS NOT NULL
),
lines AS (
    SELECT comment_id, len(lines) AS n_lines, generate_subscripts(lines, 1) AS line_no, unnest(lines) AS line
    FROM texts
),
distinct_lines AS (
    -- every heading test below (flagged .. kinds) reads the line alone, so it runs once per distinct line
    -- (issue 3, 1M postings: the per-line regexes were most of this model's cost; in the real snapshot 55% of the
    -- lines repeat another: blank lines, "岗位职责：", boilerplate, reposted texts)
    SELECT DISTINCT line FROM lines
),
flagged AS (
    SELECT
        *,
        -- a heading (markdown #, bold, 【】, numbered or 职位N) short enough to be a title and naming a job
        -- (nested CASE, not AND: each test runs only on the lines that passed the cheaper one before)
        CASE WHEN length(trim(line)) BETWEEN 2 AND 60 THEN CASE WHEN
        regexp_matches(trim(line), '^(#{1,6}|>\s*#{1,6}|\*\*|【|[0-9一二三四五六七八九十]{1,2}[、.)]|职位[0-9一二三四五六七八九十]|岗位[0-9一二三四五六七八九十])')
        THEN regexp_matches(lower(line), '工程师|开发|专家|经理|实习|研究员|架构师|设计师|负责人|主管|leader|engineer|developer|scientist|manager|intern|researcher|前端|后端|全栈|运维|测试|算法|sre|dba')
        -- a heading reads like a title, not a duty or requirement in a list ("2. 3-5年iOS开发经验;",
        -- "### 1、负责...开发"): no duty/requirement verbs, no sentence punctuation at the end (lines may end in \r);
        -- a numbered line is also at most 30 characters
        AND NOT regexp_matches(line, '负责|熟悉|掌握|具备|具有|经验|参与|精通|了解|能够|优先|要求|良好|以上|学历|本科|完成|推动|设计与|进行|编写|支持|优化|维护|协助')
        AND NOT regexp_matches(line, '[;；。,，:：、]\s*$')
        AND NOT (regexp_matches(regexp_replace(trim(line), '^[#>*\s【]+', ''), '^([0-9一二三四五六七八九十]{1,2}[、.)]|职位|岗位)')
                 AND length(trim(line)) > 30)
        ELSE false END ELSE false END AS is_heading
    FROM distinct_lines
),
sections AS (
    SELECT
        *,
        -- any section heading: short, and marked up as one, or a label ending in a colon, or a line led by an
        -- emoji ("✨ 加分项（非必须）", "🚀 您的主要职责"; list bullets such as ● are not emoji) not ending a sentence
        -- (CASE, not AND: the regexes run only on the short lines)
        CASE WHEN length(trim(line)) <= 40 THEN
            regexp_matches(trim(line), '^(#{1,6}|>\s*#{1,6}|\*\*|【|\[)') OR
            (length(trim(line)) <= 14 AND regexp_matches(trim(line), '[:：]\**\s*$')) OR
            (length(trim(line)) <= 30 AND regexp_matches(trim(line), '^[\x{1F000}-\x{1FAFF}\x{2600}-\x{27BF}\x{2B00}-\x{2BFF}]')
             AND NOT regexp_matches(trim(line), '[;；。,，、]$'))
        ELSE false END AS is_any_heading
    FROM flagged
),
headings AS (
    SELECT
        * EXCLUDE (is_any_heading),
        -- the heading's words without markup, emoji, punctuation or a leading number ("### 二 公司介绍" -> 公司介绍);
        -- computed on heading lines only (most lines are not)
        CASE WHEN is_any_heading THEN regexp_replace(regexp_replace(lower(line), '[^\p{L}\p{N}]', '', 'g'),
                                                    '^[0-9一二三四五六七八九十]+', '') END AS heading_words
    FROM sections
),
kinds AS (
    -- the kind of section each heading starts (macro heading_kind: job, employer, benefits, optional, roles)
    SELECT
        *,
        heading_kind(heading_words, is_heading) AS heading_kind
    FROM headings
),
segments AS (
    -- A text is cut at its heading lines (any kind) into segments: a heading line up to the line before the next
    -- one, plus the lines before the first heading. Section and job number only change at a heading line, so
    -- they are the segment's: its heading's kind (the lines before the first heading: 'job') and the number of
    -- job headings up to it. Windows over the few segments, not every line (issue 3: a window over the
    -- per-line explosion was most of the rest of this model's cost).
    SELECT
        -- a segment ends on the line before the next heading, or on the text's last line
        comment_id, line_no AS first_no, coalesce(lead(line_no) OVER w - 1, n_lines) AS last_no,
        coalesce(heading_kind, 'job') AS section,
        sum(is_heading::INT) OVER w AS job_no
    FROM (SELECT l.comment_id, l.n_lines, l.line_no, k.is_heading, k.heading_kind, false AS is_start
          FROM lines AS l
          JOIN (SELECT line, is_heading, heading_kind FROM kinds WHERE heading_kind IS NOT NULL) AS k USING (line)
          UNION ALL
          SELECT comment_id, len(lines), 1, false, NULL, true FROM texts)
    -- the start row sorts before a heading on line 1, whose start segment is then empty (dropped below)
    WINDOW w AS (PARTITION BY comment_id ORDER BY line_no, is_start DESC)
),
position_lines AS (
    -- each position's line numbers: its segments sorted on their first line, each segment's lines in order
    -- (integer lists, no text is copied here); marks: '[optional] ' for the lines of an 'optional' section but its
    -- heading, else ''. An empty segment (the start segment of a text with a heading on line 1) is dropped, and a
    -- position with no other segment has no row
    SELECT comment_id, position_no, segs[1].first_no AS first_no,
           flatten(list_transform(segs, lambda g: range(g.first_no, g.last_no + 1))) AS line_nos,
           list_bool_or(list_transform(segs, lambda g: g.optional AND g.last_no > g.first_no)) AS has_optional,
           flatten(list_transform(segs, lambda g: list_transform(range(g.first_no, g.last_no + 1),
               lambda i: CASE WHEN g.optional AND i > g.first_no THEN '[optional] ' ELSE '' END))) AS marks
    FROM (SELECT comment_id, position_no::INT AS position_no,
                 list_sort(list(struct_pack(first_no, last_no, optional := section = 'optional'))) AS segs
          FROM (SELECT comment_id, first_no, last_no, section,
                       CASE section WHEN 'employer' THEN -1 WHEN 'benefits' THEN -2 WHEN 'roles' THEN 0 ELSE job_no END
                           AS position_no
                FROM segments
                WHERE last_no >= first_no)
          GROUP BY comment_id, position_no)
),
positioned AS (
    -- a position's text: its lines joined by newlines, picked from the text's lines once per position (issue 3:
    -- slicing each segment, aggregating the segment texts per position and joining them again copied every text
    -- three times, ~4 of 18 CPU s at 200k postings; joining each segment's lines and then the segments gave the
    -- same string, as no segment is empty; list_select, as a lambda reading t.lines copies the list per element).
    -- Lines under "加分项" / "Preferred qualifications" (an 'optional' section, but not its heading) are marked, so
    -- their skills do not tag (skill_matches). first_line: the first line of the position's first segment
    SELECT p.comment_id, p.position_no, t.lines[p.first_no] AS first_line,
           CASE WHEN p.has_optional
                THEN array_to_string(list_transform(list_zip(p.marks, list_select(t.lines, p.line_nos)),
                                                    lambda m: m[1] || m[2]), chr(10))
                ELSE array_to_string(list_select(t.lines, p.line_nos), chr(10)) END AS text
    FROM position_lines AS p
    JOIN texts AS t USING (comment_id)
)
-- its title: macro position_title (the line under a "岗位名称" heading, else the first line)
SELECT comment_id, position_no, position_title(first_line, text) AS title, text
FROM positioned
