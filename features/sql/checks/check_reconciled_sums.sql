-- grain: one row per reconciled parent forecast that is not the sum of its children; passes when empty
-- from: forecasts.reconciled, features.series
-- why: issue 4: every reconciled total must equal the sum of its children (relative tolerance 1e-6), for
--      every method and period, and reconciled intervals must be ordered and, for counts, non-negative
WITH kids AS (
    SELECT parent, ds, method, sum(y_hat) AS child_sum
    FROM forecasts.reconciled
    WHERE parent IS NOT NULL
    GROUP BY ALL
)
SELECT p.unique_id, p.ds, p.method, p.y_hat, k.child_sum, 'sum' AS problem
FROM forecasts.reconciled AS p
JOIN kids AS k ON k.parent = p.unique_id AND k.ds = p.ds AND k.method = p.method
WHERE abs(p.y_hat - k.child_sum) > 1e-6 * greatest(1.0, abs(p.y_hat))
UNION ALL
SELECT r.unique_id, r.ds, r.method, r.y_hat, NULL, 'interval'
FROM forecasts.reconciled AS r
LEFT JOIN features.series AS s USING (unique_id)
WHERE NOT (r.lo_95 <= r.lo_80 AND r.lo_80 <= r.y_hat AND r.y_hat <= r.hi_80 AND r.hi_80 <= r.hi_95)
   OR (coalesce(s.nonnegative, false) AND r.lo_95 < 0)
