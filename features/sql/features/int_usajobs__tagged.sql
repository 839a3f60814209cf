-- grain: one row per USAJOBS posting (control_number)
-- from: staging.stg_usajobs__postings, features.int_usajobs__skill_matches, features.int_usajobs__occupations
-- why: the AI / manufacturing / both tags of a federal posting: a title is one position, so ai_mfg ("both",
--      data/eval/LABELLING.md) holds when the title names an AI and a manufacturing term
WITH skills AS (
    SELECT
        control_number,
        bool_or(kind = 'ai') AS ai,
        bool_or(kind = 'mfg') AS mfg,
        list(DISTINCT skill ORDER BY skill) FILTER (WHERE kind = 'ai') AS ai_skills,
        list(DISTINCT skill ORDER BY skill) FILTER (WHERE kind = 'mfg') AS mfg_skills,
        list(DISTINCT term ORDER BY term) AS terms
    FROM features.int_usajobs__skill_matches
    GROUP BY control_number
)
SELECT
    p.control_number,
    p.month,
    p.title,
    coalesce(s.ai, false) AS ai,
    coalesce(s.mfg, false) AS mfg,
    coalesce(s.ai AND s.mfg, false) AS ai_mfg,
    coalesce(s.ai_skills, []) AS ai_skills,
    coalesce(s.mfg_skills, []) AS mfg_skills,
    coalesce(s.terms, []) AS terms,
    o.occupation_series,
    o.soc_code,
    o.onet_title,
    p.batch_id
FROM staging.stg_usajobs__postings AS p
LEFT JOIN skills AS s USING (control_number)
LEFT JOIN features.int_usajobs__occupations AS o USING (control_number)
