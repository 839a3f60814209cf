"""Commands of issue 5: `talentcast evaluate-projections` and `talentcast gap`.

Plain functions annotated with typer Options; flows/cli.py registers them
(`app.command("evaluate-projections")(evaluate_projections)`, `app.command("gap")(gap)`).
File reading lives here (ingest parsers), the arithmetic in forecasting/projections.py.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from core.settings import get_settings
from forecasting.projections import Method, evaluate_vintage, summarise
from ingest.bls_ep_exports import read_projection_export
from ingest.oews import parse_oews_workbook, year_from_name

CROSSWALK_SEEDS = {(2000, 2010): "soc_2000_to_2010_crosswalk.csv", (2010, 2018): "soc_2010_to_2018_crosswalk.csv"}


def oews_workbooks(folder: Path) -> dict[int, Path]:
    """Return {survey year: workbook} of the OEWS national files in a folder (year from the file name)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"OEWS folder {str(folder)!r} does not exist")
    books: dict[int, Path] = {}
    for path in sorted(folder.iterdir()):
        year = year_from_name(path)
        if path.suffix.lower() in {".xls", ".xlsx"} and year is not None:
            if year in books:
                raise ValueError(f"two OEWS workbooks for {year}: {books[year].name} and {path.name}")
            books[year] = path
    return books


def read_oews_years(folder: Path, years: list[int]) -> pd.DataFrame:
    """Return the parsed rows (year, occ_code, o_group, tot_emp ...) of the given years' workbooks."""
    books = oews_workbooks(folder)
    frames = []
    for year in years:
        if year not in books:
            raise FileNotFoundError(f"no OEWS workbook for {year} in {folder} (years found: {sorted(books)})")
        frame, rejects = parse_oews_workbook(books[year], year)
        file_rejects = [r for r in rejects if r.record is None]
        if file_rejects:
            raise ValueError(f"{books[year].name}: {file_rejects[0].problem}")
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def read_crosswalks(seeds_dir: Path) -> dict[tuple[int, int], pd.DataFrame]:
    """Return the official SOC crosswalks bundled in seeds/ as {(from, to): frame(old code, new code)}."""
    return {key: pd.read_csv(Path(seeds_dir) / name, dtype=str, keep_default_na=False).iloc[:, [0, 2]]
            for key, name in CROSSWALK_SEEDS.items()}


def ai_mfg_codes(seeds_dir: Path) -> set[str]:
    """Return the SOC codes (current and legacy) of the AI x manufacturing occupations of interest."""
    seed = pd.read_csv(Path(seeds_dir) / "occupations_of_interest.csv", dtype=str, keep_default_na=False)
    seed = seed[seed["family"] != "mapped"]  # added only as skill-gap demand targets, not AI x manufacturing
    codes = set(seed["soc_code"])
    for legacy in seed["legacy_codes"]:
        codes |= {c for c in legacy.split("|") if c}
    return codes


