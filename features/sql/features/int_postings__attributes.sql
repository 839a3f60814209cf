-- grain: one row per posting text (comment_id)
-- from: staging.stg_postings__comments, ref.cn_regions (city/province aliases -> ISO 3166-2:CN);
--       substrings_in() is the Aho-Corasick function of features/term_prefilter.py
-- why: issue 3 clean-up: region, employer, salary range and seniority where the text states them (NULL when
--      it does not; nothing is guessed). Employer: a 公司： field, a registered name (…有限公司), or the heading's
--      first part ("X 招聘", "X - title"). Region = the first city/province the text names (a posting names its
--      office first, later mentions are often HQs or clients); salary in CNY per month (k = 1,000 a month,
--      万 ranges = 10,000 a year unless 月薪 or /月 says monthly); seniority from the first matching keyword
--      in the order intern, graduate, lead, senior, junior.
WITH gates AS (
    -- literals that every match of a regex holds, so the regex runs only on texts holding one (a superset is
    -- enough: the regex decides). They are looked up in text_lc: lower() maps each code point on its own, so a text
    -- holding x holds lower(x) in text_lc ('5K' -> '5k'; digits, Han characters, ':' and whitespace stay as they
    -- are). \s in RE2 is [\t\n\f\r ] (chr 9, 10, 12, 13, 32; checked over every code point, DuckDB 2.0.1).
    SELECT
        -- employer field: (公司名称|公司|企业名称|企业) then \s* then [:：]: a word's last two characters, then a
        -- colon or the first whitespace character
        flatten(list_transform(['公司', '企业', '名称'], lambda w: list_transform([':', '：'] || ws, lambda c: w || c)))
            AS employer_field,
        -- salary "15K - 25K": every match ends [0-9] \s* [kK千]; "25w-40w": every match holds [0-9] \s* (万|w|W).
        -- What stands right before the unit: a digit, a digit and one whitespace, or two whitespace characters
        flatten(list_transform(before_unit, lambda b: [b || 'k', b || '千'])) AS salary_k,
        flatten(list_transform(before_unit, lambda b: [b || 'w', b || '万'])) AS salary_w
    FROM (SELECT ws, digit || flatten(list_transform(digit || ws, lambda a: list_transform(ws, lambda c: a || c)))
                     AS before_unit
          FROM (SELECT ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] AS digit,
                       [chr(9), chr(10), chr(12), chr(13), chr(32)] AS ws))
),
terms AS (
    -- every literal found looks for, SEP-joined (chr 31), once per query: the region aliases, the gates and the
    -- literals of the tests below
    SELECT (SELECT string_agg(DISTINCT alias, chr(31)) FROM ref.cn_regions) || chr(31) || array_to_string(
               employer_field || salary_k || salary_w || [
               '有限', '股份公司', '集团', 'company', '年以上', '年及以上', 'year',
               '远程', 'remote', '居家办公', 'wfh',
               '实习', 'intern', '应届', '校招', '校园招聘', 'new grad', 'graduate program',
               '总监', '负责人', '技术经理', 'head of', 'director', 'lead', 'cto',
               '资深', '高级', '专家', 'senior', 'sr', 'staff', 'principal', '初级', 'junior', 'jr'], chr(31)) AS joined
    FROM gates
),
texts AS (
    -- normalised once (lower() of the normalised text, not a second normalize_text).
    -- found: the terms of `terms` that text_lc contains, in ONE substrings_in pass (exactly the terms t with
    -- contains(text_lc, t); NULL for a NULL text, as contains() gives): the tests below look a few terms up in
    -- found instead of a contains() scan of the whole text each (~30 of them), and the gates (CASE, the look-up
    -- first) keep the salary and employer-field regexes off most texts.
    SELECT comment_id, text, text_lc,
           CASE WHEN text_lc IS NOT NULL THEN substrings_in(text_lc, (SELECT joined FROM terms)) END AS found
    FROM (SELECT comment_id, text, lower(text) AS text_lc
          FROM (SELECT comment_id, normalize_text(text) AS text FROM staging.stg_postings__comments))
),
region_hits AS (
    -- the aliases a text contains (found: the same pairs as contains(text_lc, alias) on every (text, alias) pair,
    -- at a fraction of the cost), then an equi-join (which drops the other literals of found)
    SELECT t.comment_id, r.region_code, r.name_en, r.alias, instr(t.text_lc, r.alias) AS pos
    FROM (SELECT comment_id, text_lc, unnest(found) AS alias FROM texts) AS t
    JOIN ref.cn_regions AS r USING (alias)
),
first_region AS (
    SELECT comment_id, region_code, name_en AS region_name, alias AS region_evidence
    FROM region_hits
    QUALIFY row_number() OVER (PARTITION BY comment_id ORDER BY pos, length(alias) DESC) = 1
),
extracted AS (
    SELECT
        comment_id,
        text_lc,
        found,
        -- employer: a declared company field, else a registered company name, else "X 招聘/内推" in the heading
        nullif(coalesce(
            -- (each regex runs only on texts holding a literal every match of it holds: CASE, not AND, skips the
            -- rest. A gate of `gates` is tested on the shape of found's few terms (the employer field: a term ending in
            -- a colon or whitespace; salary: one ending in the unit), not by list_has_any() with the gate's list,
            -- which cost ~1 s per 100k texts for 170 literals: every literal of the gate has that shape, and another
            -- term that had it would only let the regex run on more texts)
            CASE WHEN len(list_filter(found, lambda x: right(x, 1) IN (':', '：', chr(9), chr(10), chr(12), chr(13), chr(32))))
                      > 0 THEN
                nullif(regexp_extract(text, '(公司名称|公司|企业名称|企业)\s*[:：]\s*([^\s,，。；;|\n（(\[【]{2,40})', 2), '') END,
            -- (every match ends in 有限责任公司, 有限公司, 股份公司 or 集团: '有限' is in the first two)
            CASE WHEN list_has_any(found, ['有限', '股份公司', '集团']) THEN
                nullif(regexp_extract(text, '([\x{4e00}-\x{9fff}A-Za-z0-9（）()]{2,30}?(有限责任公司|有限公司|股份公司|集团))', 1), '') END,
            nullif(regexp_extract(text, '^[#>*\s]*(?:[\[【][^\]】\n]{1,12}[\]】])?\s*([^\s【】#|/（(\[]{2,20}?)\s*(招聘|诚聘|急招|内推)', 1), ''),
            -- a heading "字节跳动 - 高级系统工程师", "[北京]京东零售-技术与数据中心": the part before the dash or bar
            nullif(regexp_extract(text, '^[#>*\s]*(?:[\[【][^\]】\n]{1,12}[\]】])?\s*([^\s\-—|｜/\[【#*]{2,20}?)\s*[-—|｜]', 1), ''),
            -- (?i) folds no non-ASCII letter to c, o, m, p, a, n or y, so every match holds 'company' in text_lc
            CASE WHEN list_contains(found, 'company') THEN
                nullif(trim(regexp_extract(text, '(?i)\bcompany\s*[:：]\s*([^\n,;|]{2,40}?)\.?(\.\s|[\n,;|]|$)', 1)), '') END
        ), '') AS employer,
        -- salary: "15K - 25K", "18～25k", "20-40k·15薪"
        -- (IS NOT FALSE: a NULL text gets the regex's NULL, as before)
        CASE WHEN (len(list_filter(found, lambda x: suffix(x, 'k') OR suffix(x, '千'))) > 0) IS NOT FALSE THEN
            regexp_extract(text, '([0-9]{1,3}(?:\.[0-9])?)\s*[kK千]?\s*[-~～到至—–]\s*([0-9]{1,3}(?:\.[0-9])?)\s*[kK千]',
                           ['lo', 'hi'])
            ELSE {'lo': '', 'hi': ''} END AS sal_k,
        -- "年薪 30-60 万", "25w-40w", "月薪2万-3万"
        CASE WHEN (len(list_filter(found, lambda x: suffix(x, 'w') OR suffix(x, '万'))) > 0) IS NOT FALSE THEN
            regexp_extract(text, '(月薪|月)?\s*([0-9]{1,3}(?:\.[0-9])?)\s*(?:万|w|W)?\s*[-~～到至—–]\s*([0-9]{1,3}(?:\.[0-9])?)\s*(?:万|w|W)(\s*/\s*月)?',
                           ['m1', 'lo', 'hi', 'm2'])
            ELSE {'m1': '', 'lo': '', 'hi': '', 'm2': ''} END AS sal_w,
        CASE WHEN list_has_any(found, ['年以上', '年及以上', 'year'])
             THEN regexp_extract(text_lc, '(\d{1,2})\s*\+?\s*年以上|(\d{1,2})\s*年及以上|(\d{1,2})\s*\+?\s*years?', 0)
             ELSE '' END AS years_text
    FROM texts
),
salary AS (
    SELECT
        comment_id,
        CASE WHEN sal_k.lo <> '' THEN sal_k.lo::DOUBLE * 1000
             WHEN sal_w.lo <> '' AND (sal_w.m1 <> '' OR sal_w.m2 <> '') THEN sal_w.lo::DOUBLE * 10000
             WHEN sal_w.lo <> '' THEN sal_w.lo::DOUBLE * 10000 / 12 END AS lo,
        CASE WHEN sal_k.lo <> '' THEN sal_k.hi::DOUBLE * 1000
             WHEN sal_w.lo <> '' AND (sal_w.m1 <> '' OR sal_w.m2 <> '') THEN sal_w.hi::DOUBLE * 10000
             WHEN sal_w.lo <> '' THEN sal_w.hi::DOUBLE * 10000 / 12 END AS hi
    FROM extracted
)
SELECT
    e.comment_id,
    r.region_code,
    r.region_name,
    r.region_evidence,
    -- literal alternatives looked up in found (the same booleans as the regex, NULL for a NULL text)
    list_has_any(e.found, ['远程', 'remote', '居家办公', 'wfh']) AS is_remote,
    -- a bare legal suffix or markup left over is no employer
    CASE WHEN regexp_matches(trim(e.employer, '*_ '), '\p{L}.*\p{L}')
          AND NOT regexp_matches(trim(e.employer, '*_ '), '^(科技|技术|信息|网络)?(有限责任公司|有限公司|股份公司|集团|公司)$')
         THEN left(trim(e.employer, '*_ '), 40) END AS employer,
    -- implausible ranges (reversed, under 1k or over 500k a month) are dropped, not repaired
    CASE WHEN s.lo BETWEEN 1000 AND s.hi AND s.hi <= 500000 THEN round(s.lo) END AS salary_min_cny_month,
    CASE WHEN s.lo BETWEEN 1000 AND s.hi AND s.hi <= 500000 THEN round(s.hi) END AS salary_max_cny_month,
    -- each regex only on texts holding one of its literals (CASE: the cheap test, a look-up in found, first)
    CASE
        WHEN CASE WHEN list_contains(e.found, '实习') THEN true WHEN list_contains(e.found, 'intern')
                  THEN regexp_matches(e.text_lc, '\bintern(ship)?s?\b') ELSE false END THEN 'intern'
        WHEN list_has_any(e.found, ['应届', '校招', '校园招聘', 'new grad', 'graduate program']) THEN 'graduate'
        WHEN CASE WHEN list_has_any(e.found, ['总监', '负责人', '技术经理', 'head of', 'director']) THEN true
                  WHEN list_has_any(e.found, ['lead', 'cto'])
                  THEN regexp_matches(e.text_lc, '\b(tech |team )?lead\b|\bcto\b') ELSE false END THEN 'lead'
        WHEN CASE WHEN list_has_any(e.found, ['资深', '高级', '专家']) THEN true
                  WHEN list_has_any(e.found, ['senior', 'sr', 'staff', 'principal'])
                  THEN regexp_matches(e.text_lc, '\bsenior\b|\bsr\.?\s|\bstaff\b|\bprincipal\b') ELSE false END
            THEN 'senior'
        WHEN CASE WHEN list_contains(e.found, '初级') THEN true WHEN list_has_any(e.found, ['junior', 'jr'])
                  THEN regexp_matches(e.text_lc, '\bjunior\b|\bjr\.?\s') ELSE false END THEN 'junior'
    END AS seniority,
    nullif(regexp_extract(e.years_text, '(\d{1,2})', 1), '')::INT AS min_years_experience
FROM extracted AS e
JOIN salary AS s USING (comment_id)
LEFT JOIN first_region AS r USING (comment_id)
