"""BLS OEWS national cross-industry workbooks (May estimates, 2000 onwards) -> raw.oews__national.

One workbook a year, as BLS publishes them: .xls to 2013 (2000 with 38 banner rows above the header),
.xlsx from 2014, column names in either case, the group column named group / occ_group / o_group,
and 2019+ files carrying area / naics / own_code columns. Employment cells hold '**' (or '#') where
BLS suppresses the estimate.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from pathlib import Path

import pandas as pd

from ingest.base import Parsed, Reject, SourceFormatError
from ingest.http import LiveFetchError, get

NAME = "oews"
COLUMNS = ["year", "occ_code", "occ_title", "o_group", "tot_emp", "suppressed"]
LIVE_YEARS = range(2000, 2023)
# BLS marks suppressed or not-applicable estimates with these instead of a number.
SUPPRESSED_MARKERS = {"*", "**", "***", "#", "~"}
_TITLE_ALIASES = ("occ_title", "occ_titl")
_GROUP_ALIASES = ("o_group", "occ_group", "group")
_OCC_CODE = re.compile(r"^\d{2}-\d{4}$")
_COUNT = re.compile(r"^\d+(\.0+)?$")
_HEADER_SCAN_ROWS = 80


def year_from_name(path: Path) -> int | None:
    """Return the four-digit survey year found in a workbook's file name, or None."""
    match = re.search(r"(?<!\d)(20\d{2}|19\d{2})(?!\d)", path.name)
    return int(match.group(1)) if match else None


def live_url(year: int) -> str:
    """Return the BLS download URL of one year's national zip."""
    # tables.htm lists 1997-2002 without the 'm' (oes00nat.zip); May estimates from 2003 as oesm03nat.zip.
    stem = f"oes{year % 100:02d}nat" if year <= 2002 else f"oesm{year % 100:02d}nat"
    return f"https://www.bls.gov/oes/special-requests/{stem}.zip"


def _read_sheets(path: Path) -> dict[str, pd.DataFrame]:
    """Return every sheet of a workbook as strings with no header row applied."""
    engine = "xlrd" if path.suffix.lower() == ".xls" else "openpyxl"
    try:
        with warnings.catch_warnings():
            # pandas 3 flags xlrd as deprecated in favour of calamine, which is not a dependency here.
            warnings.simplefilter("ignore")
            return pd.read_excel(path, sheet_name=None, header=None, dtype=str, engine=engine)
    except Exception as exc:  # xlrd, openpyxl and zipfile each raise their own types for a bad file
        raise SourceFormatError(path, f"cannot read workbook ({type(exc).__name__}: {exc})") from exc


def _find_table(path: Path, sheets: dict[str, pd.DataFrame]) -> tuple[str, int, pd.DataFrame]:
    """Return (sheet, header row index, sheet frame) of the first sheet whose header names occ_code and tot_emp."""
    for sheet, frame in sheets.items():
        for i in range(min(_HEADER_SCAN_ROWS, len(frame))):
            cells = {str(v).strip().lower() for v in frame.iloc[i].tolist() if pd.notna(v)}
            # 'Field Descriptions' sheets list occ_code too, but never together with tot_emp on one row.
            if {"occ_code", "tot_emp"} <= cells:
                return sheet, i, frame
    raise SourceFormatError(path, f"no sheet with an occ_code and tot_emp header row (sheets: {list(sheets)})")


def _data_frame(path: Path, sheet: str, header: int, frame: pd.DataFrame) -> pd.DataFrame:
    """Return the table below the header with lower-case column names and an Excel row label."""
    names = [str(v).strip().lower() if pd.notna(v) else f"_blank{j}" for j, v in enumerate(frame.iloc[header])]
    body = frame.iloc[header + 1 :].copy()
    body.columns = names
    body = body.loc[:, ~body.columns.duplicated()]
    body["_record"] = [f"sheet {sheet} row {i + 1}" for i in body.index]
    # Rows with no cell at all are the padding xlrd returns past the table, not records.
    data_cols = [c for c in body.columns if c != "_record"]
    body = body[body[data_cols].notna().any(axis=1)]
    title = next((c for c in _TITLE_ALIASES if c in body.columns), None)
    if title is None:
        raise SourceFormatError(path, f"no occ_title column in sheet {sheet} (columns: {data_cols})")
    return body.rename(columns={title: "occ_title"})


def _check_cross_industry(path: Path, body: pd.DataFrame) -> None:
    """Raise when a 2019+ style file holds rows other than the U.S. cross-industry, all-ownership estimates."""
    expected = {"area": "99", "naics": "000000", "own_code": "1235"}
    for col, value in expected.items():
        if col in body.columns:
            other = body[col].fillna("").str.strip()
            other = other[other != value]
            if len(other):
                raise SourceFormatError(
                    path,
                    f"not a national cross-industry file: {len(other)} rows with {col} != {value!r}, "
                    f"e.g. {other.iloc[0]!r}",
                )