def projection_evaluation(oews_dir: Path, projections_file: Path, base_year: int, target_year: int,
                          seeds_dir: Path, method: Method = Method()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (one row per occupation, summary per subset x method) of one BLS vintage against OEWS."""
    export = read_projection_export(projections_file)
    if export.base_year != base_year:
        raise ValueError(f"--base-year {base_year} is not the base year of {Path(projections_file).name} "
                         f"(vintage {export.base_year}-{export.target_year})")
    available = oews_workbooks(oews_dir)
    # The trend needs one year about `trend_years` before B; nothing after B but T (the outcome) is read.
    window = [y for y in sorted(available) if base_year - method.trend_years <= y <= base_year - method.min_trend_years]
    years = sorted({*window[:1], base_year, target_year})
    oews = read_oews_years(oews_dir, years)
    rows = evaluate_vintage(oews, export.frame, (export.base_year, export.target_year), base_year, target_year,
                            read_crosswalks(seeds_dir), ai_mfg_codes(seeds_dir), method)
    return rows, summarise(rows, target_year - base_year)


def print_summary(summary: pd.DataFrame, title: str, console: Console) -> None:
    """Print the summary as a table, one row per subset and method."""
    table = Table("subset", "method", "occupations", "MAE growth", "MAE annual (pts/yr)", "median AE annual",
                  "direction right",
                  title=title)
    for r in summary.itertuples(index=False):
        table.add_row(r.subset, r.method, str(r.occupations), f"{r.mae_growth:.4f}", f"{r.mae_annual_pts:.3f}",
                      f"{r.median_ae_annual_pts:.3f}", f"{r.direction_right:.1%}")
    console.print(table)


def evaluate_projections(
    oews: Path = typer.Option(..., "--oews", help="Folder of OEWS national workbooks, one per year, as BLS publishes them."),
    projections: Path = typer.Option(..., "--projections", help="BLS projections export (ep_YYYY-YY_occupationProj.csv "
                                                                "or occupation_YYYY-YY.xlsx)."),
    base_year: int = typer.Option(..., "--base-year", help="The vintage's base year B: no OEWS year after B is used."),
    target_year: int = typer.Option(..., "--target-year", help="Year T whose OEWS employment is the outcome."),
    output: Path = typer.Option(..., "--output", help="CSV to write, one row per occupation."),
) -> None:
    """Score a BLS projections vintage and talentcast's forecast against OEWS employment in the target year."""
    console = Console()
    try:
        rows, summary = projection_evaluation(oews, projections, base_year, target_year, get_settings().seeds_dir)
    except (FileNotFoundError, ValueError) as exc:  # SourceFormatError is a ValueError
        Console(stderr=True).print(f"[red]error:[/red] {exc}")
        raise typer.Exit(code=1) from exc
    output.parent.mkdir(parents=True, exist_ok=True)
    rows.to_csv(output, index=False)
    print_summary(summary, f"BLS {Path(projections).name}: growth {base_year}-{target_year} vs OEWS", console)
    console.print(f"wrote {len(rows):,} occupations to {output}")


def program_outlook(published: Path, program: str, region: str | None = None,
                    assumption_set: str = "default") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (outlook: one row per region, bands: one row per region x year x skill cluster) of a program and set."""
    from core.db import connect_reader
    from dashboards.queries import run_named

    con = connect_reader(published)
    try:
        outlook = run_named(con, "program_outlook")
        years = con.execute("SELECT region, year, skill_cluster, cluster_demand_weight, demand_p10, demand_p50, "
                            "demand_p90, supply_p10, supply_p50, supply_p90, gap_p10, gap_p50, gap_p90 "
                            "FROM marts.skill_gap WHERE program_code = ? AND assumption_set = ? "
                            "ORDER BY region, skill_cluster <> 'all', skill_cluster, year",
                            [program, assumption_set]).df()
    finally:
        con.close()
    sets = sorted(outlook["assumption_set"].unique())
    if assumption_set not in sets:
        raise ValueError(f"no assumption set {assumption_set!r} published; sets: {', '.join(sets)}")
    rows = outlook[(outlook["program_code"] == program) & (outlook["assumption_set"] == assumption_set)]
    if region:
        rows, years = rows[rows["region"] == region], years[years["region"] == region]
    if rows.empty:
        known = outlook[outlook["assumption_set"] == assumption_set]
        known = ", ".join(f"{c} ({r})" for c, r in zip(known["program_code"], known["region"]))
        raise ValueError(f"no outlook for program {program!r}" + (f" in region {region!r}" if region else "")
                         + f"; published: {known}")
    return rows.reset_index(drop=True), years.reset_index(drop=True)


def _num(value: object, pct: bool = False) -> str:
    if value is None or pd.isna(value):
        return "-"
    return f"{value:+.1%}" if pct else f"{value:,.0f}"


def _text(value: object) -> str:
    return value if isinstance(value, str) else "-"


def print_outlook(outlook: pd.DataFrame, bands: pd.DataFrame, console: Console) -> None:
    """Print each region's outlook as a two-column table, the P10/P50/P90 bands per year, then per skill cluster."""
    for r in outlook.itertuples(index=False):
        table = Table("", "", title=f"{r.program_code} {r.program_title} ({r.system}, {r.region}, assumptions: "
                                    f"{r.assumption_set})", show_header=False)
        table.add_row("outlook", r.outlook)
        table.add_row("years", f"{r.first_year}-{r.last_year}")
        table.add_row("demand (P50)", f"{_num(r.demand_first)} -> {_num(r.demand_last)} "
                                      f"({_num(r.demand_growth_per_year, pct=True)}/yr)")
        table.add_row("demand unit", r.demand_unit)
        table.add_row("supply (P50)", f"{_num(r.supply_first)} -> {_num(r.supply_last)} "
                                      f"({_num(r.supply_growth_per_year, pct=True)}/yr)")
        table.add_row("supply unit", r.supply_unit)
        table.add_row("gap band (P10..P90)", f"{_num(r.gap_low)} .. {_num(r.gap_high)} "
                                             f"(P50 {_num(r.gap_first)} -> {_num(r.gap_last)})")
        table.add_row("uncertainty", _text(getattr(r, "uncertainty", None)))
        table.add_row("caveats", r.caveats)
        table.add_row("top skills", _text(r.top_skills))
        table.add_row("skills source", _text(getattr(r, "skills_source", None)))
        table.add_row("demand leans to", _text(getattr(r, "demand_leans_to", None)))
        table.add_row("coverage", r.coverage)
        console.print(table)
        mine = bands[bands["region"] == r.region]
        years = Table("year", "demand P10", "P50", "P90", "supply P10", "P50", "P90", "gap P10", "P50", "P90",
                      title=f"{r.program_code} {r.region}: 80% bands by year")
        for b in mine[mine["skill_cluster"] == "all"].itertuples(index=False):
            years.add_row(str(b.year), *(_num(v) for v in (b.demand_p10, b.demand_p50, b.demand_p90, b.supply_p10,
                                                            b.supply_p50, b.supply_p90, b.gap_p10, b.gap_p50,
                                                            b.gap_p90)))
        console.print(years)
        clusters = mine[(mine["skill_cluster"] != "all") & (mine["year"] == mine["year"].min())]
        if len(clusters):
            split = Table("skill cluster", "demand weight", "demand P50", "supply P50", "gap P10", "P50", "P90",
                          title=f"{r.program_code} {r.region}: skill clusters in {clusters['year'].min()} (demand by "
                                "the cluster's weight in the region's postings, supply split equally)")
            for b in clusters.sort_values("cluster_demand_weight", ascending=False).itertuples(index=False):
                split.add_row(b.skill_cluster, f"{b.cluster_demand_weight:.0%}", _num(b.demand_p50),
                              _num(b.supply_p50), _num(b.gap_p10), _num(b.gap_p50), _num(b.gap_p90))
            console.print(split)


def gap(
    program: str = typer.Option(..., "--program", help="Program code: CIP 2020 (14.4201) or Chinese major (080803T)."),
    region: str = typer.Option(None, "--region", help="US or CN; default: every region the program has."),
    assumptions: str = typer.Option("default", "--assumptions",
                                    help="Assumption set of seeds/gap_assumptions.csv (e.g. low_new_grad_share)."),
) -> None:
    """Print a program's outlook: demand and supply trend, the gap band over the next 1-5 years, caveats."""
    try:
        outlook, bands = program_outlook(get_settings().published_path, program, region, assumptions)
    except (FileNotFoundError, ValueError, duckdb.Error) as exc:
        Console(stderr=True).print(f"[red]error:[/red] {exc}")
        raise typer.Exit(code=1) from exc
    print_outlook(outlook, bands, Console())
