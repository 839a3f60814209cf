"""Generic graduates-by-program x region x year files: the bundled example, cast and contract rejects."""

from __future__ import annotations

from pathlib import Path

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
