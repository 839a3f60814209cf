"""BLS Employment Projections: employment, change and annual openings by occupation (public domain)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ingest.base import Parsed, Reject, SourceFormatError
from ingest.bls_ep_exports import employment_columns, openings_column, soc_code_from_cell, title_from_cell
from ingest.http import download

LIVE_URL = "https://www.bls.gov/emp/ind-occ-matrix/occupation.xlsx"
FILE = re.compile(r"ep_(\d{4})-(\d{2})_occupationProj\.csv$")


def _number(value: object) -> float | None:
    """Return a float from BLS cells such as '1,579.80', or None for blanks/'N/A'."""
    text = str(value).replace(",", "").strip()
    if text in {"", "N/A", "nan", "—", "-"}:
        return None
    return float(text)


class BlsProjections:
    """Connector for BLS occupation projections CSV exports (one file per vintage)."""

    name = "bls_ep"
    title = "BLS Employment Projections by occupation"
    url = "https://www.bls.gov/emp/tables/occupational-projections-and-characteristics.htm"
    licence = "Public domain (U.S. Bureau of Labor Statistics)"
    cadence = "yearly"

    def snapshot_files(self, snapshot_dir: Path) -> list[Path]:
        """Return the bundled vintage CSVs."""
        return sorted((snapshot_dir / self.name).glob("ep_*_occupationProj.csv"))

    def fetch_live(self, dest: Path, timeout_s: float) -> list[Path]:
        """Download the current vintage workbook (parsed by issue 5's workbook reader)."""
        return [download(LIVE_URL, dest / "occupation.xlsx", timeout_s)]

    def parse(self, files: list[Path]) -> Parsed:
        """Return raw table 'projections': one row per vintage and occupation."""
        out, rows = Parsed(), []
        for path in files:
            match = FILE.search(path.name)
            if not match:
                out.rejects.append(Reject(self.name, path.name, None, "file name does not give the vintage"))
                continue
            base = int(match.group(1))
            target = base // 100 * 100 + int(match.group(2))
            try:
                rows += self._rows(path, base, target, out)
            except SourceFormatError as exc:
                out.rejects.append(Reject(self.name, path.name, None, exc.problem))
        out.tables["projections"] = pd.DataFrame(rows, columns=[
            "base_year", "target_year", "soc_code", "title", "emp_base_k", "emp_target_k", "openings_annual_k",
            "typical_education"])
        return out

    def _rows(self, path: Path, base: int, target: int, out: Parsed) -> list[tuple]:
        # Every vintage's layout (issue 5): column names and '="11-1011"' codes as ingest/bls_ep_exports.py reads them.
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
            raise SourceFormatError(path, f"cannot parse CSV: {exc}") from exc
        cols = {c.lower().strip(): c for c in frame.columns}
        code_col = cols.get("occupation code") or cols.get("soc code")
        base_col, target_col, col_base, col_target = employment_columns(list(frame.columns), path)
        openings_col = openings_column(list(frame.columns))
        if code_col is None or openings_col is None:
            raise SourceFormatError(path, f"no occupation code or openings column in {list(frame.columns)}")
        if (col_base, col_target) != (base, target):
            raise SourceFormatError(path, f"file name says vintage {base}-{target}, its columns say {col_base}-{col_target}")
        title_col = cols.get("occupation title") or cols.get("title")
        edu_col = cols.get("typical entry-level education")
        rows = []
        for i, rec in frame.iterrows():
            record = f"row {i + 2}"
            code = soc_code_from_cell(rec[code_col])
            if not code:
                out.rejects.append(Reject(self.name, path.name, record, f"bad SOC code {rec[code_col]!r}"))
                continue
            try:
                values = [_number(rec[c]) for c in (base_col, target_col, openings_col)]
            except ValueError as exc:
                out.rejects.append(Reject(self.name, path.name, record, f"non-numeric value: {exc}"))
                continue
            if any(v is not None and v < 0 for v in values):
                out.rejects.append(Reject(self.name, path.name, record, f"negative count in {values}"))
                continue
            title = title_from_cell(rec[title_col]) if title_col else ""
            rows.append((base, target, code, title, *values, rec[edu_col] if edu_col else None))
        return rows
