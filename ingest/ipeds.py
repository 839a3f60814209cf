"""IPEDS Completions (C{year}_A: institution x CIP x award level) -> raw.ipeds__completions, national sums.

The landed files are institution-level: the bundled snapshot as parquet (trimmed to the columns we
use), the live download as the CSV inside NCES's zip. Both go through one parser, which validates
every institution row and then sums first majors to the nation by 6-digit CIP and award level.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pandas as pd

from ingest.base import Parsed, Reject, SourceFormatError
from ingest.http import LiveFetchError, get

NAME = "ipeds"
NEEDED = ["UNITID", "CIPCODE", "AWLEVEL", "CTOTALT", "CTOTALM", "CTOTALW"]
COUNTS = ["CTOTALT", "CTOTALM", "CTOTALW"]
COLUMNS = [
    "survey_year", "academic_year", "cipcode", "awlevel", "awlevel_label",
    "institutions", "completions", "men", "women", "is_grand_total",
]
GRAND_TOTAL_CIP = "99"
LIVE_YEARS = range(2020, 2025)
# AWLEVEL codes of the IPEDS completions data dictionary; 1 and 9-11 are pre-2020 / pre-2011 codes.
AWLEVEL_LABELS = {
    1: "certificate < 1 year",
    2: "certificate 1 to < 2 years",
    3: "associate's",
    4: "certificate 2 to < 4 years",
    5: "bachelor's",
    6: "postbaccalaureate certificate",
    7: "master's",
    8: "post-master's certificate",
    9: "doctor's (before 2010-11)",
    10: "first-professional degree (before 2010-11)",
    11: "first-professional certificate (before 2010-11)",
    17: "doctor's research/scholarship",
    18: "doctor's professional practice",
    19: "doctor's other",
    20: "certificate < 12 weeks",
    21: "certificate 12 weeks to < 1 year",
}
_CIP = re.compile(r"^(\d{1,2})\.(\d{4})$")


def survey_year_from_name(path: Path) -> int | None:
    """Return the survey year of a file named like c2020_a.parquet or C2020_A.csv, or None."""
    match = re.search(r"c(\d{4})_a", path.name, flags=re.IGNORECASE)
    return int(match.group(1)) if match else None


def academic_year(survey_year: int) -> str:
    """Return the academic year a survey year reports, e.g. 2020 -> '2019-20'."""
    return f"{survey_year - 1}-{survey_year % 100:02d}"


def read_institution_rows(path: Path) -> pd.DataFrame:
    """Return the needed columns (plus MAJORNUM if present) of one file as stripped strings, one row per file row."""
    try:
        if path.suffix.lower() == ".parquet":
            frame = pd.read_parquet(path)
        else:
            # IPEDS CSVs carry a BOM and codes such as CIP '01.0000' that must stay text.
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", encoding_errors="replace")
    except Exception as exc:  # pyarrow and the CSV reader each raise their own types for a bad file
        raise SourceFormatError(path, f"cannot read file ({type(exc).__name__}: {exc})") from exc
    frame.columns = [str(c).strip().upper() for c in frame.columns]
    missing = [c for c in NEEDED if c not in frame.columns]
    if missing:
        raise SourceFormatError(path, f"missing columns {missing} (has {list(frame.columns)[:12]})")
    keep = NEEDED + (["MAJORNUM"] if "MAJORNUM" in frame.columns else [])
    return frame[keep].astype("string").apply(lambda s: s.str.strip()).fillna("")


def _row_problems(rows: pd.DataFrame) -> pd.Series:
    """Return, per row, the problems found ('' when the row is valid)."""
    problems = pd.Series("", index=rows.index, dtype="string")

    def flag(mask: pd.Series, column: str, template: str) -> None:
        # Messages are built for the failing rows only: most files have none, and there are ~300k rows.
        if mask.any():
            hit = rows.loc[mask, column]
            problems.loc[mask] = problems.loc[mask] + hit.map(lambda v: template.format(column=column, v=v) + "; ")

    flag(~rows["UNITID"].str.fullmatch(r"\d+"), "UNITID", "{column} {v!r} is not a number")
    cip_ok = rows["CIPCODE"].str.fullmatch(_CIP.pattern) | (rows["CIPCODE"] == GRAND_TOTAL_CIP)
    flag(~cip_ok, "CIPCODE", "{column} {v!r} is not NN.NNNN or 99")
    levels = [str(k) for k in AWLEVEL_LABELS]
    flag(~rows["AWLEVEL"].isin(levels), "AWLEVEL", "{column} {v!r} is not an IPEDS award level")
    for col in COUNTS:
        flag(rows[col].str.fullmatch(r"-\d+"), col, "{column} {v} is negative")
        flag(~rows[col].str.fullmatch(r"-?\d+"), col, "{column} {v!r} is not a count")
    if "MAJORNUM" in rows.columns:
        flag(~rows["MAJORNUM"].isin(["1", "2"]), "MAJORNUM", "{column} {v!r} is not 1 or 2")
    return problems.str.removesuffix("; ")


def parse_completions_file(path: Path, survey_year: int | None = None) -> tuple[pd.DataFrame, list[Reject]]:
    """Return national completions by CIP and award level of one survey year, plus rejects."""
    path = Path(path)
    survey_year = survey_year if survey_year is not None else survey_year_from_name(path)
    try:
        if survey_year is None:
            raise SourceFormatError(path, "survey year not given and not found in the file name (c<year>_a)")
        rows = read_institution_rows(path)
    except SourceFormatError as exc:
        return _typed(pd.DataFrame(columns=COLUMNS)), [Reject(NAME, str(path), None, exc.problem)]

    rows = rows.reset_index(drop=True)
    problems = _row_problems(rows)
    bad = problems != ""
    rejects = [
        Reject(NAME, str(path), f"row {i + 1}", problems[i], ",".join(f"{c}={rows.at[i, c]}" for c in rows.columns))
        for i in rows.index[bad]
    ]
    good = rows[~bad]
    # Second majors (MAJORNUM 2) would count a graduate twice; national totals use first majors only.
    if "MAJORNUM" in good.columns:
        good = good[good["MAJORNUM"] == "1"]
    cip = good["CIPCODE"]
    good = good.assign(
        # A CSV re-saved by a spreadsheet drops the leading zero of families 01-09 ('1.0102').
        cipcode=cip.where(~cip.str.match(r"^\d\."), "0" + cip),
        awlevel=good["AWLEVEL"].astype("int64"),
        **{c: good[c].astype("int64") for c in COUNTS},
    )
    national = (
        good.groupby(["cipcode", "awlevel"], as_index=False)
        .agg(
            institutions=("UNITID", "nunique"),
            completions=("CTOTALT", "sum"),
            men=("CTOTALM", "sum"),
            women=("CTOTALW", "sum"),
        )
        .assign(
            survey_year=survey_year,
            academic_year=academic_year(survey_year),
            awlevel_label=lambda d: d["awlevel"].map(AWLEVEL_LABELS),
            is_grand_total=lambda d: d["cipcode"] == GRAND_TOTAL_CIP,
        )
    )
    return _typed(national[COLUMNS]), rejects


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the frame with the raw table's dtypes."""
    ints = {c: "int64" for c in ["survey_year", "awlevel", "institutions", "completions", "men", "women"]}
    strings = {c: "string" for c in ["academic_year", "cipcode", "awlevel_label"]}
    return frame.astype({**ints, **strings, "is_grand_total": "bool"})


