-- grain: one row per projection vintage (base_year) and SOC occupation
-- from: raw.bls_ep__projections, latest batch per key
-- why: BLS annual average openings (thousands) feed the first skill gap
SELECT
    base_year,
    target_year,
    soc_code,
    title,
    emp_base_k * 1000 AS emp_base,
    emp_target_k * 1000 AS emp_target,
    openings_annual_k * 1000 AS openings_annual,
    typical_education,
    _batch_id AS batch_id
FROM raw.bls_ep__projections
QUALIFY row_number() OVER (PARTITION BY base_year, soc_code ORDER BY _fetched_at DESC, _batch_id DESC) = 1
