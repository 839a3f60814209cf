-- grain: one row per source (its latest fetched batch)
-- from: marts.data_freshness
-- why: say how old each input is, how many rows were kept and rejected, and under which licence
SELECT source, title, mode, batch_id, fetched_at, first_period, last_period, files, rows, rejects,
       licence, url
FROM marts.data_freshness
QUALIFY row_number() OVER (PARTITION BY source ORDER BY fetched_at DESC NULLS LAST, batch_id DESC) = 1
ORDER BY source
