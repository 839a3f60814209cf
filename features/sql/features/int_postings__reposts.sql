-- grain: one row per posting text (comment_id)
-- from: staging.stg_postings__comments, ref.postings_rules (thresholds; getvariable() overrides them)
-- why: issue 3 de-duplication. Employers repost the same text in later months, often with small edits.
--      exact: same hash of the normalised text (width-normalised, lower-case, without spaces, punctuation and
--      redaction placeholders). near: the minhash estimate (32 hashes over distinct character 3-shingles of the
--      first 1,500 normalised characters, a third of them in texts over 300 characters, 8 LSH bands of 4) of the
--      Jaccard similarity is >= repost_min_jaccard, or >= repost_same_poster_min_jaccard for two texts of the same poster. Each text links to the earliest
--      text it matches (one hop): the earliest text of the same normalised hash, or the earliest text of an LSH
--      bucket it shares (overall, or of the same poster) when similar enough; repost_group = that text's id, or its
--      own id when it is the first.
--      Only postings (is_posting) are linked.
--      The normalisation and the 32 minhashes are the numpy functions repost_norm and repost_minhash
--      (features/repost_signature.py, registered by build_models): the same values as the SQL they replace
--      (benchmarks/baseline_reposts.sql, tests/test_clean_fast_path.py and tests/test_repost_signature.py), at a
--      fraction of its cost (issue 3).
WITH params AS (
    SELECT
        coalesce(getvariable('repost_min_jaccard'),
                 (SELECT value FROM ref.postings_rules WHERE parameter = 'repost_min_jaccard'))::DOUBLE AS min_j,
        coalesce(getvariable('repost_same_poster_min_jaccard'),
                 (SELECT value FROM ref.postings_rules WHERE parameter = 'repost_same_poster_min_jaccard'))::DOUBLE
            AS min_j_poster
),
docs_norm AS (
    SELECT
        comment_id, author_key, created_at,
        -- repost_norm(t) = left(regexp_replace(lower(normalize_text(t)), '[\s\p{P}\p{S}]+', '', 'g'), 1500),
        -- one code point table lookup (the regex over lower(normalize_text()) was a third of this model's cost)
        repost_norm(replace(replace(replace(text, '[email]', ''), '[phone]', ''), '[wechat]', '')) AS norm
    FROM staging.stg_postings__comments
    WHERE is_posting
),
docs AS MATERIALIZED (
    SELECT *, md5(norm) AS norm_hash, coalesce(md5(norm), 'null') AS sig_key FROM docs_norm
),
norms AS (
    -- the signature depends on the normalised text only: computed once per distinct text, so exact reposts
    -- (same norm_hash) cost nothing here (sig_key: norm_hash, with the NULL text as one key of its own)
    SELECT sig_key, any_value(norm) AS norm FROM docs GROUP BY sig_key
),
signature AS MATERIALIZED (
    -- 32 minhashes over the distinct character 3-shingles of the text (a third of them, those whose hash is 0 mod 3,
    -- in texts over 300 characters: the same shingle is kept or dropped in every text, so the Jaccard estimate
    -- stays unbiased): min over the shingles of minhash_k(hash(shingle) % (2^31 - 1), k), k = 0..31 (macros.sql),
    -- computed per vector of texts in numpy without a row or a string per shingle; NULL when a text keeps no
    -- shingle (the SQL had no row then): bands skips those (a filter here would run the function twice)
    SELECT sig_key, repost_minhash(norm) AS sig FROM norms
),
bands AS (
    SELECT d.comment_id, d.author_key, d.created_at, d.norm_hash, b.band, b.band_hash
    FROM (SELECT sig_key, unnest(range(8)) AS band,
                 unnest([hash(sig[1:4]), hash(sig[5:8]), hash(sig[9:12]), hash(sig[13:16]),
                         hash(sig[17:20]), hash(sig[21:24]), hash(sig[25:28]), hash(sig[29:32])]) AS band_hash
          FROM signature
          WHERE sig IS NOT NULL) AS b
    JOIN docs AS d USING (sig_key)
),
candidates AS (
    -- per LSH bucket, only the earliest text (and the poster's earliest text) is a candidate for the later ones:
    -- O(texts x bands) pairs instead of all pairs of a bucket (a template posted 50 times is 1,225 pairs)
    SELECT DISTINCT comment_id AS b, a
    FROM (SELECT comment_id, created_at,
                 first_value(comment_id) OVER (PARTITION BY band, band_hash ORDER BY created_at, comment_id) AS a1,
                 first_value(comment_id) OVER (PARTITION BY band, band_hash, author_key
                                               ORDER BY created_at, comment_id) AS a2
          FROM bands)
    CROSS JOIN LATERAL (SELECT unnest([a1, a2]) AS a)
    WHERE a <> comment_id
),
pairs AS (
    SELECT c.a, c.b,
           len(list_filter(range(1, 33), lambda i: sa.sig[i] = sb.sig[i])) / 32 AS jaccard
    FROM candidates AS c
    JOIN docs AS ka ON ka.comment_id = c.a
    JOIN docs AS kb ON kb.comment_id = c.b
    JOIN signature AS sa ON sa.sig_key = ka.sig_key
    JOIN signature AS sb ON sb.sig_key = kb.sig_key
),
exact AS (
    SELECT comment_id,
           first_value(comment_id) OVER w AS first_id,
           first_value(created_at) OVER w AS first_created
    FROM docs
    WINDOW w AS (PARTITION BY norm_hash ORDER BY created_at, comment_id)
),
links AS (
    -- b is a repost of an earlier a: exact (same normalised text) or near (similar enough)
    SELECT comment_id, first_id AS repost_of, 'exact' AS link, 1.0 AS similarity, first_created AS of_created
    FROM exact
    WHERE first_id <> comment_id
    UNION ALL
    SELECT db.comment_id, da.comment_id, 'near', p.jaccard, da.created_at
    FROM pairs AS p
    JOIN docs AS da ON da.comment_id = p.a
    JOIN docs AS db ON db.comment_id = p.b
    , params
    WHERE da.norm_hash <> db.norm_hash
      AND (p.jaccard >= params.min_j OR (da.author_key = db.author_key AND p.jaccard >= params.min_j_poster))
),
first_link AS (
    SELECT * FROM links
    QUALIFY row_number() OVER (PARTITION BY comment_id ORDER BY of_created, repost_of) = 1
)
SELECT
    d.comment_id,
    coalesce(f.repost_of, d.comment_id) AS repost_group,
    f.repost_of,
    coalesce(f.link, 'first') AS link,
    f.similarity
FROM docs AS d
LEFT JOIN first_link AS f USING (comment_id)
