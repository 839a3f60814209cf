"""`talentcast evaluate-projections` through the real command: hand-made workbooks and CSVs, then real BLS files."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from flows.cmd_gap import evaluate_projections, projection_evaluation
from ingest.base import SourceFormatError
from ingest.bls_ep_exports import read_projection_export

REPO = Path(__file__).resolve().parents[1]


def _workbook(path: Path, rows: list[tuple[str, str, str, str]], banner: int = 0) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    for i in range(banner):
        sheet.append([f"banner line {i}"])
    sheet.append(["occ_code", "occ_title", "group", "tot_emp"])
    for row in rows:
        sheet.append(list(row))
    book.save(path)


@pytest.fixture
def oews_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "oews"
    folder.mkdir()
    _workbook(folder / "2002_national_dl.xlsx", [("00-0000", "All", "total", "1000"),
                                                 ("17-2112", "Industrial Engineers", "", "100"),
                                                 ("17-2141", "Mechanical Engineers", "", "400")], banner=3)
    _workbook(folder / "2012_national_M2012_dl.xlsx", [("17-0000", "Architecture", "major", "999"),
                                                       ("17-2112", "Industrial Engineers", "detailed", "200"),
                                                       ("17-2141", "Mechanical Engineers", "detailed", "400")])
    # 2016 lies between B and T with absurd numbers: the command must not read it.
    _workbook(folder / "2016_national_M2016_dl.xlsx", [("17-2112", "Industrial Engineers", "detailed", "9"),
                                                       ("17-2141", "Mechanical Engineers", "detailed", "9")])
    _workbook(folder / "2022_national_M2022_dl.xlsx", [("17-2112", "Industrial Engineers", "detailed", "300"),
                                                       ("17-2141", "Mechanical Engineers", "detailed", "**")])
    return folder


@pytest.fixture
def projections_2012(tmp_path: Path) -> Path:
    # The 2012-22 export layout: bare year columns, titles with the web page's example-titles text.
    path = tmp_path / "ep_2012-22_occupationProj.csv"
    path.write_text('"Title","SOC Code","2012","2022","Number (inthousands)","Percent"\n'
                    '"Industrial engineers     \t Show/hide Example Job Titles * Process Engineer","17-2112",'
                    '"190.0","209.0","19.0","10.0"\n'
                    '"Mechanical engineers","17-2141","1,000.0","1,100.0","100.0","10.0"\n', encoding="utf-8")
    return path


def test_projection_export_layouts(tmp_path: Path, projections_2012: Path) -> None:
    export = read_projection_export(projections_2012)
    assert (export.base_year, export.target_year) == (2012, 2022)
    assert export.frame.to_dict("records") == [
        {"soc_code": "17-2112", "title": "Industrial engineers", "emp_base": 190_000.0, "emp_target": 209_000.0},
        {"soc_code": "17-2141", "title": "Mechanical engineers", "emp_base": 1_000_000.0, "emp_target": 1_100_000.0}]
    newer = tmp_path / "ep_2019-29_occupationProj.csv"
    newer.write_text('"Occupation Title","Occupation Code","Employment 2019","Employment 2029"\n'
                     '"Total, all occupations","=""00-0000""","162,795.6","168,834.7"\n'
                     '"Data scientists","=""15-2098""","33.2","43.7"\n', encoding="utf-8")
    export = read_projection_export(newer)
    assert (export.base_year, export.target_year) == (2019, 2029)
    assert export.frame["soc_code"].tolist() == ["15-2098"]
    bad = tmp_path / "ep_2020-30_occupationProj.csv"
    bad.write_text('"Occupation Code","Employment 2020","Employment 2030"\n"17-2112","N/A","x1"\n', encoding="utf-8")
    with pytest.raises(SourceFormatError, match="employment 'x1' is not a number"):
        read_projection_export(bad)


def test_command_writes_rows_and_prints_summary(tmp_path: Path, oews_dir: Path, projections_2012: Path) -> None:
    app = typer.Typer()
    app.command()(evaluate_projections)
    out = tmp_path / "eval" / "rows.csv"
    result = CliRunner().invoke(app, ["--oews", str(oews_dir), "--projections", str(projections_2012),
                                      "--base-year", "2012", "--target-year", "2022", "--output", str(out)],
                                     env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    rows = pd.read_csv(out, dtype={"soc_code": str})
    # 17-2141 is suppressed ('**') in 2022: no outcome, no row.
    assert rows[["soc_code", "emp_base", "emp_target_actual"]].to_dict("records") == [
        {"soc_code": "17-2112", "emp_base": 200, "emp_target_actual": 300}]
    rate = 0.5 * (1.1 ** 0.1 - 1) + 0.5 * 0.05  # 2002-12 doubled: trend capped at 5%/yr
    assert rows.loc[0, "growth_actual"] == pytest.approx(0.5)
    assert rows.loc[0, "growth_bls"] == pytest.approx(0.1)
    assert rows.loc[0, "growth_talentcast"] == pytest.approx((1 + rate) ** 10 - 1)
    assert "talentcast" in result.output and "ai_mfg" in result.output and "wrote 1 occupations" in result.output


def test_command_names_the_wrong_base_year(tmp_path: Path, oews_dir: Path, projections_2012: Path) -> None:
    app = typer.Typer()
    app.command()(evaluate_projections)
    result = CliRunner().invoke(app, ["--oews", str(oews_dir), "--projections", str(projections_2012),
                                      "--base-year", "2016", "--target-year", "2022",
                                      "--output", str(tmp_path / "x.csv")])
    assert result.exit_code == 1
    assert "--base-year 2016 is not the base year" in result.output


def test_real_2012_22_vintage_against_oews_2022() -> None:
    # The bundled OEWS workbooks and the real BLS 2012-22 export (tests/fixtures/bls_ep, public domain).
    rows, summary = projection_evaluation(REPO / "data" / "snapshots" / "oews",
                                          REPO / "tests" / "fixtures" / "bls_ep" / "ep_2012-22_occupationProj.csv",
                                          2012, 2022, REPO / "seeds")
    assert len(rows) == 767 and rows["soc_code"].is_unique
    score = summary.set_index(["subset", "method"])["mae_annual_pts"]
    # The scale: BLS about 2.5 points a year, no-change about 2.6; the blend beats BLS.
    assert score[("all", "bls")] == pytest.approx(2.580, abs=0.001)
    assert score[("all", "no_change")] == pytest.approx(2.717, abs=0.001)
    assert score[("all", "talentcast")] < score[("all", "bls")]
    industrial = rows.set_index("soc_code").loc["17-2112"]
    assert (industrial["emp_base"], industrial["emp_target_actual"]) == (220130, 321400)
