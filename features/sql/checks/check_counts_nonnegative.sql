-- grain: offending forecast rows of count series; passes when empty
-- from: forecasts.forecast joined to features.series
-- why: postings, jobs and graduates cannot be negative, nor their interval bounds
SELECT f.unique_id, f.ds, f.model, f.y_hat, f.lo_95
FROM forecasts.forecast AS f
JOIN features.series AS s USING (unique_id)
WHERE s.nonnegative AND (f.y_hat < 0 OR f.lo_95 < 0)