def parse_oews_workbook(path: Path, year: int | None = None) -> tuple[pd.DataFrame, list[Reject]]:
    """Return one row per occupation code and group of one workbook, plus rejects (one if the file is unreadable)."""
    path = Path(path)
    empty = _typed(pd.DataFrame(columns=COLUMNS))
    year = year if year is not None else year_from_name(path)
    try:
        if year is None:
            raise SourceFormatError(path, "survey year not given and not found in the file name")
        sheet, header, frame = _find_table(path, _read_sheets(path))
        body = _data_frame(path, sheet, header, frame)
        _check_cross_industry(path, body)
    except SourceFormatError as exc:
        return empty, [Reject(NAME, str(path), None, exc.problem)]

    group = next((c for c in _GROUP_ALIASES if c in body.columns), None)
    rows: list[dict] = []
    rejects: list[Reject] = []
    for rec in body.to_dict("records"):
        record = rec["_record"]
        excerpt = f"occ_code={rec.get('occ_code')!r} tot_emp={rec.get('tot_emp')!r}"
        code = str(rec["occ_code"]).strip() if pd.notna(rec["occ_code"]) else ""
        if not _OCC_CODE.match(code):
            rejects.append(Reject(NAME, str(path), record, f"occ_code {code!r} is not NN-NNNN", excerpt))
            continue
        raw = str(rec["tot_emp"]).strip().replace(",", "") if pd.notna(rec["tot_emp"]) else ""
        if raw in SUPPRESSED_MARKERS:
            tot_emp, suppressed = None, True
        elif _COUNT.match(raw):
            tot_emp, suppressed = int(float(raw)), False
        else:
            problem = f"tot_emp {raw!r} is negative" if raw.startswith("-") else f"tot_emp {raw!r} is not a count"
            rejects.append(Reject(NAME, str(path), record, problem, excerpt))
            continue
        grp = rec.get(group) if group else None
        rows.append(
            {
                "year": year,
                "occ_code": code,
                "occ_title": str(rec["occ_title"]).strip() if pd.notna(rec["occ_title"]) else None,
                "o_group": str(grp).strip().lower() if grp is not None and pd.notna(grp) and str(grp).strip() else None,
                "tot_emp": tot_emp,
                "suppressed": suppressed,
            }
        )
    return _typed(pd.DataFrame(rows, columns=COLUMNS)), rejects


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the frame with the raw table's dtypes."""
    return frame.astype(
        {
            "year": "int64", "occ_code": "string", "occ_title": "string", "o_group": "string",
            "tot_emp": "Int64", "suppressed": "bool",
        }
    )


class OewsNational:
    """BLS Occupational Employment and Wage Statistics, national cross-industry estimates by SOC code."""

    name = NAME
    title = "BLS Occupational Employment and Wage Statistics (OEWS), national"
    url = "https://www.bls.gov/oes/tables.htm"
    licence = "US federal government work (BLS): public domain"
    cadence = "yearly"

    def __init__(self, years: range | list[int] = LIVE_YEARS):
        self.years = years

    def snapshot_files(self, snapshot_dir: Path) -> list[Path]:
        """Return the bundled workbooks under <snapshot_dir>/oews, oldest first."""
        folder = Path(snapshot_dir) / self.name
        return sorted(p for p in folder.iterdir() if p.suffix.lower() in {".xls", ".xlsx"})

    def fetch_live(self, dest: Path, timeout_s: float) -> list[Path]:
        """Download each year's national zip and extract its workbook into dest as <year>_national_dl.<ext>."""
        dest = Path(dest)
        dest.mkdir(parents=True, exist_ok=True)
        files: list[Path] = []
        for year in self.years:
            url = live_url(year)
            # ingest.http sends a descriptive User-Agent: bls.gov answers 403 to anonymous clients.
            files.append(_extract_workbook(get(url, timeout_s).content, year, url, dest))
        return files

    def parse(self, files: list[Path]) -> Parsed:
        """Parse every workbook into entity 'national' (one row per year, occ_code and o_group)."""
        # BLS lists some 2017-2022 codes twice, as 'broad' and as 'detailed' (e.g. 13-1020), so the
        # grain includes o_group.
        frames, rejects = [], []
        for path in files:
            frame, file_rejects = parse_oews_workbook(Path(path))
            frames.append(frame)
            rejects.extend(file_rejects)
        national = pd.concat(frames, ignore_index=True) if frames else _typed(pd.DataFrame(columns=COLUMNS))
        return Parsed(tables={"national": national}, rejects=rejects)


def _extract_workbook(payload: bytes, year: int, url: str, dest: Path) -> Path:
    """Write the national workbook inside a downloaded zip to dest and return its path."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(payload))
    except zipfile.BadZipFile as exc:
        raise LiveFetchError(f"OEWS download of {url} is not a zip file ({len(payload)} bytes)") from exc
    books = [n for n in archive.namelist() if n.lower().endswith((".xls", ".xlsx")) and "field_desc" not in n.lower()]
    if not books:
        raise LiveFetchError(f"OEWS zip {url} holds no workbook: {archive.namelist()}")
    # Zips of some years also carry a field-description workbook; the data one is the largest.
    name = max(books, key=lambda n: archive.getinfo(n).file_size)
    target = dest / f"{year}_national_dl{Path(name).suffix.lower()}"
    target.write_bytes(archive.read(name))
    return target
