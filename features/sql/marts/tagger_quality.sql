-- grain: one row per labelled split (dev, holdout, all), language (zh, en, all) and tag (is_posting, ai, mfg, ai_mfg)
-- from: ref.postings_labels (data/eval/postings_labels.jsonl, rules in data/eval/LABELLING.md),
--       features.int_postings__tagged, features.int_usajobs__tagged
-- why: issue 3 publishes how accurate the AI / manufacturing / both tags are, beside the demand they count: the
--      hand-labelled postings scored against the tags this run published for the same postings (thread comments
--      by source and comment id, 'zh_postings:<id>' or 'hn:<id>'; USAJOBS postings by control number). ai, mfg
--      and ai_mfg are scored on the postings labelled as postings only (a not-a-posting carries no such label);
--      is_posting on all. precision/recall/f1 are NULL where undefined (no predicted or no labelled positive).
--      `talentcast evaluate-tagger` prints the same scores from the tag command (USAJOBS titles there go through
--      the posting models, here through the USAJOBS ones).
--      The labels were written for development: LABELLING.md says which batches are clean estimates.
WITH predicted AS (
    SELECT source || ':' || comment_id AS id, is_posting, ai, mfg, ai_mfg
    FROM features.int_postings__tagged
    UNION ALL
    SELECT 'usajobs:' || control_number, true, ai, mfg, ai_mfg
    FROM features.int_usajobs__tagged
),
pairs AS (
    -- one row per labelled posting found in this run and tag: the label and the prediction
    SELECT l.split, l.lang, l.is_posting AS labelled_posting, t.tag, t.truth, t.pred
    FROM ref.postings_labels AS l
    JOIN predicted AS p USING (id)
    CROSS JOIN LATERAL (VALUES ('is_posting', l.is_posting, p.is_posting), ('ai', l.ai, p.ai),
                               ('mfg', l.mfg, p.mfg), ('ai_mfg', l.ai_mfg, p.ai_mfg)) AS t(tag, truth, pred)
),
scopes AS (
    SELECT s.split, g.lang, tag, truth, pred
    FROM pairs
    CROSS JOIN LATERAL (SELECT unnest([pairs.split, 'all']) AS split) AS s
    CROSS JOIN LATERAL (SELECT unnest([pairs.lang, 'all']) AS lang) AS g
    WHERE tag = 'is_posting' OR labelled_posting
),
counts AS (
    SELECT split, lang, tag, count(*) AS n,
           count(*) FILTER (WHERE truth) AS positives,
           count(*) FILTER (WHERE truth AND pred) AS tp,
           count(*) FILTER (WHERE pred AND NOT truth) AS fp,
           count(*) FILTER (WHERE truth AND NOT pred) AS fn
    FROM scopes
    GROUP BY split, lang, tag
)
SELECT
    getvariable('run_id') AS run_id,
    split, lang, tag, n, positives, tp, fp, fn,
    CASE WHEN tp + fp > 0 THEN tp / (tp + fp) END AS precision,
    CASE WHEN tp + fn > 0 THEN tp / (tp + fn) END AS recall,
    CASE WHEN tp > 0 THEN 2 * tp / (2 * tp + fp + fn) WHEN tp + fn > 0 THEN 0.0 END AS f1
FROM counts
