"""OEWS parser against real BLS workbooks: the 2000 .xls with banner rows, the 2019 .xlsx, and broken copies."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from ingest.oews import COLUMNS, OewsNational, live_url, parse_oews_workbook, year_from_name

FIXTURES = Path(__file__).parent / "fixtures" / "oews"
OLD = FIXTURES / "2000_national_2000_dl.xls"
NEW = FIXTURES / "2019_national_M2019_dl.xlsx"
SNAPSHOT = Path(__file__).resolve().parents[1] / "data" / "snapshots"


def _row(frame: pd.DataFrame, code: str) -> dict:
    hits = frame[frame["occ_code"] == code]
    assert len(hits) == 1, f"{code}: {len(hits)} rows"
    return hits.iloc[0].to_dict()


def test_old_xls_with_banner_rows() -> None:
    frame, rejects = parse_oews_workbook(OLD, None)
    assert rejects == []
    assert len(frame) == 733
    assert list(frame.columns) == COLUMNS
    assert set(frame["year"]) == {2000}
    assert _row(frame, "17-2112") == {
        "year": 2000, "occ_code": "17-2112", "occ_title": "Industrial Engineers",
        "o_group": "detailed", "tot_emp": 171810, "suppressed": False,
    }
    assert _row(frame, "11-0000")["tot_emp"] == 7782680
    assert _row(frame, "11-0000")["o_group"] == "major"
    assert str(frame["tot_emp"].dtype) == "Int64"
    assert str(frame["occ_code"].dtype).startswith("str")


def test_new_xlsx_lower_case_columns_and_o_group() -> None:
    frame, rejects = parse_oews_workbook(NEW, 2019)
    assert rejects == []
    assert len(frame) == 1329
    assert _row(frame, "00-0000")["tot_emp"] == 146875480
    assert _row(frame, "00-0000")["o_group"] == "total"
    assert _row(frame, "17-2112")["tot_emp"] == 291710
    assert _row(frame, "15-1250")["o_group"] == "broad"
    assert _row(frame, "15-1250")["tot_emp"] == 1754750


def test_suppressed_employment_is_null_and_flagged() -> None:
    frame, rejects = parse_oews_workbook(SNAPSHOT / "oews" / "2005_national_may2005_dl.xls", None)
    assert rejects == []
    hidden = frame[frame["suppressed"]]
    assert hidden["occ_code"].tolist() == ["39-3019", "45-4029"]
    assert hidden["tot_emp"].isna().all()
    assert frame.loc[~frame["suppressed"], "tot_emp"].notna().all()


def test_truncated_workbook_is_one_file_reject(tmp_path: Path) -> None:
    broken = tmp_path / "2019_national_M2019_dl.xlsx"
    broken.write_bytes(NEW.read_bytes()[: NEW.stat().st_size // 2])
    frame, rejects = parse_oews_workbook(broken, None)
    assert frame.empty and list(frame.columns) == COLUMNS
    assert len(rejects) == 1
    assert rejects[0].record is None
    assert rejects[0].file == str(broken)
    assert "cannot read workbook" in rejects[0].problem


def _edited_copy(tmp_path: Path, edit) -> Path:
    target = tmp_path / NEW.name
    shutil.copy(NEW, target)
    book = openpyxl.load_workbook(target)
    edit(book["national_M2019_dl"])
    book.save(target)
    return target


def test_missing_tot_emp_column_is_one_file_reject(tmp_path: Path) -> None:
    path = _edited_copy(tmp_path, lambda ws: ws.delete_cols(11))  # column K is tot_emp
    frame, rejects = parse_oews_workbook(path, None)
    assert frame.empty
    assert [(r.record, r.file) for r in rejects] == [(None, str(path))]
    assert "occ_code and tot_emp" in rejects[0].problem


def test_negative_and_marker_cells(tmp_path: Path) -> None:
    def edit(ws) -> None:
        assert ws["H178"].value == "17-2112" and ws["K1"].value == "tot_emp"
        ws["K178"] = -5
        ws["K7"] = "#"
        ws["H8"] = "11-10X1"

    path = _edited_copy(tmp_path, edit)
    frame, rejects = parse_oews_workbook(path, 2019)
    assert len(frame) == 1327
    assert [(r.record, r.problem) for r in rejects] == [
        ("sheet national_M2019_dl row 8", "occ_code '11-10X1' is not NN-NNNN"),
        ("sheet national_M2019_dl row 178", "tot_emp '-5' is negative"),
    ]
    assert _row(frame, "11-1020")["suppressed"] is True
    assert pd.isna(_row(frame, "11-1020")["tot_emp"])


def test_source_parse_keeps_going_after_a_bad_file(tmp_path: Path) -> None:
    junk = tmp_path / "2001_national_2001_dl.xls"
    junk.write_bytes(b"not a workbook")
    parsed = OewsNational().parse([OLD, junk, NEW])
    national = parsed.tables["national"]
    assert national.groupby("year").size().to_dict() == {2000: 733, 2019: 1329}
    assert [(r.source, r.file, r.record) for r in parsed.rejects] == [("oews", str(junk), None)]


def test_year_and_url_helpers() -> None:
    assert year_from_name(Path("2008_national__M2008_dl.xls")) == 2008
    assert year_from_name(Path("national_dl.xls")) is None
    assert live_url(2019) == "https://www.bls.gov/oes/special-requests/oesm19nat.zip"


def test_snapshot_lists_all_years() -> None:
    files = OewsNational().snapshot_files(SNAPSHOT)
    assert [year_from_name(f) for f in files] == list(range(2000, 2023))


@pytest.mark.parametrize("path", [OLD, NEW])
def test_year_without_name_is_a_file_reject(tmp_path: Path, path: Path) -> None:
    nameless = tmp_path / f"national_dl{path.suffix}"
    shutil.copy(path, nameless)
    frame, rejects = parse_oews_workbook(nameless, None)
    assert frame.empty and rejects[0].record is None and "year" in rejects[0].problem


def test_live_zip_extraction_without_network(tmp_path: Path) -> None:
    import zipfile

    from ingest.oews import _extract_workbook

    payload = tmp_path / "oesm19nat.zip"
    with zipfile.ZipFile(payload, "w") as archive:
        archive.write(NEW, "oesm19nat/national_M2019_dl.xlsx")
        archive.writestr("oesm19nat/field_descriptions.xlsx", b"small")
    dest = tmp_path / "landed"
    dest.mkdir()
    landed = _extract_workbook(payload.read_bytes(), 2019, "https://example.invalid/oesm19nat.zip", dest)
    assert landed.name == "2019_national_dl.xlsx"
    assert landed.read_bytes() == NEW.read_bytes()
    assert len(parse_oews_workbook(landed)[0]) == 1329


def test_industry_rows_make_the_file_a_reject(tmp_path: Path) -> None:
    def edit(ws) -> None:
        assert ws["D1"].value == "naics"
        ws["D5"] = "336000"

    path = _edited_copy(tmp_path, edit)
    frame, rejects = parse_oews_workbook(path, 2019)
    assert frame.empty
    assert [r.record for r in rejects] == [None]
    assert rejects[0].problem == "not a national cross-industry file: 1 rows with naics != '000000', e.g. '336000'"
