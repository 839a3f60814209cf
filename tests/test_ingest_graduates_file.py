"""Generic graduates-by-program x region x year files: the bundled example, cast and contract rejects."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ingest.graduates_file import GraduatesFile, parse_graduates_file


def test_bundled_example_lands_every_row() -> None:
    source = GraduatesFile()  # no drop folder: the bundled snapshot folder of the source
    parsed = source.parse(source.snapshot_files(Path(__file__).resolve().parents[1] / "data" / "snapshots"))
    table = parsed.tables["graduates"]
    assert parsed.rejects == []
    assert len(table) == 9
    first, last = table.iloc[0], table.iloc[-1]
    assert (first["program_code"], first["system"], first["region"], first["year"], first["graduates"]) == (
        "Engineering", "NCSES-field", "CN", 2010, 813218)
    assert (last["year"], last["graduates"], last["file"]) == (2018, 1269173, "cn_engineering_first_degrees.csv")


def test_bad_rows_become_rejects_and_good_rows_stay(tmp_path: Path) -> None:
    path = tmp_path / "eurostat.csv"
    path.write_text(
        "region,program_code,system,year,graduates,source,extra\n"
        "DE,F07,ISCED-F-2013,2022,120345,Eurostat educ_uoe_grad02,x\n"
        "DE,F07,ISCED-F-2013,2023,1.2k,Eurostat educ_uoe_grad02,x\n"
        "FR,F07,ISCED-F-2013,2022,-5,Eurostat educ_uoe_grad02,x\n"
        "FR,F07,ISCED-F-2013,1899,5,Eurostat educ_uoe_grad02,x\n"
        "IT, ,ISCED-F-2013,2022,5,Eurostat educ_uoe_grad02,x\n"
        "ES,F07,ISCED-F-2013,2022,7,,x\n"
        "DE,F07,ISCED-F-2013,2022,999,Eurostat educ_uoe_grad02,x\n"
        "CN-GD,080803T,CN-major,2024,3100,Guangdong yearbook,x\n", encoding="utf-8")
    frame, rejects = parse_graduates_file(path)
    assert frame.drop(columns="file").astype(object).to_dict("records") == [
        {"program_code": "F07", "system": "ISCED-F-2013", "region": "DE", "year": 2022, "graduates": 120345,
         "source": "Eurostat educ_uoe_grad02"},
        {"program_code": "080803T", "system": "CN-major", "region": "CN-GD", "year": 2024, "graduates": 3100,
         "source": "Guangdong yearbook"},
    ]
    got = [(r.record, r.problem.split(":")[0]) for r in rejects]
    assert got == [
        ("line 3", "CAST in column graduates"),
        ("F07/ISCED-F-2013/FR/2022", "graduates -5 is negative"),
        ("F07/ISCED-F-2013/FR/1899", "year 1899 is outside 1950-2100"),
        ("/ISCED-F-2013/IT/2022", "program_code is blank"),
        ("F07/ISCED-F-2013/ES/2022", "source is blank"),
        ("F07/ISCED-F-2013/DE/2022", "a second row for the same program_code, system, region and year"),
    ]


def test_missing_column_is_one_file_reject(tmp_path: Path) -> None:
    path = tmp_path / "short.csv"
    path.write_text("program_code,region,year,graduates\n080803T,CN,2024,1\n", encoding="utf-8")
    parsed = GraduatesFile(tmp_path).parse([path])
    assert parsed.tables["graduates"].empty
    assert [(r.record, r.problem) for r in parsed.rejects] == [
        (None, "missing column(s) ['system', 'source']; header has ['program_code', 'region', 'year', 'graduates']")]


def test_files_become_program_supply_series_with_cip_2010_recoded(tmp_path: Path) -> None:
    import shutil

    import duckdb

    from features.build import FEATURES, STAGING, build_models, load_seeds

    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "moe.csv").write_text(
        "program_code,system,region,year,graduates,source\n"
        "080803T,CN-major,CN,2022,3000,MoE yearbook (example)\n"
        "080803T,CN-major,CN,2023,4000,MoE yearbook (example)\n"
        "080803T,CN-major,CN-GD,2023,310,Guangdong yearbook (example)\n"
        "15.0503,CIP2010,US,2019,120,state file (example)\n"
        "15.1701,CIP2020,US,2019,125,university file (example)\n"
        "14.4201,CIP2010,US,2019,900,state file (example)\n"
        "Engineering,NCSES-field,CN,2018,1269173,NCSES 5785\n", encoding="utf-8")
    parsed = GraduatesFile(drop).parse(sorted(drop.glob("*.csv")))
    assert parsed.rejects == []
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for name in ("cip2010_2020", "programs"):
        shutil.copy(Path(__file__).resolve().parents[1] / "seeds" / f"{name}.csv", seeds)
    con = duckdb.connect()
    con.execute("CREATE SCHEMA raw; CREATE SCHEMA staging; CREATE SCHEMA features; CREATE SCHEMA ref")
    raw = parsed.tables["graduates"].assign(_batch_id="b1", _fetched_at=pd.Timestamp("2026-01-01"))
    con.register("raw_frame", raw)
    con.execute("CREATE TABLE raw.graduates_file__graduates AS SELECT * FROM raw_frame")
    load_seeds(con, seeds)
    build_models(con, [m for m in STAGING + FEATURES
                       if m.table in ("stg_graduates_file__graduates", "feat_supply_graduates_file__annual")])
    staged = con.sql("SELECT program_code, system, region, year, graduates, program_code_reported "
                     "FROM staging.stg_graduates_file__graduates WHERE region = 'US' ORDER BY ALL").fetchall()
    # 15.0503 (CIP 2010) is 15.1701 in CIP 2020: the file in CIP 2020 wins; 14.4201 is unchanged
    assert staged == [("14.4201", "CIP2020", "US", 2019, 900, "14.4201"),
                      ("15.1701", "CIP2020", "US", 2019, 125, "15.1701")]
    series = con.sql("SELECT unique_id, year(ds), y FROM features.feat_supply_graduates_file__annual "
                     "ORDER BY ALL").fetchall()
    # catalogue programs only: national and provincial Chinese series, the recoded US row; NCSES fields stay out
    assert series == [("supply/CN-GD/graduates_file/080803T", 2023, 310.0),
                      ("supply/CN/graduates_file/080803T", 2022, 3000.0),
                      ("supply/CN/graduates_file/080803T", 2023, 4000.0),
                      ("supply/US/graduates_file/14.4201", 2019, 900.0)]
