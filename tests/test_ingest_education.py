"""IPEDS completions and NCSES degree tables: parsers against fixtures cut from the real files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ingest.ipeds import COLUMNS as IPEDS_COLUMNS
from ingest.ipeds import IpedsCompletions, academic_year, parse_completions_file
from ingest.ncses import NcsesGraduates, clean_cell, clean_label, parse_ncses_table

FIXTURES = Path(__file__).parent / "fixtures"
IPEDS = FIXTURES / "ipeds"
NCSES = FIXTURES / "ncses"

# Sums over the real c<year>_a.parquet rows with CIPCODE 11.0102 (first majors), all award levels.
AI_COMPLETIONS = {2020: 389, 2021: 517, 2022: 711, 2023: 1264, 2024: 1616}


def _ipeds_files() -> list[Path]:
    return sorted(IPEDS.glob("c*_a.parquet"))


def test_ipeds_ai_national_sums_each_year() -> None:
    parsed = IpedsCompletions().parse(_ipeds_files())
    assert parsed.rejects == []
    table = parsed.tables["completions"]
    assert list(table.columns) == IPEDS_COLUMNS
    ai = table[table["cipcode"] == "11.0102"]
    assert ai.groupby("survey_year")["completions"].sum().to_dict() == AI_COMPLETIONS
    masters_2024 = ai[(ai["survey_year"] == 2024) & (ai["awlevel"] == 7)].iloc[0]
    assert (masters_2024["institutions"], masters_2024["completions"], masters_2024["men"], masters_2024["women"]) == (63, 1122, 822, 300)
    assert masters_2024["awlevel_label"] == "master's"
    assert masters_2024["academic_year"] == "2023-24"


def test_ipeds_robotics_bachelors() -> None:
    table, rejects = parse_completions_file(IPEDS / "c2020_a.parquet")
    assert rejects == []
    row = table[(table["cipcode"] == "14.4201") & (table["awlevel"] == 5)].iloc[0]
    assert (row["institutions"], row["completions"], row["men"], row["women"]) == (20, 435, 367, 68)
    assert row["awlevel_label"] == "bachelor's"
    assert not table["is_grand_total"].any()


def test_ipeds_live_csv_reads_like_parquet() -> None:
    from_csv, rejects = parse_completions_file(IPEDS / "c2024_a.csv")
    from_parquet, _ = parse_completions_file(IPEDS / "c2024_a.parquet")
    assert rejects == []
    pd.testing.assert_frame_equal(from_csv, from_parquet)


def test_ipeds_bad_records_become_rejects(tmp_path: Path) -> None:
    frame = pq.read_table(IPEDS / "c2020_a.parquet").to_pandas().astype("string")
    frame.loc[0, "CTOTALT"] = "-4"
    frame.loc[1, "CIPCODE"] = "11.01O2"
    frame.loc[2, "CTOTALW"] = "n/a"
    frame.loc[3, "CIPCODE"] = "1.0102"  # a CSV re-saved by a spreadsheet loses the leading zero
    frame.loc[4, "MAJORNUM"] = "2"  # a second major: left out of national totals by design
    path = tmp_path / "c2020_a.csv"
    frame.to_csv(path, index=False)
    broken = frame.iloc[[0, 1, 2]]
    table, rejects = parse_completions_file(path)
    assert [(r.record, r.problem) for r in rejects] == [
        ("row 1", "CTOTALT -4 is negative"),
        ("row 2", "CIPCODE '11.01O2' is not NN.NNNN or 99"),
        ("row 3", "CTOTALW 'n/a' is not a count"),
    ]
    assert rejects[0].excerpt.startswith(f"UNITID={broken.iloc[0]['UNITID']},CIPCODE={broken.iloc[0]['CIPCODE']}")
    assert "01.0102" in set(table["cipcode"])
    assert table["completions"].sum() == sum(
        int(v) for i, v in frame["CTOTALT"].items() if i not in (0, 1, 2, 4)
    )


def test_ipeds_grand_total_kept_and_flagged(tmp_path: Path) -> None:
    rows = pd.DataFrame(
        {"UNITID": [100654, 100654], "CIPCODE": ["99", "11.0102"], "MAJORNUM": [1, 1], "AWLEVEL": [5, 5],
         "CTOTALT": [10, 3], "CTOTALM": [6, 2], "CTOTALW": [4, 1]}
    )
    path = tmp_path / "c2022_a.parquet"
    pq.write_table(pa.Table.from_pandas(rows, preserve_index=False), path)
    table, _ = parse_completions_file(path)
    assert table.set_index("cipcode")["is_grand_total"].to_dict() == {"11.0102": False, "99": True}


def test_ipeds_missing_column_and_truncated_file(tmp_path: Path) -> None:
    no_col = tmp_path / "c2021_a.csv"
    pd.read_parquet(IPEDS / "c2021_a.parquet").drop(columns="CTOTALT").to_csv(no_col, index=False)
    cut = tmp_path / "c2022_a.parquet"
    cut.write_bytes((IPEDS / "c2022_a.parquet").read_bytes()[:700])
    parsed = IpedsCompletions().parse([no_col, cut, IPEDS / "c2023_a.parquet"])
    assert [(r.file, r.record) for r in parsed.rejects] == [(str(no_col), None), (str(cut), None)]
    assert "missing columns ['CTOTALT']" in parsed.rejects[0].problem
    assert set(parsed.tables["completions"]["survey_year"]) == {2023}


def test_academic_year() -> None:
    assert academic_year(2020) == "2019-20"
    assert academic_year(2000) == "1999-00"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("['3,793', '&nbsp;']", (3793, None, None)),  # table 11570, as found
        ("['4,874,928', '&nbsp;']", (4874928, None, None)),  # table 11545
        ("['9,354', 'r']", (9354, "revised", None)),
        ("NA", (None, "not available", None)),
        ("1,269,173", (1269173, None, None)),
        ("2482<sup>i</sup>", (2482, "imputed", None)),
        ("0.05", (None, None, "'0.05' is not a whole number of graduates")),
        ("-12", (None, None, "count '-12' is negative")),
        ("['0.2', 'r']", (None, None, "'0.2' is not a whole number of graduates")),
    ],
)
def test_ncses_cell_cleaning(cell: str, expected: tuple) -> None:
    assert clean_cell(cell) == expected


def test_ncses_label_cleaning() -> None:
    assert clean_label("China<sup>a</sup>") == "China"
    assert clean_label("Both sexes  ") == "Both sexes"
    assert clean_label("Aerospace engineering ") == "Aerospace engineering"
    assert clean_label("Doctoral degrees awarded: 2008&#8211;18") == "Doctoral degrees awarded: 2008\u201318"
    assert clean_label("Japan&nbsp;<sup>b</sup>") == "Japan"


def test_ncses_international_table() -> None:
    table, rejects = parse_ncses_table(NCSES / "table_5785.csv")
    china = table[(table["country"] == "China") & (table["year"] == 2018)].set_index("field")
    assert china.loc["Engineering", "graduates"] == 1269173
    assert china.loc["Engineering", "parent_field"] == "S&E fields"
    assert china.loc["Engineering", "field_level"] == 3
    assert china.loc["All fields", "graduates"] == 3868358
    assert pd.isna(china.loc["Computer sciences", "graduates"])
    assert china.loc["Computer sciences", "note"] == "not available"
    eng_2010 = table[(table["country"] == "China") & (table["year"] == 2010) & (table["field"] == "Engineering")]
    assert eng_2010["graduates"].tolist() == [813218]
    argentina = table[(table["country"] == "Argentina") & (table["field"] == "All fields")]
    assert argentina.set_index("year")["graduates"].to_dict()[2015] == 88639
    assert argentina["graduates"].isna().sum() == 3
    # Cyprus agricultural sciences 2010 reads '0.05' in the conversion: one record reject, the other 8 years kept.
    assert [(r.record, r.problem) for r in rejects] == [
        ("row r102 column field_2010", "'0.05' is not a whole number of graduates")
    ]
    assert len(table[table["country"] == "Cyprus"]) == 8
    assert set(table["sex"]) == {"both"}
    # Heading rows (Argentina, China) hold no values and yield no rows: 7 data rows x 9 years + 8.
    assert len(table) == 14 * 9 + 8


def test_ncses_us_bachelors_by_sex() -> None:
    table, rejects = parse_ncses_table(NCSES / "table_3258.csv")
    assert rejects == []
    assert set(table["country"]) == {"United States"}
    male_2018 = table[(table["sex"] == "male") & (table["year"] == 2018)].set_index("field")
    assert male_2018.loc["Industrial engineering", "graduates"] == 5071
    assert male_2018.loc["Industrial engineering", "field_path"] == "All fields > S&E > Engineering > Industrial engineering"
    assert male_2018.loc["Mechanical engineering", "graduates"] == 30495
    both = table[(table["sex"] == "both") & (table["year"] == 2008)].set_index("field")
    assert both.loc["Computer sciences", "graduates"] == 38922
    assert both.loc["Computer sciences", "parent_field"] == "Science"
    assert both.loc["All fields", "graduates"] == 1580413
    female = table[table["sex"] == "female"].set_index("year")
    assert female.loc[2018, "graduates"] == 1148820


def test_ncses_stringified_cells_in_a_real_table(tmp_path: Path) -> None:
    text = (NCSES / "table_5785.csv").read_text(encoding="utf-8")
    text = text.replace(",813218,", ",\"['813,218', '&nbsp;']\",").replace(",884542,", ",\"['884,542', 'r']\",")
    path = tmp_path / "table_5785.csv"
    path.write_text(text, encoding="utf-8")
    table, _ = parse_ncses_table(path)
    eng = table[(table["country"] == "China") & (table["field"] == "Engineering")].set_index("year")
    assert eng.loc[2010, "graduates"] == 813218 and pd.isna(eng.loc[2010, "note"])
    assert eng.loc[2011, "graduates"] == 884542 and eng.loc[2011, "note"] == "revised"


def test_ncses_wrong_layout_is_one_file_reject(tmp_path: Path) -> None:
    odd = tmp_path / "data.csv"
    odd.write_text("table_id,row_id,impact,companies_number_\n11570,r001,Number of workers employed,\"['3,793', '&nbsp;']\"\n")
    parsed = NcsesGraduates().parse([odd, NCSES / "table_3258.csv"])
    assert [(r.file, r.record) for r in parsed.rejects] == [(str(odd), None)]
    assert set(parsed.tables["graduates"]["table_id"]) == {"3258"}


def test_ncses_snapshot_and_live_landing(tmp_path: Path) -> None:
    snapshot = Path(__file__).resolve().parents[1] / "data" / "snapshots"
    source = NcsesGraduates()
    files = source.snapshot_files(snapshot)
    assert all(f.exists() for f in files)
    landed = source.fetch_live(tmp_path, timeout_s=1)
    assert [f.read_bytes() for f in landed] == [f.read_bytes() for f in files]


def test_ipeds_live_zip_extraction_prefers_revised_csv(tmp_path: Path) -> None:
    import zipfile

    from ingest.ipeds import _extract_csv

    payload = tmp_path / "C2024_A.zip"
    with zipfile.ZipFile(payload, "w") as archive:
        archive.writestr("c2024_a.csv", b"provisional")
        archive.write(IPEDS / "c2024_a.csv", "c2024_a_rv.csv")
    landed = _extract_csv(payload.read_bytes(), 2024, "https://example.invalid/C2024_A.zip", tmp_path)
    assert landed.name == "c2024_a.csv"
    table, rejects = parse_completions_file(landed)
    assert rejects == [] and table["completions"].sum() > 0
