"""talentcast command line: run the pipeline, read and export published tables, serve schedules."""

from __future__ import annotations

import json
import os
import sys
from enum import Enum
from pathlib import Path

# BLAS threads pinned before numpy loads (TOOLCHAIN.md: threaded BLAS slowed small fits 4-5x).
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")

import typer  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from core.settings import get_settings  # noqa: E402

app = typer.Typer(help="talentcast: AI x manufacturing talent demand and supply forecasts.", no_args_is_help=True,
                  add_completion=False)
console = Console(stderr=True)


class QueryFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


class ExportFormat(str, Enum):
    csv = "csv"
    parquet = "parquet"
    xlsx = "xlsx"


def _fail(message: str) -> None:
    console.print(f"[red]error:[/red] {message}")
    raise typer.Exit(code=1)


@app.command()
def run() -> None:
    """Run the whole pipeline as a Prefect flow on the configured sources and publish the results."""
    from flows.pipeline import pipeline
    from flows.summary import print_summary

    try:
        summary = pipeline()
    except Exception as exc:  # the flow already logged the failure; show one clear line
        _fail(f"run failed, nothing was published: {type(exc).__name__}: {exc}")
    print_summary(summary, Console())


@app.command()
def tables() -> None:
    """List the published tables with their row counts."""
    from dashboards.query import list_tables

    try:
        frame = list_tables(get_settings().published_path)
    except FileNotFoundError as exc:
        _fail(str(exc))
    table = Table("table", "rows", title=str(get_settings().published_path))
    for row in frame.itertuples(index=False):
        table.add_row(f"{row.schema}.{row.table}", f"{row.rows:,}")
    Console().print(table)


@app.command()
def query(sql: str = typer.Argument(..., help="One read-only SELECT against the published database."),
          format: QueryFormat = typer.Option(QueryFormat.table, "--format", "-f", help="Output format."),
          ) -> None:
    """Run one read-only query against the published database."""
    from dashboards.query import QueryError, format_result, run_query

    settings = get_settings()
    try:
        result = run_query(settings.published_path, sql, settings.query_timeout_s, settings.query_max_rows)
    except (QueryError, FileNotFoundError) as exc:
        _fail(str(exc))
    text = format_result(result, format.value)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    if result.truncated:
        console.print(f"[yellow]truncated at {settings.query_max_rows} rows (TALENTCAST_QUERY_MAX_ROWS)[/yellow]")


@app.command()
def export(table: str = typer.Argument(..., help="Published table: a mart name or schema.table."),
           format: ExportFormat = typer.Option(..., "--format", "-f", help="File format."),
           output: Path = typer.Option(..., "--output", "-o", help="File to write."),
           ) -> None:
    """Export a published table for a spreadsheet (formula-like cells are neutralised)."""
    from dashboards.export import UnknownTableError, export_table

    try:
        rows = export_table(get_settings().published_path, table, format.value, output)
    except UnknownTableError as exc:
        _fail(exc.args[0])
    except (ValueError, FileNotFoundError) as exc:
        _fail(str(exc))
    console.print(f"wrote {rows:,} rows of {table} to {output}")


@app.command()
def report(output: Path = typer.Option(None, "--output", "-o", help="HTML file (default: next to the published db)."),
           ) -> None:
    """Rebuild the static HTML report from the published database."""
    from dashboards.report import build_report

    settings = get_settings()
    try:
        series = [s.strip() for s in settings.report_series.split(",") if s.strip()]
        path = build_report(settings.published_path, output or settings.report_path, series, strict=False)
    except FileNotFoundError as exc:
        _fail(str(exc))
    console.print(f"report: {path}")


@app.command()
def serve() -> None:
    """Keep the flows on their schedules (Prefect serve): pipeline monthly, postings weekly, education yearly."""
    from flows.serve import serve_all

    serve_all(get_settings())


@app.command()
def settings() -> None:
    """Print the effective settings (TALENTCAST_* environment variables), secrets hidden."""
    values = get_settings().model_dump(mode="json")
    for secret in ("github_token", "usajobs_key"):
        if values.get(secret):
            values[secret] = "***"
    typer.echo(json.dumps(values, indent=2, ensure_ascii=False))


@app.command("bundle-zh-snapshot")
def bundle_zh_snapshot(src: Path = typer.Argument(..., exists=True, file_okay=False,
                                                  help="Folder of thread JSON files as fetched."),
                       dest: Path = typer.Option(None, help="Default: the snapshot folder of zh_postings.")) -> None:
    """Re-bundle the Chinese thread snapshot with contact details removed and posters pseudonymised."""
    from flows.snapshots import bundle_zh_threads

    target = dest or get_settings().snapshot_dir / "zh_postings"
    console.print(f"wrote {bundle_zh_threads(src, target):,} comments to {target}")


# Commands whose logic lives with their issue's code; registered here so `talentcast --help` lists them.
from flows.cmd_backtest import backtest, forecast  # noqa: E402
from flows.cmd_gap import evaluate_projections, gap  # noqa: E402
from flows.cmd_tag import evaluate_tagger, tag  # noqa: E402

app.command("backtest")(backtest)
app.command("forecast")(forecast)
app.command("tag")(tag)
app.command("evaluate-tagger")(evaluate_tagger)
app.command("evaluate-projections")(evaluate_projections)
app.command("gap")(gap)

if __name__ == "__main__":
    app()
