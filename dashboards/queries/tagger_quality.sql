-- grain: one row per labelled split and language (all, zh, en) and tag, the held-out split first
-- from: marts.tagger_quality
-- why: the report's "How postings are tagged" table: precision, recall and F1 of the AI, manufacturing and both
--      tags on the hand-labelled postings, as this run tagged them
SELECT split, lang, tag, n, positives, precision, recall, f1
FROM marts.tagger_quality
WHERE split IN ('holdout', 'all')
ORDER BY split = 'all', split, lang = 'all' DESC, lang DESC,
         list_position(['ai_mfg', 'ai', 'mfg', 'is_posting'], tag)
