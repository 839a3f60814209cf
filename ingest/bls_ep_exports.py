"""Any vintage of a BLS Employment Projections occupation export -> one row per occupation (issue 5).

The CSV exports changed layout across vintages: 2012-22 names its columns 'SOC Code', '2012', '2022';
2016-26 and 2019-23 quote codes as Excel formulas ('="11-1011"'); titles carry the web page's
'Show/hide Example Job Titles' text. The occupation.xlsx workbooks (2014-24 ...) hold the same
numbers in 'Table 1.2 Employment by detailed occupation' below three header rows, with summary rows
marked 'Summary' and occupations 'Line item'. Employment is in thousands in every layout.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ingest.base import SourceFormatError

COLUMNS = ["soc_code", "title", "emp_base", "emp_target"]
_SOC = re.compile(r"\d{2}-\d{4}")
_VINTAGE_NAME = re.compile(r"(?<!\d)(\d{4})-(\d{2})(?!\d)")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


@dataclass(frozen=True)
class ProjectionExport:
    """One vintage: base and target year, and employment (persons, not thousands) by SOC code."""

    base_year: int
    target_year: int
    frame: pd.DataFrame  # COLUMNS; one row per SOC code


def soc_code_from_cell(value: object) -> str:
    """Return 'NN-NNNN' from cells such as '="11-1011"' or ' 11-1011 ', or '' when there is none."""
    match = _SOC.search(str(value))
    return match.group(0) if match else ""


def _thousands(value: object, path: Path, record: str) -> float | None:
    """Return persons from a cell in thousands such as '1,275.4'; None for blank or N/A."""
    text = str(value).replace(",", "").strip()
    if text in {"", "N/A", "nan", "NaN", "None", "—", "-"}:
        return None
    try:
        return float(text) * 1000
    except ValueError:
        raise SourceFormatError(path, f"employment {text!r} is not a number", record) from None


def openings_column(columns: list[str]) -> str | None:
    """Return the annual-average openings header of a CSV export (every layout says 'openings'), or None."""
    return next((c for c in columns if "openings" in c.lower()), None)


def title_from_cell(value: object) -> str:
    """Return the occupation title without the web page's example job titles ('    * ...', 'Show/hide ...')."""
    return re.split(r"\s{3,}|\t|Show/hide", str(value))[0].strip()


def _vintage_from_name(path: Path) -> tuple[int, int] | None:
    match = _VINTAGE_NAME.search(path.name)
    if not match:
        return None
    base = int(match.group(1))
    return base, base // 100 * 100 + int(match.group(2))


def employment_columns(columns: list[str], path: Path) -> tuple[str, str, int, int]:
    """Return (base column, target column, base year, target year) among CSV headers."""
    found = []
    for col in columns:
        low = col.lower().strip()
        # 'Employment 2016 (thousands)' or the bare '2012' of the 2012-22 export; not wages or changes.
        if re.fullmatch(r"(employment\s+)?(19|20)\d{2}(\s*\(thousands\))?", low):
            found.append((col, int(_YEAR.search(low).group(1))))
    if len(found) != 2:
        raise SourceFormatError(path, f"expected two employment-by-year columns, found {[c for c, _ in found]}")
    (base_col, base), (target_col, target) = sorted(found, key=lambda item: item[1])
    return base_col, target_col, base, target


def _read_csv(path: Path) -> ProjectionExport:
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise SourceFormatError(path, f"cannot parse CSV: {exc}") from exc
    code_col = next((c for c in frame.columns if c.lower().strip() in {"soc code", "occupation code"}), None)
    title_col = next((c for c in frame.columns if c.lower().strip() in {"title", "occupation title"}), None)
    if code_col is None:
        raise SourceFormatError(path, f"no 'SOC Code' or 'Occupation Code' column in {list(frame.columns)}")
    base_col, target_col, base, target = employment_columns(list(frame.columns), path)
    rows = []
    for i, rec in frame.iterrows():
        record = f"row {i + 2}"
        code = soc_code_from_cell(rec[code_col])
        if not code:
            raise SourceFormatError(path, f"bad SOC code {rec[code_col]!r}", record)
        title = title_from_cell(rec[title_col]) if title_col else ""
        rows.append((code, title, _thousands(rec[base_col], path, record), _thousands(rec[target_col], path, record)))
    return ProjectionExport(base, target, pd.DataFrame(rows, columns=COLUMNS))


def _read_workbook(path: Path) -> ProjectionExport:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl's default-style warning on BLS workbooks
            sheets = pd.read_excel(path, sheet_name=None, header=None, dtype=str)
    except Exception as exc:  # openpyxl/xlrd/zipfile raise their own types for a bad file
        raise SourceFormatError(path, f"cannot read workbook ({type(exc).__name__}: {exc})") from exc
    sheet = next((s for s, f in sheets.items() if len(f) and "by detailed occupation" in str(f.iloc[0, 0]).lower()),
                 None)
    if sheet is None:
        raise SourceFormatError(path, f"no 'Employment by detailed occupation' sheet among {list(sheets)}")
    frame = sheets[sheet]
    years = _YEAR.findall(str(frame.iloc[0, 0]))
    if len(years) < 2:
        raise SourceFormatError(path, f"sheet {sheet!r} title gives no base and target year: {frame.iloc[0, 0]!r}")
    base, target = int(years[0]), int(years[-1])
    # Employment base and target are the first two cells holding those years in the header rows.
    header = frame.iloc[1:6]
    base_col = target_col = None
    for j in range(frame.shape[1]):
        cells = {str(v).strip().split(".")[0] for v in header[j].tolist() if pd.notna(v)}
        if base_col is None and str(base) in cells:
            base_col = j
        elif base_col is not None and target_col is None and str(target) in cells:
            target_col = j
    type_col = next((j for j in range(frame.shape[1])
                     if any("occupation type" in str(v).lower() for v in header[j].tolist())), None)
    if base_col is None or target_col is None or type_col is None:
        raise SourceFormatError(path, f"sheet {sheet!r}: no employment {base}/{target} or occupation type columns")
    rows = []
    for i in range(len(frame)):
        if str(frame.iloc[i, type_col]).strip().lower() != "line item":
            continue
        record = f"sheet {sheet} row {i + 1}"
        code = soc_code_from_cell(frame.iloc[i, 1])
        if not code:
            raise SourceFormatError(path, f"bad SOC code {frame.iloc[i, 1]!r}", record)
        rows.append((code, str(frame.iloc[i, 0]).strip(), _thousands(frame.iloc[i, base_col], path, record),
                     _thousands(frame.iloc[i, target_col], path, record)))
    return ProjectionExport(base, target, pd.DataFrame(rows, columns=COLUMNS))


def read_projection_export(path: Path) -> ProjectionExport:
    """Return one BLS projections vintage (CSV export or occupation.xlsx): employment by SOC code, in persons."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"projections file {str(path)!r} does not exist")
    export = _read_workbook(path) if path.suffix.lower() in {".xlsx", ".xls"} else _read_csv(path)
    named = _vintage_from_name(path)
    if named and named != (export.base_year, export.target_year):
        raise SourceFormatError(path, f"file name says vintage {named}, its columns say "
                                      f"{(export.base_year, export.target_year)}")
    # Summary rows (00-0000, major groups) would double count occupations.
    frame = export.frame[~export.frame["soc_code"].str.endswith("-0000")]
    dup = frame["soc_code"][frame["soc_code"].duplicated()]
    if len(dup):
        raise SourceFormatError(path, f"SOC code {dup.iloc[0]!r} appears more than once")
    return ProjectionExport(export.base_year, export.target_year, frame.reset_index(drop=True))
