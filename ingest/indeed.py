"""Indeed Hiring Lab job postings index by occupational sector (US, GB, CA), daily, CC BY 4.0."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ingest.base import Parsed, Reject, SourceFormatError
from ingest.csv_reader import read_declared_csv
from ingest.http import download

RAW_BASE = "https://raw.githubusercontent.com/hiring-lab/job_postings_tracker/master"
COUNTRIES = ("US", "GB", "CA")
COLUMNS = {"date": "DATE", "jobcountry": "VARCHAR", "indeed_job_postings_index": "DOUBLE",
           "variable": "VARCHAR", "display_name": "VARCHAR"}


class IndeedSectors:
    """Connector for the sector-level postings index of the public hiring-lab/job_postings_tracker repo."""

    name = "indeed"
    title = "Indeed Hiring Lab job postings index by sector"
    url = "https://github.com/hiring-lab/job_postings_tracker"
    licence = "CC BY 4.0, Indeed Hiring Lab"
    cadence = "weekly"

    def snapshot_files(self, snapshot_dir: Path) -> list[Path]:
        """Return the bundled sector CSVs (gzip-compressed, the format DuckDB reads directly)."""
        return sorted((snapshot_dir / self.name).glob("job_postings_by_sector_*.csv*"))

    def fetch_live(self, dest: Path, timeout_s: float) -> list[Path]:
        """Download the sector CSV of each country."""
        return [download(f"{RAW_BASE}/{c}/job_postings_by_sector_{c}.csv", dest / f"job_postings_by_sector_{c}.csv",
                         timeout_s) for c in COUNTRIES]

    def parse(self, files: list[Path]) -> Parsed:
        """Return raw table 'sector_postings': one row per day, country, sector and variable."""
        out, frames = Parsed(), []
        for path in files:
            try:
                frame, rejects = read_declared_csv(path, COLUMNS, self.name)
            except SourceFormatError as exc:
                out.rejects.append(Reject(self.name, path.name, None, exc.problem))
                continue
            out.rejects += rejects
            bad = frame["indeed_job_postings_index"] < 0
            for idx in frame.index[bad]:
                out.rejects.append(Reject(self.name, path.name, f"data row {idx + 1}",
                                          f"negative index {frame.at[idx, 'indeed_job_postings_index']}"))
            frames.append(frame[~bad])
        out.tables["sector_postings"] = (
            pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(COLUMNS))
        )
        return out