class IpedsCompletions:
    """NCES IPEDS Completions: awards conferred by CIP 2020 programme and award level, summed to the nation."""

    name = NAME
    title = "NCES IPEDS Completions (first majors), national by CIP and award level"
    url = "https://nces.ed.gov/ipeds/datacenter/DataFiles.aspx"
    licence = "US federal government work (NCES): public domain"
    cadence = "yearly"

    def __init__(self, years: range | list[int] = LIVE_YEARS):
        self.years = years

    def snapshot_files(self, snapshot_dir: Path) -> list[Path]:
        """Return the bundled c<year>_a.parquet files under <snapshot_dir>/ipeds, oldest first."""
        return sorted((Path(snapshot_dir) / self.name).glob("c*_a.parquet"))

    def fetch_live(self, dest: Path, timeout_s: float) -> list[Path]:
        """Download C<year>_A.zip for each year and extract its CSV into dest as c<year>_a.csv."""
        dest = Path(dest)
        dest.mkdir(parents=True, exist_ok=True)
        files = []
        for year in self.years:
            url = f"https://nces.ed.gov/ipeds/datacenter/data/C{year}_A.zip"
            files.append(_extract_csv(get(url, timeout_s).content, year, url, dest))
        return files

    def parse(self, files: list[Path]) -> Parsed:
        """Parse every file into entity 'completions' (one row per survey year, CIP and award level)."""
        frames, rejects = [], []
        for path in files:
            frame, file_rejects = parse_completions_file(Path(path))
            frames.append(frame)
            rejects.extend(file_rejects)
        table = pd.concat(frames, ignore_index=True) if frames else _typed(pd.DataFrame(columns=COLUMNS))
        return Parsed(tables={"completions": table}, rejects=rejects)


def _extract_csv(payload: bytes, year: int, url: str, dest: Path) -> Path:
    """Write the completions CSV inside a downloaded zip to dest and return its path."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(payload))
    except zipfile.BadZipFile as exc:
        raise LiveFetchError(f"IPEDS download of {url} is not a zip file ({len(payload)} bytes)") from exc
    names = [n for n in archive.namelist() if n.lower().endswith(".csv")]
    if not names:
        raise LiveFetchError(f"IPEDS zip {url} holds no CSV: {archive.namelist()}")
    # NCES ships c<year>_a_rv.csv once a year is revised; the revised release supersedes the provisional one.
    name = next((n for n in names if n.lower().endswith("_rv.csv")), names[0])
    target = dest / f"c{year}_a.csv"
    target.write_bytes(archive.read(name))
    return target
