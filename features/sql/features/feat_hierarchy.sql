-- grain: one row per child series (child): the companion table of the hierarchies (issue 4)
-- from: features.int_hierarchy__links, features.feat_panel
-- why: forecasting/reconcile.py reconciles only families whose sums hold in the panel itself: at every period
--      of the parent, every child has a value and the children add up to the parent, and all of them end
--      in the same period (so their forecasts and backtest windows share dates)
WITH links AS (
    SELECT * FROM features.int_hierarchy__links
),
n_children AS (
    SELECT parent, count(*) AS n FROM links GROUP BY parent
),
sums AS (
    SELECT l.parent, p.ds, any_value(p.y) AS y, sum(c.y) AS child_sum, count(c.y) AS n_present
    FROM links AS l
    JOIN features.feat_panel AS p ON p.unique_id = l.parent
    LEFT JOIN features.feat_panel AS c ON c.unique_id = l.child AND c.ds = p.ds
    GROUP BY l.parent, p.ds
),
last_ds AS (
    SELECT unique_id, max(ds) AS last_ds FROM features.feat_panel GROUP BY unique_id
),
adds_up AS (
    SELECT s.parent, count(*) AS n_periods
    FROM sums AS s
    JOIN n_children AS n USING (parent)
    GROUP BY s.parent, n.n
    HAVING bool_and(s.n_present = n.n AND abs(s.child_sum - s.y) <= 1e-9 * greatest(1.0, abs(s.y)))
),
ends_together AS (
    SELECT l.parent
    FROM links AS l
    JOIN last_ds AS p ON p.unique_id = l.parent
    LEFT JOIN last_ds AS c ON c.unique_id = l.child
    GROUP BY l.parent
    HAVING bool_and(c.last_ds IS NOT DISTINCT FROM p.last_ds)
)
SELECT l.hierarchy, l.parent, l.child, l.parent_level, l.child_level, l.child_depth, a.n_periods
FROM links AS l
JOIN adds_up AS a USING (parent)
JOIN ends_together AS e USING (parent)
