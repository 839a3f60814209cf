-- grain: offending forecast rows; the check passes when this returns nothing
-- from: forecasts.forecast
-- why: an interval must contain the point forecast and the 95% band the 80% band
SELECT unique_id, ds, model, y_hat, lo_80, hi_80, lo_95, hi_95
FROM forecasts.forecast
WHERE NOT (lo_95 <= lo_80 + 1e-9 AND lo_80 <= y_hat + 1e-9 AND y_hat <= hi_80 + 1e-9 AND hi_80 <= hi_95 + 1e-9)
   OR y_hat IS NULL OR isnan(y_hat)
