-- grain: one row per base table in the published file
-- from: duckdb_tables()
-- why: list what a reader can query or export; estimated_rows is the catalog estimate (exact counts are added in Python)
SELECT schema_name AS schema, table_name AS "table", estimated_size AS estimated_rows,
       comment AS description
FROM duckdb_tables()
WHERE database_name = current_database() AND NOT internal AND NOT temporary
ORDER BY schema_name, table_name
