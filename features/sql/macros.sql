-- Macros shared by the SQL models; run before any model. Patterns are RE2 (DuckDB regexp_*).
-- redact_contacts: removes e-mail addresses, phone numbers, WeChat and QQ ids from posting text
-- (DEVELOPERS.md: personal contact details never leave the raw layer). URLs are kept.
-- Spaces include U+00A0 and U+3000, which Chinese posts use and RE2's \s does not match.
CREATE OR REPLACE MACRO redact_contacts(t) AS
regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(t,
  '[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}', '[email]', 'g'),
  '(微信号?|wechat|weixin|v信|威信|薇信)([\s\x{00A0}\x{3000}]*(id|号|加|联系|搜索|搜))?[\s\x{00A0}\x{3000}]*[:：]?[\s\x{00A0}\x{3000}]*[A-Za-z][A-Za-z0-9_\-]{4,19}', '\1: [wechat]', 'gi'),
  '\b(vx|wx)[\s\x{00A0}\x{3000}]*[:：][\s\x{00A0}\x{3000}]*[A-Za-z][A-Za-z0-9_\-]{4,19}', '\1: [wechat]', 'gi'),
  '(qq|扣扣)([\s\x{00A0}\x{3000}]*(号|群|加|联系))?[\s\x{00A0}\x{3000}]*[:：]?[\s\x{00A0}\x{3000}]*[1-9][0-9]{4,11}', '\1: [qq]', 'gi'),
  '(^|[^0-9A-Za-z])(\+?86[\- ]?)?1[3-9][0-9](-| )?[0-9]{4}(-| )?[0-9]{4}', '\1[phone]', 'g'),
  '(^|[^0-9])0[0-9]{2,3}-[0-9]{7,8}', '\1[phone]', 'g'),
  '(^|[^0-9A-Za-z])\+[1-9][0-9]{0,2}[\- ]?\(?[0-9]{2,4}\)?[\- ][0-9]{3,4}[\- ]?[0-9]{3,4}', '\1[phone]', 'g');

-- pseudonymise: a stable, non-reversible key for a poster's login (the snapshot is pre-pseudonymised).
CREATE OR REPLACE MACRO pseudonymise(login) AS
CASE WHEN login IS NULL THEN NULL WHEN starts_with(login, 'u_') THEN login
     ELSE 'u_' || left(sha256(login), 10) END;

-- normalize_text: full-width ASCII forms (U+FF01..U+FF5E) to half-width and ideographic/no-break spaces
-- to plain spaces, so ＡＩ, ＰＬＣ and Ｐｙｔｏｒｃｈ match the seed terms (issue 3: width normalisation).
-- Traditional -> simplified characters (機器學習 -> 机器学习) is zh_simplified(t), registered with the Aho-Corasick
-- function by features/zh_convert.py (OpenCC's character table; DuckDB's translate() was 100x slower with it):
-- int_postings__positions matches on zh_simplified(normalize_text(text)).
CREATE OR REPLACE MACRO normalize_text(t) AS
translate(t, '！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：；＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～' || chr(12288) || chr(160), '!"#$%&''()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^_`abcdefghijklmnopqrstuvwxyz{|}~' || '  ');

-- minhash_k: the k-th hash of a universal family (a * h + b) mod p, p = 2^31 - 1, for minhash signatures of
-- near-duplicate postings (int_postings__reposts). h is a BIGINT < p and a < 2^31, so a * h fits a BIGINT
-- (UBIGINT or HUGEINT arithmetic here was 50x slower).
CREATE OR REPLACE MACRO minhash_k(h, k) AS (h * (1103515245 + 40503 * k) + 97 * k + 1) % 2147483647;
