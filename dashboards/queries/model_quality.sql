-- grain: one row per series (the selected model) of the latest run in marts.model_quality
-- from: marts.model_quality, meta.runs
-- why: read every score against the seasonal-naive baseline kept for each series (STYLE.md 7)
WITH latest AS (
    SELECT q.run_id
    FROM marts.model_quality AS q
    LEFT JOIN meta.runs AS r USING (run_id)
    ORDER BY r.started_at DESC NULLS LAST, q.run_id DESC
    LIMIT 1
),
scores AS (
    SELECT * FROM marts.model_quality WHERE run_id = (SELECT run_id FROM latest)
),
baseline AS (
    -- the baseline is the naive model; prefer a seasonal one when several are kept
    SELECT unique_id, model AS baseline_model, mase AS baseline_mase
    FROM scores
    WHERE lower(model) LIKE '%naive%'
    QUALIFY row_number() OVER (
        PARTITION BY unique_id ORDER BY lower(model) LIKE '%seasonal%' DESC, model
    ) = 1
)
-- every score column the mart has (model_form and the interval columns came later than the first files)
SELECT s.* EXCLUDE (is_selected), b.baseline_model, b.baseline_mase
FROM scores AS s
LEFT JOIN baseline AS b USING (unique_id)
WHERE s.is_selected
ORDER BY s.unique_id
