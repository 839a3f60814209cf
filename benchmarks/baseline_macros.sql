-- The redact_contacts and normalize_text macros of features/sql/macros.sql as committed in 4226a2b, before the
-- fast paths (contact patterns gated by cheap literal tests; normalize_text by replace() on texts holding only the
-- common full-width punctuation), renamed baseline_*: tests/test_macros_fast_path.py proves the same results.
CREATE OR REPLACE MACRO baseline_redact_contacts(t) AS
regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(t,
  '[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}', '[email]', 'g'),
  '(微信号?|wechat|weixin|v信|威信|薇信)([\s\x{00A0}\x{3000}]*(id|号|加|联系|搜索|搜))?[\s\x{00A0}\x{3000}]*[:：]?[\s\x{00A0}\x{3000}]*[A-Za-z][A-Za-z0-9_\-]{4,19}', '\1: [wechat]', 'gi'),
  '\b(vx|wx)[\s\x{00A0}\x{3000}]*[:：][\s\x{00A0}\x{3000}]*[A-Za-z][A-Za-z0-9_\-]{4,19}', '\1: [wechat]', 'gi'),
  '(qq|扣扣)([\s\x{00A0}\x{3000}]*(号|群|加|联系))?[\s\x{00A0}\x{3000}]*[:：]?[\s\x{00A0}\x{3000}]*[1-9][0-9]{4,11}', '\1: [qq]', 'gi'),
  '(^|[^0-9A-Za-z])(\+?86[\- ]?)?1[3-9][0-9](-| )?[0-9]{4}(-| )?[0-9]{4}', '\1[phone]', 'g'),
  '(^|[^0-9])0[0-9]{2,3}-[0-9]{7,8}', '\1[phone]', 'g'),
  '(^|[^0-9A-Za-z])\+[1-9][0-9]{0,2}[\- ]?\(?[0-9]{2,4}\)?[\- ][0-9]{3,4}[\- ]?[0-9]{3,4}', '\1[phone]', 'g');

CREATE OR REPLACE MACRO baseline_normalize_text(t) AS
translate(t, '！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：；＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～' || chr(12288) || chr(160), '!"#$%&''()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^_`abcdefghijklmnopqrstuvwxyz{|}~' || '  ');
