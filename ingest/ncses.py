"""NCSES Science and Engineering Indicators degree tables (CSV conversions) -> raw.ncses__graduates.

Table 3258: US bachelor's degrees by sex and detailed S&E field, 2008-18. Table 5785: first university
degrees by country and broad S&E field, 2010-18. Both come as a third-party CSV conversion with one
row per node of the row hierarchy (`<dim>_full_path`, `<dim>_level_N`) and one `field_<year>`
column per year. Labels carry HTML footnote markers (`China<sup>a</sup>`) and padding; cells may be
`NA`, blank, or a stringified [value, flag] list such as "['3,793', '&nbsp;']" with thousands
separators (seen in sibling tables of the same conversion, e.g. 11570).
"""

from __future__ import annotations

import ast
import html
import re
import shutil
from pathlib import Path

import pandas as pd

from ingest.base import Parsed, Reject, SourceFormatError

NAME = "ncses"
TABLES = ("3258", "5785")
COLUMNS = [
    "table_id", "country", "sex", "field", "field_path", "parent_field", "field_level", "year", "graduates", "note",
]
# Table 3258 covers the United States only; its row hierarchy starts with sex, not country.
COUNTRY_BY_TABLE = {"3258": "United States"}
SEX_LABELS = {"Both sexes": "both", "Male": "male", "Female": "female"}
FIELD_ROOT = "All fields"
# Special values listed in each table's README (NCSES conventions).
NULL_MARKERS = {
    "NA": "not available", "D": "suppressed (D)", "s": "suppressed (s)", "*": "rounds to zero (*)", "—": "not applicable",
}
FLAG_NOTES = {"r": "revised", "i": "imputed", "p": "preliminary", "e": "estimated"}
BUNDLED = Path(__file__).resolve().parents[1] / "data" / "snapshots" / NAME


def clean_label(text: str) -> str:
    """Return a label without HTML footnote markers, entities or padding: 'China<sup>a</sup>' -> 'China'."""
    text = re.sub(r"<sup>.*?</sup>", "", str(text), flags=re.IGNORECASE | re.DOTALL)
    text = re.sub(r"<[^>]+>", "", text)
    text = html.unescape(text).replace("\xa0", " ")
    return re.sub(r"\s+", " ", text).strip()


def clean_cell(text: str) -> tuple[int | None, str | None, str | None]:
    """Return (count, note, problem) for one cell; problem is set when the cell is not a usable count."""
    raw = str(text).strip()
    flags: list[str] = []
    if raw.startswith("[") and raw.endswith("]"):
        try:
            parts = ast.literal_eval(raw)
        except (ValueError, SyntaxError):
            return None, None, f"unreadable list cell {raw!r}"
        if not isinstance(parts, list) or not parts:
            return None, None, f"unreadable list cell {raw!r}"
        raw, flags = str(parts[0]), [clean_label(p) for p in parts[1:]]
    flags += [clean_label(f) for f in re.findall(r"<sup>(.*?)</sup>", raw, flags=re.IGNORECASE)]
    value = clean_label(raw).replace(",", "")
    notes = [FLAG_NOTES.get(f, f"flag {f}") for f in flags if f]
    if value == "":
        return None, "; ".join(["blank in source", *notes]), None
    if value in NULL_MARKERS:
        return None, "; ".join([NULL_MARKERS[value], *notes]), None
    if re.fullmatch(r"\d+", value):
        return int(value), "; ".join(notes) or None, None
    if re.fullmatch(r"-\d+(\.\d+)?", value):
        return None, None, f"count {value!r} is negative"
    return None, None, f"{value!r} is not a whole number of graduates"


def _layout(path: Path, frame: pd.DataFrame) -> tuple[list[str], dict[str, int]]:
    """Return the level columns in order and the year columns (name -> year); raise if the layout is not NCSES's."""
    levels = sorted(
        (c for c in frame.columns if re.search(r"_level_\d+$", c)), key=lambda c: int(c.rsplit("_", 1)[1])
    )
    years = {c: int(c[-4:]) for c in frame.columns if re.fullmatch(r"field_\d{4}", c)}
    missing = [c for c in ("table_id", "row_id") if c not in frame.columns]
    if missing or not levels or not years:
        raise SourceFormatError(
            path,
            f"not an NCSES hierarchical table: missing {missing or ''} level columns {levels} "
            f"year columns {list(years)}",
        )
    return levels, years


