"""NCES Digest table 322.10 connector: exact values from the real workbook, and rejects on a broken copy."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ingest.nces_digest import NcesDigest, clean_label, end_year, parse_digest_table, read_sheet

SNAPSHOTS = Path(__file__).resolve().parents[1] / "data" / "snapshots"


def test_real_table_exact_values() -> None:
    parsed = NcesDigest().parse(NcesDigest().snapshot_files(SNAPSHOTS))
    table = parsed.tables["graduates"]
    assert parsed.rejects == []
    assert (len(table), table["field"].nunique(), table["year"].nunique()) == (612, 34, 18)
    pick = table[table["field"].isin(["Total", "Engineering", "Engineering technologies",
                                      "Computer and information sciences and support services"])
                 & table["year"].isin([1971, 2020])]
    got = sorted(pick[["field", "academic_year", "year", "graduates", "is_total"]].itertuples(index=False, name=None))
    assert got == [
        ("Computer and information sciences and support services", "1970-71", 1971, 2388, False),
        ("Computer and information sciences and support services", "2019-20", 2020, 97047, False),
        ("Engineering", "1970-71", 1971, 45034, False),
        ("Engineering", "2019-20", 2020, 128332, False),
        ("Engineering technologies", "1970-71", 1971, 5148, False),
        ("Engineering technologies", "2019-20", 2020, 19788, False),
        ("Total", "1970-71", 1971, 839730, True),
        ("Total", "2019-20", 2020, 2038431, True),
    ]
    tech = table[table["field"] == "Engineering technologies"]["footnote"].iloc[0]
    assert tech == ("Includes Engineering technologies and engineering-related fields; Construction trades; "
                    "and Mechanic and repair technologies/technicians.")
    # the fields add up to the Total in every year: no field row lost, no notes row read as a field
    sums = table.groupby(["year", "is_total"])["graduates"].sum().unstack()
    assert (sums[False] == sums[True]).all()


def test_labels_and_years() -> None:
    assert clean_label("Computer and information sciences and support \n   services") == (
        "Computer and information sciences and support services", [])
    assert clean_label("Business\\2\\") == ("Business", ["2"])
    assert (end_year("1970-71"), end_year("1999-00"), end_year("2019-20")) == (1971, 2000, 2020)


def test_bad_cells_are_rejected_markers_kept_and_a_wrong_file_is_one_reject(tmp_path: Path) -> None:
    sheet = read_sheet(SNAPSHOTS / "nces_digest" / "tabn322.10.xls").iloc[:6, :4].copy()
    sheet.iat[4, 1] = "12,x74"       # Agriculture 1970-71
    sheet.iat[5, 2] = "---"          # Architecture 1975-76
    book = tmp_path / "cut.xlsx"
    sheet.to_excel(book, header=False, index=False)
    frame, rejects = parse_digest_table(book)
    assert [(r.record, r.problem, r.excerpt) for r in rejects] == [
        ("row 5 1970-71", "'12,x74' is not a whole number of graduates",
         "Agriculture and natural resources: '12,x74'")]
    rows = frame[["field", "year", "graduates", "note"]].astype(object).where(frame.notna(), None)
    assert rows.to_dict("records") == [
        {"field": "Total", "year": 1971, "graduates": 839730, "note": None},
        {"field": "Total", "year": 1976, "graduates": 925746, "note": None},
        {"field": "Total", "year": 1981, "graduates": 935140, "note": None},
        {"field": "Agriculture and natural resources", "year": 1976, "graduates": 19402, "note": None},
        {"field": "Agriculture and natural resources", "year": 1981, "graduates": 21886, "note": None},
        {"field": "Architecture and related services", "year": 1971, "graduates": 5570, "note": None},
        {"field": "Architecture and related services", "year": 1976, "graduates": None, "note": "not available"},
        {"field": "Architecture and related services", "year": 1981, "graduates": 9455, "note": None},
    ]
    other = tmp_path / "other.xlsx"
    pd.DataFrame([["Occupation", "2020"], ["x", "1"]]).to_excel(other, header=False, index=False)
    frame, rejects = parse_digest_table(other)
    assert frame.empty and [(r.record, r.problem) for r in rejects] == [
        (None, "no header row starting 'field of study' with academic years in the first 10 rows")]


def test_staging_series_and_cross_check_with_ipeds(tmp_path: Path) -> None:
    import shutil

    import duckdb

    from features.build import FEATURES, STAGING, build_models, load_seeds

    parsed = NcesDigest().parse(NcesDigest().snapshot_files(SNAPSHOTS))
    raw = parsed.tables["graduates"].assign(_batch_id="b1", _fetched_at=pd.Timestamp("2026-01-01"))
    con = duckdb.connect()
    con.execute("CREATE SCHEMA raw; CREATE SCHEMA staging; CREATE SCHEMA features; CREATE SCHEMA ref")
    con.register("raw_frame", raw)
    con.execute("CREATE TABLE raw.nces_digest__graduates AS SELECT * FROM raw_frame")
    # IPEDS 2019-20 bachelor's (award level 5) summed by 2-digit CIP from the bundled files: 14 = 129,306, 11 = 97,923
    con.execute("""CREATE TABLE staging.stg_ipeds__completions AS SELECT * FROM (VALUES
        (2020, '14.1901', 5, 29306), (2020, '14.0101', 5, 100000), (2020, '11.0701', 5, 97923),
        (2020, '14.1901', 7, 5000), (2020, '99', 5, 2060808)) t(survey_year, cipcode, awlevel, completions)""")
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(SNAPSHOTS.parent.parent / "seeds" / "nces_digest_fields.csv", seeds)
    load_seeds(con, seeds)
    build_models(con, [m for m in STAGING + FEATURES if m.table in (
        "stg_nces_digest__graduates", "feat_supply_nces_digest__annual", "int_supply__digest_vs_ipeds")])
    series = con.sql("SELECT unique_id, count(*), min(year(ds)), max(year(ds)) "
                     "FROM features.feat_supply_nces_digest__annual GROUP BY 1 ORDER BY 1").fetchall()
    assert series == [(f"supply/US/nces_digest/{slug}", 18, 1971, 2020) for slug in (
        "all_fields", "computer_information_sciences", "engineering", "engineering_technologies",
        "mathematics_statistics")]
    check = con.sql("SELECT field, year, digest_bachelors, ipeds_bachelors, ipeds_over_digest "
                    "FROM features.int_supply__digest_vs_ipeds ORDER BY 1").fetchall()
    assert check == [("Computer and information sciences and support services", 2020, 97047, 97923, 1.009),
                     ("Engineering", 2020, 128332, 129306, 1.0076)]
