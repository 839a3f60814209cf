-- grain: series of the panel with no selected forecast; passes when empty
-- from: features.feat_panel, forecasts.forecast
-- why: every series that has data must be published with a forecast (or the run fails loudly)
SELECT DISTINCT p.unique_id
FROM features.feat_panel AS p
WHERE p.unique_id NOT IN (SELECT unique_id FROM forecasts.forecast WHERE model = 'selected')
