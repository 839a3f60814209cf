"""Generic "graduates by program x region x year" CSV files -> raw.graduates_file__graduates.

For statistics with no connector of their own: Chinese Ministry of Education or provincial yearbook
tables, Eurostat `educ_uoe_grad02` extracts, a university's own counts. Anyone can reshape such a
table into this declared schema (a header row, UTF-8, comma-separated, any column order, extra columns
ignored):

    program_code  VARCHAR  the program in its own system: '080803T', '14.4201', 'F07' (ISCED-F), 'Engineering'
    system        VARCHAR  the code system: 'CN-major', 'CIP2020', 'ISCED-F-2013', 'NCSES-field' ...
    region        VARCHAR  'US', 'CN', an ISO 3166-2 code such as 'CN-GD', a Eurostat geo code such as 'DE'
    year          INTEGER  calendar year the graduates graduated in (the end year of an academic year)
    graduates     BIGINT   a whole, non-negative count
    source        VARCHAR  where the number comes from (publication, table, URL): required

A row that does not cast (e.g. graduates '1.2k') is rejected by DuckDB's CSV reader; a row that casts
but breaks the contract (blank code, year outside 1950-2100, negative count, no source, a second row
for the same program, system, region and year) is rejected here. Offline only: the files are the data.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ingest.base import Parsed, Reject, SourceFormatError
from ingest.csv_reader import read_declared_csv

NAME = "graduates_file"
SCHEMA = {"program_code": "VARCHAR", "system": "VARCHAR", "region": "VARCHAR", "year": "INTEGER",
          "graduates": "BIGINT", "source": "VARCHAR"}
KEY = ["program_code", "system", "region", "year"]
COLUMNS = [*SCHEMA, "file"]
YEARS = (1950, 2100)
BUNDLED = Path(__file__).resolve().parents[1] / "data" / "snapshots" / NAME


def row_problem(row: dict) -> str | None:
    """Return why a cast row breaks the contract, or None when it is good."""
    for column in ("program_code", "system", "region", "source"):
        if row[column] is None or pd.isna(row[column]) or not str(row[column]).strip():
            return f"{column} is blank"
    if pd.isna(row["year"]) or not YEARS[0] <= row["year"] <= YEARS[1]:
        return f"year {row['year']!r} is outside {YEARS[0]}-{YEARS[1]}"
    if pd.isna(row["graduates"]):
        return "graduates is blank"
    if row["graduates"] < 0:
        return f"graduates {row['graduates']} is negative"
    return None


def parse_graduates_file(path: Path) -> tuple[pd.DataFrame, list[Reject]]:
    """Return one row per program, system, region and year of one file (columns COLUMNS), plus rejects."""
    path = Path(path)
    frame, rejects = read_declared_csv(path, SCHEMA, NAME)
    rows, seen = [], set()
    # Rows DuckDB could not cast are already rejects (by line); the others are named by their key.
    for row in frame.to_dict("records"):
        row = {k: (v.strip() if isinstance(v, str) else v) for k, v in row.items()}
        excerpt = ",".join("" if pd.isna(row[c]) else str(row[c]) for c in SCHEMA)
        problem = row_problem(row)
        key = tuple(row[c] for c in KEY)
        if problem is None and key in seen:
            problem = "a second row for the same program_code, system, region and year"
        if problem:
            rejects.append(Reject(NAME, path.name, "/".join(map(str, key)), problem, excerpt))
            continue
        seen.add(key)
        rows.append({**row, "file": path.name})
    return _typed(pd.DataFrame(rows, columns=COLUMNS)), rejects


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the frame with the raw table's dtypes."""
    strings = {c: "string" for c in ["program_code", "system", "region", "source", "file"]}
    return frame.astype({**strings, "year": "int64", "graduates": "int64"})


class GraduatesFile:
    """Connector for a folder of graduates-by-program-x-region-x-year CSV files (the declared SCHEMA)."""

    name = NAME
    title = "graduates by program x region x year files (MoE, provincial, Eurostat extracts)"
    url = "file drop (see ingest/graduates_file.py for the schema)"
    licence = "as stated per row in the source column"
    cadence = "yearly"

    def __init__(self, folder: Path | None = None):
        self.folder = Path(folder) if folder else None

    def snapshot_files(self, snapshot_dir: Path) -> list[Path]:
        """Return the CSV files of the drop folder, or of the snapshot folder when none was given."""
        folder = self.folder or snapshot_dir / NAME
        return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".csv")

    def fetch_live(self, dest: Path, timeout_s: float) -> list[Path]:
        """A file drop has no live endpoint: the dropped files are the live data."""
        return self.snapshot_files(BUNDLED.parent)

    def parse(self, files: list[Path]) -> Parsed:
        """Parse every file into entity 'graduates'; a file that cannot be read is one reject."""
        frames, out = [], Parsed()
        for path in files:
            try:
                frame, rejects = parse_graduates_file(Path(path))
            except SourceFormatError as exc:
                out.rejects.append(Reject(NAME, Path(path).name, exc.record, exc.problem))
                continue
            frames.append(frame)
            out.rejects += rejects
        out.tables["graduates"] = (pd.concat(frames, ignore_index=True) if frames
                                   else _typed(pd.DataFrame(columns=COLUMNS)))
        return out
