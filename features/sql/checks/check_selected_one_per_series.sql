-- grain: series with other than one selected model in the quality table; passes when empty
-- from: forecasts.quality
-- why: every published forecast comes from exactly one chosen model, recorded with its reason
SELECT unique_id, count(*) FILTER (WHERE is_selected) AS selected
FROM forecasts.quality
GROUP BY unique_id
HAVING count(*) FILTER (WHERE is_selected) <> 1
