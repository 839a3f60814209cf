-- Macros shared by the SQL models; run before any model. Patterns are RE2 (DuckDB regexp_*).
-- redact_contacts: removes e-mail addresses, phone numbers, WeChat and QQ ids from posting text
-- (DEVELOPERS.md: personal contact details never leave the raw layer). URLs are kept.
-- Spaces include U+00A0 and U+3000, which Chinese posts use and RE2's \s does not match.
-- Each pattern runs only on texts that pass a cheap test it implies (issue 3, 1M postings: the seven
-- regexp_replace calls over every text were most of staging's cost; most texts hold no contact detail). Every
-- test is a literal or a short RE2 literal alternation that each match of its pattern contains, spelled with
-- explicit [xX] classes instead of (?i), which is as exact for these ASCII letters and ~4x faster; a test whose
-- branches start with different bytes ('[qQ][qQ]|扣扣', '[vVwW][xX]', the CJK branches of the WeChat test) is
-- the OR of contains() of each literal it spells, the same test ~4x faster (RE2 reads such a pattern byte by
-- byte; the qq and vx tests took 1.1-1.2 CPU s per 100k postings, as contains() 0.2-0.3). The tests look
-- at the original text t: the placeholders inserted by earlier steps ([email], ": [wechat]", ": [qq]",
-- [phone], each bracketed) hold no digit, '+', 'vx'/'wx', 'qq' or keyword, so they cannot make a later test
-- true, and a text failing a test is left unchanged by that step, exactly as before (tests/test_redact.py).
CREATE OR REPLACE MACRO _redact_email(x, t) AS CASE WHEN contains(t, '@') THEN regexp_replace(x,
  '[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}', '[email]', 'g') ELSE x END;
CREATE OR REPLACE MACRO _redact_wechat(x, t) AS
CASE WHEN contains(t, '微信') OR contains(t, '威信') OR contains(t, '薇信')
       OR contains(t, 'v信') OR contains(t, 'V信')
       OR regexp_matches(t, '[wW][eE]([cC][hH][aA][tT]|[iI][xX][iI][nN])') THEN regexp_replace(x,
  '(微信号?|wechat|weixin|v信|威信|薇信)([\s\x{00A0}\x{3000}]*(id|号|加|联系|搜索|搜))?[\s\x{00A0}\x{3000}]*[:：]?[\s\x{00A0}\x{3000}]*[A-Za-z][A-Za-z0-9_\-]{4,19}', '\1: [wechat]', 'gi')
ELSE x END;
CREATE OR REPLACE MACRO _redact_vx(x, t) AS
CASE WHEN contains(t, 'vx') OR contains(t, 'vX') OR contains(t, 'Vx') OR contains(t, 'VX') OR contains(t, 'wx')
       OR contains(t, 'wX') OR contains(t, 'Wx') OR contains(t, 'WX') THEN regexp_replace(x,
  '\b(vx|wx)[\s\x{00A0}\x{3000}]*[:：][\s\x{00A0}\x{3000}]*[A-Za-z][A-Za-z0-9_\-]{4,19}', '\1: [wechat]', 'gi') ELSE x END;
CREATE OR REPLACE MACRO _redact_qq(x, t) AS
CASE WHEN contains(t, 'qq') OR contains(t, 'qQ') OR contains(t, 'Qq') OR contains(t, 'QQ') OR contains(t, '扣扣')
     THEN regexp_replace(x,
  '(qq|扣扣)([\s\x{00A0}\x{3000}]*(号|群|加|联系))?[\s\x{00A0}\x{3000}]*[:：]?[\s\x{00A0}\x{3000}]*[1-9][0-9]{4,11}', '\1: [qq]', 'gi')
ELSE x END;
CREATE OR REPLACE MACRO _redact_mobile(x, t) AS CASE WHEN regexp_matches(t, '1[3-9][0-9][\- ]?[0-9]{4}') THEN regexp_replace(x,
  '(^|[^0-9A-Za-z])(\+?86[\- ]?)?1[3-9][0-9](-| )?[0-9]{4}(-| )?[0-9]{4}', '\1[phone]', 'g') ELSE x END;
CREATE OR REPLACE MACRO _redact_landline(x, t) AS CASE WHEN regexp_matches(t, '0[0-9]{2,3}-[0-9]{7}') THEN regexp_replace(x,
  '(^|[^0-9])0[0-9]{2,3}-[0-9]{7,8}', '\1[phone]', 'g') ELSE x END;
CREATE OR REPLACE MACRO _redact_intl(x, t) AS CASE WHEN regexp_matches(t, '\+[1-9]') THEN regexp_replace(x,
  '(^|[^0-9A-Za-z])\+[1-9][0-9]{0,2}[\- ]?\(?[0-9]{2,4}\)?[\- ][0-9]{3,4}[\- ]?[0-9]{3,4}', '\1[phone]', 'g') ELSE x END;
CREATE OR REPLACE MACRO redact_contacts(t) AS
_redact_intl(_redact_landline(_redact_mobile(_redact_qq(_redact_vx(_redact_wechat(_redact_email(t, t), t), t), t), t), t), t);

-- pseudonymise: a stable, non-reversible key for a poster's login (the snapshot is pre-pseudonymised).
CREATE OR REPLACE MACRO pseudonymise(login) AS
CASE WHEN login IS NULL THEN NULL WHEN starts_with(login, 'u_') THEN login
     ELSE 'u_' || left(sha256(login), 10) END;

-- not_posting_reason(text, is_minimized): why a thread comment is not a posting (NULL: it is one), for the staging
-- models of both comment sources (staging.stg_zh_postings__comments, staging.stg_hn__postings): moderator recaps
-- and notices, chatter too short to be a posting, questions and job seekers (HN's own "Ask HN:" text, SEEKING WORK,
-- the "Who wants to be hired?" template), replies that quote another comment. `text` is the redacted plain text.
CREATE OR REPLACE MACRO not_posting_reason(text, is_minimized) AS
CASE
    WHEN is_minimized THEN 'minimised by the moderator'
    WHEN text LIKE '%上一期《谁在招人？》的招聘汇总%' OR text LIKE '%招聘汇总%有意的朋友%'
      OR text LIKE '%上个月的招聘信息汇总%' OR text LIKE '%上个月的招聘汇总%' THEN 'moderator recap'
    WHEN regexp_matches(text, '^\s*本月招聘帖(已)?关闭') THEN 'moderator notice'
    -- a bare job title ("Data Scientist", "机器视觉算法工程师", traditional "機器學習工程師") is a posting however
    -- short (issue 3: tag a title); this runs before the text is converted to simplified characters
    WHEN length(text) < 60 AND NOT regexp_matches(lower(text),
        '工程师|工程師|开发|開發|专家|專家|经理|經理|实习|實習|研究员|研究員|架构师|架構師|设计师|設計師|技术员|技術員|招聘|engineer|developer|scientist|specialist|analyst|manager|technician|officer|director|assistant|intern|machinist|welder|mechanic|statistician|lead\b')
        -- short Chinese chatter ("已投递", "+1") is not; a short English line is read as a title
        AND (regexp_matches(text, '[\x{4e00}-\x{9fff}]') OR length(trim(text)) < 8)
        THEN 'too short to be a posting'
    -- (a leading bracket too: "## [个人求职-架构师]", "【求职】")
    -- and an HN thread's own text ("Ask HN: Who is hiring?") asks for postings: it is none
    WHEN regexp_matches(text, '^[\s#>*\[【(（]*(请问|个人求职|求职|求内推|想问|有没有)')
      OR regexp_matches(text, '^[\s#>*]*ask hn\s*:', 'i') THEN 'question or job seeker'
    -- "# 26届找实习", "SEEKING WORK", HN's "Who wants to be hired?" template (Location / Willing to relocate /
    -- Résumé) are job seekers
    WHEN regexp_matches(text, '^[\s#>*]*([0-9]{2,4}\s*届\s*)?(找实习|找工作|求实习)')
      OR regexp_matches(text, '^[\s#>*]*(seeking work|looking for work|seeking (a )?(job|role|position))', 'i')
      OR (regexp_matches(text, 'willing to relocate\s*:', 'i') AND regexp_matches(text, '(r[ée]sum[ée]|\bcv)\s*[:/]', 'i'))
        THEN 'job seeker'
    -- a reply that quotes another comment ("> 拼多多内推链接 ..." then "收到，感谢推荐", "实习吗"): what is not quoted is a
    -- short thank-you or question naming no role (a posting written wholly as a quote, or re-quoting the
    -- poster's own earlier post, has nothing or a role outside the quote)
    WHEN regexp_matches(text, '^\s*>')
     AND length(trim(regexp_replace(text, '(?m)^\s*>.*$', '', 'g'))) BETWEEN 1 AND 120
     AND regexp_matches(regexp_replace(text, '(?m)^\s*>.*$', '', 'g'),
                        '感谢|谢谢|多谢|收到|已投|投了|请问|求问|同问|吗|呢|thanks|thank you|[?？]', 'i')
     AND NOT regexp_matches(regexp_replace(text, '(?m)^\s*>.*$', '', 'g'),
                            '工程师|招聘|岗位职责|职位描述|engineer|developer|hiring|scientist', 'i')
        THEN 'reply quoting another comment'
END;

-- normalize_text: full-width ASCII forms (U+FF01..U+FF5E) to half-width and ideographic/no-break spaces
-- to plain spaces, so ＡＩ, ＰＬＣ and Ｐｙｔｏｒｃｈ match the seed terms (issue 3: width normalisation).
-- Traditional -> simplified characters (機器學習 -> 机器学习) is zh_simplified(t), registered with the Aho-Corasick
-- function by features/zh_convert.py (OpenCC's character table; DuckDB's translate() was 100x slower with it):
-- int_postings__positions matches on zh_simplified(normalize_text(text)) (normalize_zh_text: the same in one
-- character-class scan, features/zh_convert.py).
-- The same mapping, fast: translate() searches its table linearly for every character (~0.15 us per character:
-- 10 s per 50k postings, run by three models). Almost every Chinese text holds ，；：（）！？ or U+00A0 and few hold
-- any other character of the table, so texts without those others take eight replace() calls (a substring
-- search each) and only the rest take translate(). Each character maps on its own to an ASCII character outside
-- the table, so the order of replacements does not matter and both branches equal translate(t, table).
CREATE OR REPLACE MACRO _normalize_text_table(t) AS
translate(t, '！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：；＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～' || chr(12288) || chr(160), '!"#$%&''()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^_`abcdefghijklmnopqrstuvwxyz{|}~' || '  ');
-- _normalize_text_rare(): the characters of the table other than those eight, as the body of an RE2 class (a
-- constant: the pattern below folds to a literal and compiles once); features/zh_convert.py builds
-- normalize_zh_text() on it and on _normalize_text_common(t), the eight replace() calls.
CREATE OR REPLACE MACRO _normalize_text_rare() AS
'\x{FF02}-\x{FF07}\x{FF0A}\x{FF0B}\x{FF0D}-\x{FF19}\x{FF1C}-\x{FF1E}\x{FF20}-\x{FF5E}\x{3000}';
CREATE OR REPLACE MACRO _normalize_text_common(t) AS
replace(replace(replace(replace(replace(replace(replace(replace(t, '，', ','), '；', ';'), '：', ':'),
        '（', '('), '）', ')'), '！', '!'), '？', '?'), chr(160), ' ');
CREATE OR REPLACE MACRO normalize_text(t) AS
CASE WHEN regexp_matches(t, '[' || _normalize_text_rare() || ']') THEN _normalize_text_table(t)
     ELSE _normalize_text_common(t) END;

-- minhash_k: the k-th hash of a universal family (a * h + b) mod p, p = 2^31 - 1, for minhash signatures of
-- near-duplicate postings (int_postings__reposts). h is a BIGINT < p and a < 2^31, so a * h fits a BIGINT
-- (UBIGINT or HUGEINT arithmetic here was 50x slower). int_postings__reposts computes it in numpy (repost_minhash,
-- features/repost_signature.py, which must change with it: tests/test_repost_signature.py compares the two);
-- the macro stays for benchmarks/baseline_reposts.sql and that test.
CREATE OR REPLACE MACRO minhash_k(h, k) AS (h * (1103515245 + 40503 * k) + 97 * k + 1) % 2147483647;

-- The clause a matched skill term sits in, for int_postings__skill_matches' optional-skill rule (issue 3).
-- sentence_before(prefix) / sentence_after(suffix): the text up to / from the term back to / on to the nearest
-- sentence delimiter: 。；;！!？? a line break, '|' (the field separator of "Company | Role | Place" headers),
-- a bullet, or an English full stop followed by a space ("Firmware, RTOS. Nice to have: ML" is two sentences;
-- "Node.js" and "3.5 years" are not split).
CREATE OR REPLACE MACRO sentence_before(prefix) AS regexp_extract(prefix, '(?:[^。；;！!？?\n|•.]|\.\S)*\.?$');
CREATE OR REPLACE MACRO sentence_after(suffix) AS regexp_extract(suffix, '^(?:[^。；;！!？?\n|•.]|\.\S)*');
-- line_before(prefix): the text up to the term back to the line break before it (a leading "加分项:" covers its line)
CREATE OR REPLACE MACRO line_before(prefix) AS regexp_extract(prefix, '[^\n]*$');
-- skill_optional(pre, post): whether the sentence pre || post (term at the join) says the term is optional or
-- not needed. A leading marker ("Nice to have:", "加分项:", "加分项（满足其一即可）:", "Preferred qualifications:")
-- covers what follows it in the sentence; a marker anywhere else ("...者优先", "is a plus", "无需") covers, in English, the whole
-- sentence ("PyTorch, TensorFlow or JAX is a plus": commas separate the items a trailing marker covers) and,
-- in a sentence with Chinese text, the comma-separated part holding the term and what follows it up to the
-- next part that opens a new requirement (", 有/具备/熟悉/掌握..."): "熟悉深度学习, 有ROS经验者优先" keeps deep
-- learning required, "985优先, 熟悉深度学习" too, "熟悉LLM以及AWS, Azure, GCP者优先" makes LLM optional
-- (normalize_text turned '，' into ','). "No ML experience required" is a negation the same way.
CREATE OR REPLACE MACRO skill_optional(pre, post) AS
regexp_matches(pre, '(nice[ -]to[ -]haves?|加分项?|优先(条件|考虑)?|preferred( qualifications| skills)?|bonus( points)?|plus|optional)\s*(\([^)]{0,30}\))?\s*:')
OR regexp_matches(CASE WHEN regexp_matches(pre || post, '\p{Han}')
                       THEN regexp_extract(pre, '[^,]*$')
                            || regexp_extract(post, '^(.*?)(?:,\s*(?:有|具备|具有|拥有|熟悉|掌握|了解|精通|能够|会)|$)', 1)
                       ELSE pre || post END,
                  '优先|加分|者佳|更佳|为佳|不需要|无需|不要求|不必|nice to have|nice-to-have|is a plus|a plus|preferred|bonus|'
                  || 'not (required|needed|necessary)|\bno\b[^.]{0,40}\b(required|needed|necessary)\b|\[optional\]');

-- skill_required(pre, post, line_pre, position_no, kind): whether a matched term (its sentence split at the term:
-- pre, post; line_pre: its line up to the term) is a requirement of its position, the rule
-- int_postings__skill_matches (and its frozen join-strategy baseline, benchmarks/baseline_skill_matches.sql) apply:
-- not when the sentence marks it optional, nor when its line opens with an optional marker ("5.加分项（满足其一即
-- 可）：A；B；熟悉传感器技术；..." lists its optional items as sentences of one line), not in a benefits section
-- (-2), a manufacturing word in an employer section (-1) only where the sentence says what the employer makes or is,
-- and not in a list of the markets a vendor serves.
CREATE OR REPLACE MACRO skill_required(pre, post, line_pre, position_no, kind) AS
CASE
    WHEN skill_optional(pre, post) THEN false
    WHEN regexp_matches(line_pre, '^[\s*#>•\-0-9.、)(]*(nice[ -]to[ -]haves?|加分项?|优先条件|preferred( qualifications| skills)?|bonus( points)?|pluses|optional)\s*(\([^)]{0,30}\))?\s*:')
        THEN false
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
    -- the few sentences that name an industry or field)
    WHEN NOT (contains((pre || post), '行业') OR contains((pre || post), '领域')) THEN true
    WHEN regexp_matches((pre || post), '[、，,/][^、，,/]+[、，,/]')
     AND regexp_matches((pre || post), '等[^。；;]{0,12}(行业|领域)|(为|面向|服务于?|覆盖|涵盖|赋能)[^。；;]{0,60}(行业|领域)|'
                                || '(行业|领域)[^。；;]{0,4}\([^)]{0,60}等\)')
     AND regexp_matches((pre || post), '金融|政府|政务|运营商|医疗|教育|零售|电商|交通|农业|城市|园区|地产|社区|物流|银行|保险|媒体|文旅')
     AND NOT regexp_matches((pre || post), '熟悉|掌握|精通|了解|经验|负责|从事|要求') THEN false
    ELSE true
END;

-- heading_kind(words, is_job_heading): the kind of section a heading line starts, for int_postings__positions (and
-- its frozen baseline, benchmarks/baseline_positions.sql). words: the heading's letters and digits, lower-case,
-- without a leading number ("### 二 公司介绍" -> 公司介绍); NULL for a line that is no heading.
-- 'job' (a position's title, or any other heading inside a position), 'employer' ("公司介绍", "关于我们",
-- "关于翼辉", a bare "关于:", "About us"), 'benefits' ("薪酬福利", "Perks"), 'optional' ("加分项",
-- "Preferred qualifications"), 'roles' (a list of the other roles on offer: "其他方向", "热招岗位"; LABELLING rule
-- 3). "关于"/"About" followed by a name is the employer unless the name is the job or its terms ("关于岗位",
-- "关于薪资", "About the role", "About you").
CREATE OR REPLACE MACRO heading_kind(words, is_job_heading) AS
CASE
    WHEN is_job_heading THEN 'job'
    WHEN regexp_matches(words,
        '^.{0,8}(公司|团队|部门|企业|业务|产品|我们)(介绍|简介|概况|优势)$|^.{0,6}业务$|^关于(我们|公司|团队)?$'
        || '|^我们是谁$|^我们的(产品|业务|团队)$|^为什么(选择|加入)|^(about(us|thecompany|theteam)|whoweare|ourcompany|whyjoin)|^about$'
        || '|^what(we|were|weare)(about|do|build)|^our(mission|story)$')
      OR (regexp_matches(words, '^关于.{1,10}$')
          AND NOT regexp_matches(words, '^关于(岗位|职位|工作|本职|这个|此|招聘|薪|福利|待遇|面试|投递|简历|应聘|加入|内推|远程)'))
      OR (regexp_matches(words, '^about.{1,20}$')
          AND NOT regexp_matches(words, '^about(the|this|our)?(role|job|position|opportunit|work|you|team|candidate|internship)'))
        THEN 'employer'
    WHEN regexp_matches(words,
        '^.{0,8}(福利|福利待遇|薪酬福利|薪酬与福利|薪资福利|薪资与福利|待遇福利)$|^(benefits|perks|perksandbenefits|benefitsandperks|whatweoffer)$')
        THEN 'benefits'
    WHEN regexp_matches(words, '^(加分|优先条件|优先考虑|bonus|preferred|nicetohave|pluses|welcomeskills)') THEN 'optional'
    WHEN regexp_matches(words,
        '^(其他|其它|更多|在招|热招|招聘|开放)(方向|岗位|职位)$|^(职位|岗位)列表$|^(otherroles|openroles|openpositions|positions)$')
        THEN 'roles'
    WHEN words IS NOT NULL THEN 'job'
END;

-- position_title(first_line, text): a position's title, for int_postings__positions and its frozen baseline: the
-- line under a "岗位名称" / "职位名称" / "Job title" heading when the position's text has one ("### 岗位名称" then
-- "基础平台运维开发工程师"), else its first line; without markup ('#', '>', '*', 【】). A list of titles under the
-- heading ("## 岗位名称" then "- Android系统工程师", "- DSP Engineer") names no one title: the first line stays.
-- (The heading is looked for only in texts holding 名称, "itle" or "ITLE": a literal test, not lower() of every text.)
CREATE OR REPLACE MACRO position_title(first_line, text) AS
trim(regexp_replace(
    coalesce(CASE WHEN contains(text, '名称') OR contains(text, 'itle') OR contains(text, 'ITLE')
                  THEN nullif(regexp_extract(text,
                      '(?mi)^[#>*\s【]*(?:(?:招聘)?(?:岗位|职位)名称|(?:job|position)\s+title)\s*[:：]?[\s*】]*\r?\n\s*(?:[-•]\s*)?([^\r\n]{2,60}?)[ \t]*(?:\r?\n[ \t]*(?:[^\s\-•*0-9]|\*\*|\r?\n|\z)|\z)',
                      1), '') END,
             first_line),
    '^[#>*\s【]+|[*】\s]+$', '', 'g'));