def parse_ncses_table(path: Path) -> tuple[pd.DataFrame, list[Reject]]:
    """Return graduates per country, sex, field node and year of one NCSES table, plus rejects."""
    path = Path(path)
    try:
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        except Exception as exc:  # the CSV reader raises several types for a broken file
            raise SourceFormatError(path, f"cannot read CSV ({type(exc).__name__}: {exc})") from exc
        levels, years = _layout(path, frame)
        table_ids = set(frame["table_id"].str.strip())
        if len(table_ids) != 1 or not table_ids <= set(TABLES):
            raise SourceFormatError(path, f"table_id {sorted(table_ids)} is not one of {list(TABLES)}")
    except SourceFormatError as exc:
        return _typed(pd.DataFrame(columns=COLUMNS)), [Reject(NAME, str(path), None, exc.problem)]

    table_id = table_ids.pop()
    rows: list[dict] = []
    rejects: list[Reject] = []
    for rec in frame.to_dict("records"):
        cells = {c: rec[c] for c in years}
        # Heading rows (a country, a sex) and notes rows carry a label but no cell at all: nothing to keep.
        if all(str(v).strip() == "" for v in cells.values()):
            continue
        record = f"row {rec['row_id']}"
        path_labels = [clean_label(rec[c]) for c in levels if clean_label(rec[c])]
        if FIELD_ROOT not in path_labels:
            problem = f"no '{FIELD_ROOT}' in row path {path_labels}"
            rejects.append(Reject(NAME, str(path), record, problem, str(rec)[:300]))
            continue
        cut = path_labels.index(FIELD_ROOT)
        prefix, fields = path_labels[:cut], path_labels[cut:]
        sex = next((SEX_LABELS[p] for p in reversed(prefix) if p in SEX_LABELS), "both")
        country = COUNTRY_BY_TABLE.get(table_id) or next((p for p in prefix if p not in SEX_LABELS), None)
        if country is None:
            rejects.append(Reject(NAME, str(path), record, f"no country in row path {path_labels}", str(rec)[:300]))
            continue
        for column, year in years.items():
            value, note, problem = clean_cell(cells[column])
            if problem:
                excerpt = f"{' > '.join(path_labels)}: {cells[column]!r}"
                rejects.append(Reject(NAME, str(path), f"{record} column {column}", problem, excerpt))
                continue
            rows.append(
                {
                    "table_id": table_id, "country": country, "sex": sex, "field": fields[-1],
                    "field_path": " > ".join(fields), "parent_field": fields[-2] if len(fields) > 1 else None,
                    "field_level": len(fields), "year": year, "graduates": value, "note": note,
                }
            )
    return _typed(pd.DataFrame(rows, columns=COLUMNS)), rejects


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the frame with the raw table's dtypes."""
    strings = {c: "string" for c in ["table_id", "country", "sex", "field", "field_path", "parent_field", "note"]}
    return frame.astype({**strings, "field_level": "int64", "year": "int64", "graduates": "Int64"})


class NcsesGraduates:
    """NSF NCSES Science and Engineering Indicators: US bachelor's (3258) and international first degrees (5785)."""

    name = NAME
    title = "NSF NCSES Science and Engineering Indicators: S&E degrees by field (tables 3258, 5785)"
    url = "https://ncses.nsf.gov/indicators"
    licence = "US federal government work (NSF NCSES): public domain; 5785 compiles OECD, Eurostat and national sources"
    cadence = "yearly"

    def snapshot_files(self, snapshot_dir: Path) -> list[Path]:
        """Return the bundled table_<id>.csv files under <snapshot_dir>/ncses."""
        # Flat, distinct names: a landed batch is one flat folder (ingest/landing.py).
        return [Path(snapshot_dir) / self.name / f"table_{table}.csv" for table in TABLES]

    def fetch_live(self, dest: Path, timeout_s: float) -> list[Path]:
        """Land the bundled tables into dest (no download: these are frozen SEI vintages; see SOURCE.md)."""
        # NCSES publishes these tables as Excel/HTML; the CSV layout we parse is a third-party conversion
        # with no live endpoint, and the 2008-18 / 2010-18 vintages are final, so live mode re-lands them.
        Path(dest).mkdir(parents=True, exist_ok=True)
        return [Path(shutil.copy(f, Path(dest) / f.name)) for f in self.snapshot_files(BUNDLED.parent)]

    def parse(self, files: list[Path]) -> Parsed:
        """Parse every table into entity 'graduates' (one row per table, country, sex, field node and year)."""
        frames, rejects = [], []
        for path in files:
            frame, file_rejects = parse_ncses_table(Path(path))
            frames.append(frame)
            rejects.extend(file_rejects)
        table = pd.concat(frames, ignore_index=True) if frames else _typed(pd.DataFrame(columns=COLUMNS))
        return Parsed(tables={"graduates": table}, rejects=rejects)
