-- grain: one row per posting text (comment_id) and month it counts in (ds)
-- from: features.int_postings__tagged, int_postings__reposts, int_postings__attributes,
--       staging.stg_postings__comments (every thread source), ref.postings_rules (getvariable() overrides a rule)
-- why: the one place the counting rule lives (demand series and marts.skill_trends read it). One posting = one
--      comment (the position split serves the "both" tag, not counting: numbered-list headings over-split long
--      posts). A thread covering k months adds weight w = 1/k to each month. Reposts count by repost_rule
--      (seeds/postings_rules.csv): once_per_month (default) counts a repost group once in each month it is
--      posted, i.e. once per month the position is open, copies within a month once (the latest copy, whose
--      tags count); first_seen counts only the group's first text (new openings); every_post counts every text.
--      primary_ai_cluster puts each AI posting under one AI skill cluster, so cluster series add up to the AI
--      total (issue 4: skill-cluster level of the hierarchy): the most specific AI cluster its positions require
--      (int_postings__tagged.ai_clusters), in the order robot perception/planning, computer vision, NLP/LLM,
--      ML/DL, general AI ('other' if none).
--      Each source (zh_postings, hn, each file feed) counts its own postings: a repost group counts once per month
--      in each source it is posted in, and under first_seen a text whose earliest match is another source's is new
--      in its own source (the first such text there). With one source the rules are as above, exactly.
WITH params AS (
    SELECT
        CASE WHEN rule IN ('once_per_month', 'first_seen', 'every_post') THEN rule
             ELSE error('repost_rule must be once_per_month, first_seen or every_post, got ' || coalesce(rule, 'NULL'))
        END AS rule
    FROM (SELECT coalesce(getvariable('repost_rule'),
                          (SELECT value FROM ref.postings_rules WHERE parameter = 'repost_rule')) AS rule)
),
thread_months AS (
    -- the months each thread covers (a 谁在招人 thread may cover two: month .. month + months_covered - 1)
    SELECT source, issue_number,
           unnest(generate_series(month, month + to_months(months_covered - 1), INTERVAL 1 MONTH))::DATE AS ds,
           1.0 / months_covered AS w
    FROM (SELECT DISTINCT source, issue_number, month, months_covered
          FROM staging.stg_postings__comments WHERE month IS NOT NULL)
),
grouped AS (
    SELECT
        p.*, r.repost_group, r.link, c.created_at,
        r.link = 'first' OR (o.source <> c.source AND row_number() OVER (
            PARTITION BY c.source, r.repost_group, o.source <> c.source ORDER BY c.created_at, p.comment_id) = 1)
            AS first_in_source
    FROM features.int_postings__tagged AS p
    JOIN features.int_postings__reposts AS r ON r.comment_id = p.comment_id
    JOIN staging.stg_postings__comments AS c ON c.comment_id = p.comment_id
    LEFT JOIN staging.stg_postings__comments AS o ON o.comment_id = r.repost_of
    WHERE p.is_posting
),
posted AS (
    SELECT
        p.comment_id, p.source, tm.ds, tm.w, p.ai, p.mfg, p.ai_mfg, p.repost_group, p.link, p.first_in_source,
        a.region_code,
        CASE WHEN NOT p.ai THEN NULL
             ELSE coalesce(list_filter(['robotics_ai', 'computer_vision', 'nlp_llm', 'ml_dl', 'ai_general'],
                                       lambda c: list_contains(p.ai_clusters, c))[1], 'other') END AS primary_ai_cluster,
        row_number() OVER (PARTITION BY p.source, p.repost_group, tm.ds
                           ORDER BY tm.w DESC, p.created_at DESC, p.comment_id DESC) AS copy_in_month
    FROM grouped AS p
    LEFT JOIN features.int_postings__attributes AS a ON a.comment_id = p.comment_id
    JOIN thread_months AS tm ON tm.source = p.source AND tm.issue_number = p.issue_number
)
SELECT
    comment_id, ds, w, ai, mfg, ai_mfg, repost_group, link, region_code, primary_ai_cluster, params.rule AS repost_rule,
    source
FROM posted, params
WHERE (params.rule = 'once_per_month' AND copy_in_month = 1)
   OR (params.rule = 'first_seen' AND first_in_source)
   OR params.rule = 'every_post'
