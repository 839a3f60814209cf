"""BLS projections connector reads every vintage layout (issue 5): real cuts of the 2012-22, 2016-26 and 2024-34 exports."""

from __future__ import annotations

from pathlib import Path

from ingest.bls_ep import BlsProjections

FIXTURES = Path(__file__).parent / "fixtures"


def test_formula_quoted_codes_and_old_headers_parse_with_openings() -> None:
    out = BlsProjections().parse([FIXTURES / "bls_ep" / "ep_2016-26_occupationProj.csv"])
    frame = out.tables["projections"]
    assert out.rejects == []
    # cells '="17-2112"', 'Employment 2016 (thousands)', 'Occupational openings, 2016-2026 annual average (thousands)'
    assert frame[["base_year", "target_year", "soc_code", "title"]].values.tolist() == [
        [2016, 2026, "17-2112", "Industrial engineers"],
        [2016, 2026, "17-2141", "Mechanical engineers"],
        [2016, 2026, "15-2041", "Statisticians"],
    ]
    assert frame.loc[frame["soc_code"] == "17-2141", ["emp_base_k", "emp_target_k", "openings_annual_k"]
                     ].values.tolist() == [[288.8, 314.1, 21.2]]


def test_all_three_layouts_in_one_batch() -> None:
    files = [FIXTURES / "bls_ep" / "ep_2012-22_occupationProj.csv", FIXTURES / "bls_ep" / "ep_2016-26_occupationProj.csv",
             FIXTURES / "postings" / "ep_2024-34_occupationProj.csv"]
    out = BlsProjections().parse(files)
    frame = out.tables["projections"]
    assert sorted(frame["base_year"].unique().tolist()) == [2012, 2016, 2024]
    assert frame["openings_annual_k"].notna().all()
    assert [r.problem for r in out.rejects if r.record is None] == []


def test_file_name_and_columns_must_agree(tmp_path: Path) -> None:
    wrong = tmp_path / "ep_2018-28_occupationProj.csv"
    wrong.write_bytes((FIXTURES / "bls_ep" / "ep_2016-26_occupationProj.csv").read_bytes())
    out = BlsProjections().parse([wrong])
    assert out.tables["projections"].empty
    assert "file name says vintage 2018-2028, its columns say 2016-2026" in out.rejects[0].problem
