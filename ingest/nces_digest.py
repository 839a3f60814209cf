"""NCES Digest of Education Statistics table 322.10 (US bachelor's degrees by field) -> raw.nces_digest__graduates.

The Digest publishes each table as an Excel sheet laid out for print: a title row, a header row
("Field of study", then academic years such as 1970-71), a row of column numbers, one row per field,
then footnote rows (`\\1\\Includes ...`), a NOTE and a SOURCE row. Field labels carry footnote markers
(`Business\\2\\`), line breaks and padding. The parser finds the header by its text, keeps field rows
that have cells, attaches each footnote's text to the fields that cite it, and rejects any cell that
is not a whole count; `---`/`\u2020` style "not available / not applicable" markers become nulls with a note.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pandas as pd

from ingest.base import Parsed, Reject, SourceFormatError
from ingest.http import download

NAME = "nces_digest"
TABLE = "322.10"
FILE_NAME = "tabn322.10.xls"
# The Digest 2021 edition of the table (prepared September 2021, data through 2019-20).
LIVE_URL = "https://nces.ed.gov/programs/digest/d21/tables/xls/tabn322.10.xls"
BUNDLED = Path(__file__).resolve().parents[1] / "data" / "snapshots" / NAME
COLUMNS = ["table_id", "field", "footnote", "is_total", "academic_year", "year", "graduates", "note"]
HEADER_LABEL = "field of study"
# Digest special values (Digest "Guide to Sources" conventions).
NULL_MARKERS = {"---": "not available", "\u2020": "not applicable", "#": "rounds to zero", "!": "interpret with caution",
                "\u2021": "reporting standards not met"}
_YEAR = re.compile(r"^(\d{4})-(\d{2})$")
_MARKER = re.compile(r"\\(\d+)\\")


def clean_label(text: object) -> tuple[str, list[str]]:
    """Return (label without footnote markers, line breaks or padding, footnote numbers it cites)."""
    raw = str(text)
    marks = _MARKER.findall(raw)
    return re.sub(r"\s+", " ", _MARKER.sub("", raw)).strip(), marks


def end_year(academic_year: str) -> int:
    """Return the calendar year an academic year ends in: '1970-71' -> 1971, '1999-00' -> 2000."""
    match = _YEAR.match(academic_year)
    if not match:
        raise ValueError(f"academic year {academic_year!r} is not like '2019-20'")
    start = int(match.group(1))
    return start + 1 if (start + 1) % 100 == int(match.group(2)) else start


def read_sheet(path: Path) -> pd.DataFrame:
    """Return the first sheet of a Digest workbook as strings, no header applied."""
    engine = "xlrd" if path.suffix.lower() == ".xls" else "openpyxl"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pandas 3 flags xlrd as deprecated; calamine is not a dependency
            return pd.read_excel(path, header=None, dtype=str, engine=engine)
    except Exception as exc:  # xlrd, openpyxl and zipfile each raise their own types for a bad file
        raise SourceFormatError(path, f"cannot read workbook ({type(exc).__name__}: {exc})") from exc


def _header(path: Path, sheet: pd.DataFrame) -> tuple[int, dict[int, str]]:
    """Return (header row index, {column index: academic year}); raise if the layout is not the Digest's."""
    for i in range(min(len(sheet), 10)):
        if clean_label(sheet.iat[i, 0])[0].lower() == HEADER_LABEL:
            years = {j: str(v).strip() for j, v in sheet.iloc[i, 1:].items() if _YEAR.match(str(v).strip())}
            if years:
                return i, years
    raise SourceFormatError(path, f"no header row starting {HEADER_LABEL!r} with academic years in the first 10 rows")


def _cell(text: object) -> tuple[int | None, str | None, str | None]:
    """Return (count, note, problem) of one cell."""
    raw = "" if pd.isna(text) else str(text).strip()
    if raw in NULL_MARKERS:
        return None, NULL_MARKERS[raw], None
    if raw == "":
        return None, "blank in source", None
    value = raw.replace(",", "")
    if re.fullmatch(r"\d+(\.0+)?", value):
        return int(float(value)), None, None
    return None, None, f"{raw!r} is not a whole number of graduates"


def parse_digest_table(path: Path) -> tuple[pd.DataFrame, list[Reject]]:
    """Return one row per field and academic year of a Digest 322.10 workbook, plus rejects."""
    path = Path(path)
    try:
        sheet = read_sheet(path)
        head, years = _header(path, sheet)
    except SourceFormatError as exc:
        return _typed(pd.DataFrame(columns=COLUMNS)), [Reject(NAME, str(path), None, exc.problem)]
    body = sheet.iloc[head + 1:]
    footnotes: dict[str, str] = {}
    for label in body.iloc[:, 0].dropna():
        match = re.match(r"^\\(\d+)\\(.*)$", str(label).strip(), flags=re.DOTALL)
        if match:
            footnotes[match.group(1)] = re.sub(r"\s+", " ", match.group(2)).strip()
    rows, rejects = [], []
    for i, rec in body.iterrows():
        label, marks = clean_label(rec.iloc[0])
        cells = {year: rec.iloc[j] for j, year in years.items()}
        # Column-number, footnote, NOTE and SOURCE rows: no label or no cell at all, nothing to keep.
        if label in ("", "nan") or all(pd.isna(v) or str(v).strip() == "" for v in cells.values()):
            continue
        if label.isdigit():
            continue
        for year, text in cells.items():
            value, note, problem = _cell(text)
            if problem:
                rejects.append(Reject(NAME, str(path), f"row {i + 1} {year}", problem, f"{label}: {text!r}"))
                continue
            rows.append({"table_id": TABLE, "field": label,
                         "footnote": "; ".join(footnotes.get(m, f"footnote {m} missing") for m in marks) or None,
                         "is_total": label.lower() == "total", "academic_year": year, "year": end_year(year),
                         "graduates": value, "note": note})
    return _typed(pd.DataFrame(rows, columns=COLUMNS)), rejects


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the frame with the raw table's dtypes."""
    strings = {c: "string" for c in ["table_id", "field", "footnote", "academic_year", "note"]}
    return frame.astype({**strings, "is_total": "bool", "year": "int64", "graduates": "Int64"})


class NcesDigest:
    """NCES Digest of Education Statistics table 322.10: US bachelor's degrees by field, selected years."""

    name = NAME
    title = "NCES Digest of Education Statistics, table 322.10: bachelor's degrees by field of study"
    url = LIVE_URL
    licence = "US federal government work (NCES): public domain"
    cadence = "yearly"

    def snapshot_files(self, snapshot_dir: Path) -> list[Path]:
        """Return the bundled workbook under <snapshot_dir>/nces_digest."""
        return [Path(snapshot_dir) / self.name / FILE_NAME]

    def fetch_live(self, dest: Path, timeout_s: float) -> list[Path]:
        """Download the Digest 2021 workbook of table 322.10 into dest (same file as the snapshot)."""
        return [download(LIVE_URL, Path(dest) / FILE_NAME, timeout_s)]

    def parse(self, files: list[Path]) -> Parsed:
        """Parse each workbook into entity 'graduates' (one row per field and academic year)."""
        frames, rejects = [], []
        for path in files:
            frame, file_rejects = parse_digest_table(Path(path))
            frames.append(frame)
            rejects.extend(file_rejects)
        table = pd.concat(frames, ignore_index=True) if frames else _typed(pd.DataFrame(columns=COLUMNS))
        return Parsed(tables={"graduates": table}, rejects=rejects)

