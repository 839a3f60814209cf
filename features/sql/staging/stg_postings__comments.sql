-- grain: one row per posting text (comment_id) of every source (source: 'zh_postings', 'hn', or a file feed's name)
-- from: staging.stg_zh_postings__comments, staging.stg_hn__postings (zero rows without a live HN batch),
--       staging.stg_file_feed__postings (zero rows without a file feed)
-- why: the int_postings__* models (positions, tags, reposts, counting) read every source's posting texts through
--      this one relation, with the source named. A view (features/build.py): a table would copy every posting
--      text (~10 s per million). GitHub comment ids and HN item ids are both integers from separate counters, feed
--      ids negative hashes; comment_id stays the key, and checks/check_postings_ids_one_source fails the run if one
--      is in two sources.
SELECT comment_id, issue_number, month, months_covered, author_key, text, created_at, is_minimized, batch_id,
       not_posting_reason, is_posting, 'zh_postings' AS source
FROM staging.stg_zh_postings__comments
UNION ALL
SELECT comment_id, issue_number, month, months_covered, author_key, text, created_at, is_minimized, batch_id,
       not_posting_reason, is_posting, 'hn' AS source
FROM staging.stg_hn__postings
UNION ALL
SELECT comment_id, issue_number, month, months_covered, author_key, text, created_at, is_minimized, batch_id,
       not_posting_reason, is_posting, feed AS source
FROM staging.stg_file_feed__postings