-- Occupation coding of a position's title (int_postings__occupations only: these macros are not on the path of
-- int_postings__positions or its frozen baseline, which keep position_title as it is).
-- title_clean(line): a title line without its markup: markdown images removed, links reduced to their text, HTML
-- tags, bare URLs, @mentions and code fences removed, leading bullets/emoji/'#*>' and trailing '*#:|-' stripped;
-- '' when nothing is left (an image, a link to a page, a blank or markup-only line names no job).
CREATE OR REPLACE MACRO title_clean(line) AS
trim(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(coalesce(line, ''),
    '!\[[^\]]*\]\([^)]*\)?', ' ', 'g'),
    '\[([^\]]*)\]\([^)]*\)?', '\1', 'g'),
    '<[^>]*>?|https?://\S+|www\.\S+|(^|\s)@\S+|`+', ' ', 'g'),
    '^[^\p{L}\p{N}.(（]+', ''),
    '[\s*#_~>|｜:：\-=]+$', ''));
-- job_field(line): the field of a header line that names a job, for English lines ("Acme Robotics | Senior Machine
-- Learning Engineer | San Francisco, CA | ONSITE", the Hacker News "Who is hiring?" header; "Booking.Com - Android,
-- Backend Developer"): fields are separated by '|', '•', '·', ',', ';', '@' or a spaced dash; the first field with a
-- job noun is the title. A line with CJK text, without a separator or with no such field is kept whole.
CREATE OR REPLACE MACRO job_field(line) AS
CASE WHEN regexp_matches(line, '\p{Han}') OR NOT regexp_matches(line, '[|｜•·,;@]|\s[-–—]\s') THEN line
     -- parenthetical notes go first: "JavaScript Engineer (Remote, Full-Time)" is one field
     ELSE coalesce(trim(list_filter(string_split_regex(regexp_replace(line, '\([^)]*\)?', ' ', 'g'),
                                                  '\s*(?:[|｜•·,;@]|\s[-–—]\s)\s*'), lambda f: regexp_matches(lower(f),
              '\b(engineers?|developers?|programmers?|scientists?|researchers?|managers?|directors?|technicians?|'
              || 'technologists?|architects?|analysts?|designers?|administrators?|specialists?|consultants?|operators?|'
              || 'machinists?|mechanics?|officers?|coordinators?|writers?|interns?|sre|dba|swe|sde|devops)\b'))[1]),
                   line) END;
-- en_title_words(title, abbreviations): an English title as the words it is coded on: lower-case, without
-- parenthetical notes, pay ("25-45k"), employment terms (full-time, on-site, remote, hybrid), level words (senior,
-- sr, junior, jr, staff, principal, lead, founding, intern, head of, I/II/III; the federal "Supervisory": a supervisor
-- of accountants is coded as an accountant, as SOC codes supervisors of professionals), then with each abbreviation of the
-- map (ref.title_abbreviations: sre -> site reliability engineer) spelled out. "Senior" alone gives no words.
CREATE OR REPLACE MACRO _en_title_tokens(title) AS
list_filter(list_transform(string_split_regex(regexp_replace(regexp_replace(lower(title),
    '\([^)]*\)?|（[^）]*）?|\[[^\]]*\]', ' ', 'g'),
    '\b(full|part)[- ]?time\b|\bon[- ]?site\b|\bhead of\b|\bentry[- ]level\b|\bnew grad(uate)?s?\b', ' ', 'g'),
    '[^a-z0-9+#.]+'), lambda w: CASE WHEN starts_with(w, '.') THEN w ELSE rtrim(w, '.') END), lambda w: w <> '');
CREATE OR REPLACE MACRO _en_title_kept(ws) AS
list_filter(ws, lambda w, i:
    w NOT IN ('senior', 'sr', 'snr', 'junior', 'jr', 'staff', 'principal', 'lead', 'founding', 'intern',
              'internship', 'ii', 'iii', 'iv', 'onsite', 'hybrid', 'supervisory')
    -- "Remote Sensing Scientist", "Remote Pilot" keep the word
    AND NOT (w = 'remote' AND coalesce(ws[i + 1], '') NOT IN ('sensing', 'pilot', 'pilots', 'operator', 'support'))
    AND NOT regexp_matches(w, '^[0-9]+(\.[0-9]+)?[kw+]?$')
    AND NOT (w = 'i' AND i = len(ws)));
CREATE OR REPLACE MACRO en_title_words(title, abbreviations) AS
flatten(list_transform(_en_title_kept(_en_title_tokens(title)),
                       lambda w: string_split(coalesce(abbreviations[w], w), ' ')))[1:20];
-- en_generic_job_word(w): a one-word English title that names no occupation of its own ("Engineer", "Specialist"):
-- int_postings__occupations and int_usajobs__occupations code a one-word title only when it is not one of these
CREATE OR REPLACE MACRO en_generic_job_word(w) AS
w IN ('engineer', 'engineers', 'developer', 'developers', 'manager', 'managers', 'analyst', 'analysts', 'scientist',
      'scientists', 'specialist', 'specialists', 'consultant', 'consultants', 'director', 'directors', 'technician',
      'technicians', 'technologist', 'technologists', 'architect', 'architects', 'designer', 'designers',
      'administrator', 'administrators', 'officer', 'officers', 'researcher', 'researchers', 'associate',
      'assistant', 'operator', 'operators', 'coordinator', 'coordinators', 'supervisor', 'supervisors', 'head');
