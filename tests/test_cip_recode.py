"""CIP 2010 -> 2020 recode in staging (issue 5): real crosswalk rows, IPEDS completions and dropped graduates files."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd

from features.build import STAGING, build_models, load_seeds

REPO = Path(__file__).resolve().parents[1]


def seeded(tmp_path: Path, *names: str) -> duckdb.DuckDBPyConnection:
    """Return an in-memory warehouse with schemas raw/staging/features and the named real seeds in ref."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for name in names:
        shutil.copy(REPO / "seeds" / f"{name}.csv", seeds)
    con = duckdb.connect()
    con.execute("CREATE SCHEMA raw; CREATE SCHEMA staging; CREATE SCHEMA features; CREATE SCHEMA ref")
    load_seeds(con, seeds)
    return con


def test_the_seed_is_the_official_crosswalk_one_to_one() -> None:
    seed = pd.read_csv(REPO / "seeds" / "cip2010_2020.csv", dtype=str, keep_default_na=False)
    assert seed["action"].value_counts().to_dict() == {"Moved to": 145, "Deleted": 7}
    assert seed["cip_2010"].is_unique
    assert seed.loc[seed["action"] == "Moved to", "cip_2020"].is_unique
    row = seed[seed["cip_2010"] == "15.0503"].iloc[0]
    assert (row["cip_2020"], row["title_2020"]) == ("15.1701", "Energy Systems Technology/Technician")


def test_ipeds_years_before_2020_land_on_cip_2020_codes(tmp_path: Path) -> None:
    con = seeded(tmp_path, "cip2010_2020")
    # 15.0503 Energy Management and Systems Technology (CIP 2010) moved to 15.1701 in CIP 2020;
    # 60.0406 was deleted; 14.4201 did not change
    con.execute("""CREATE TABLE raw.ipeds__completions AS SELECT *, 'b1' AS _batch_id,
                   TIMESTAMP '2026-01-01' AS _fetched_at FROM (VALUES
        (2019, '2018-19', '15.0503', 5, 'Bachelor', 10, 120),
        (2019, '2018-19', '14.4201', 5, 'Bachelor', 40, 900),
        (2019, '2018-19', '60.0406', 30, 'Residency', 1, 3),
        (2020, '2019-20', '15.1701', 5, 'Bachelor', 11, 130),
        (2020, '2019-20', '15.0503', 5, 'Bachelor', 1, 1))
        t(survey_year, academic_year, cipcode, awlevel, awlevel_label, institutions, completions)""")
    build_models(con, [m for m in STAGING if m.table == "stg_ipeds__completions"])
    rows = con.sql("SELECT survey_year, cipcode, completions, cipcode_reported, cip_vintage "
                   "FROM staging.stg_ipeds__completions ORDER BY ALL").fetchall()
    assert rows == [
        (2019, "14.4201", 900, "14.4201", 2010),
        (2019, "15.1701", 120, "15.0503", 2010),
        (2019, "60.0406", 3, "60.0406", 2010),
        # CIP 2020 years are taken as published, even a code that only CIP 2010 had
        (2020, "15.0503", 1, "15.0503", 2020),
        (2020, "15.1701", 130, "15.1701", 2020),
    ]
