"""The ground floor: settings (the only reader of TALENTCAST_* env) and the DuckDB helpers."""
