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
    SELECT comment_id, string_split(zh_simplified(normalize_text(text)), chr(10)) AS lines
    FROM staging.stg_postings__comments
    WHERE text IS NOT NULL
),
lines AS (
    SELECT comment_id, generate_subscripts(lines, 1) AS line_no, unnest(lines) AS line FROM texts
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
        comment_id, line_no AS first_no, lead(line_no) OVER w - 1 AS next_last_no,
        coalesce(heading_kind, 'job') AS section,
        sum(is_heading::INT) OVER w AS job_no
    FROM (SELECT l.comment_id, l.line_no, k.is_heading, k.heading_kind, false AS is_start
          FROM lines AS l
          JOIN (SELECT line, is_heading, heading_kind FROM kinds WHERE heading_kind IS NOT NULL) AS k USING (line)
          UNION ALL
          SELECT comment_id, 1, false, NULL, true FROM texts)
    -- the start row sorts before a heading on line 1, whose start segment is then empty (dropped below)
    WINDOW w AS (PARTITION BY comment_id ORDER BY line_no, is_start DESC)
),
segment_lists AS (
    SELECT comment_id, list(struct_pack(first_no, next_last_no, section, position_no :=
        CASE section WHEN 'employer' THEN -1 WHEN 'benefits' THEN -2 WHEN 'roles' THEN 0 ELSE job_no END)) AS segs
    FROM segments
    GROUP BY comment_id
),
numbered AS (
    -- each segment's lines, joined; lines under "加分项" / "Preferred qualifications" (an 'optional' section, but not
    -- its heading) are marked, so their skills do not tag (skill_matches)
    SELECT comment_id, seg.first_no, seg.position_no, lines[seg.first_no] AS first_line,
           array_to_string(CASE WHEN seg.section = 'optional'
                                THEN [lines[seg.first_no]] || list_transform(lines[seg.first_no + 1:seg.last_no],
                                                                            lambda l: '[optional] ' || l)
                                ELSE lines[seg.first_no:seg.last_no] END, chr(10)) AS text
    FROM (SELECT t.comment_id, t.lines,
                 unnest(list_transform(s.segs, lambda g: struct_pack(first_no := g.first_no, section := g.section,
                     position_no := g.position_no, last_no := coalesce(g.next_last_no, len(t.lines))))) AS seg
          FROM texts AS t
          JOIN segment_lists AS s USING (comment_id))
    WHERE seg.last_no >= seg.first_no
)
-- a position's segments in line order (a list sorted on first_no, not string_agg(... ORDER BY): that ordered
-- aggregate over segment texts could not spill to disk, and failed under a memory limit the baseline met);
-- its title: macro position_title (the line under a "岗位名称" heading, else the first line)
SELECT comment_id, position_no, position_title(first_line, text) AS title, text
FROM (SELECT
          comment_id,
          position_no::INT AS position_no,
          arg_min(first_line, first_no) AS first_line,
          array_to_string(list_transform(list_sort(list(struct_pack(first_no, text))), lambda g: g.text), chr(10))
              AS text
      FROM numbered
      GROUP BY comment_id, position_no)
