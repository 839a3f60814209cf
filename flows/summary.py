"""The short end-of-run summary printed by `talentcast run`."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table


def layer_totals(summary: dict) -> dict[str, int]:
    """Return total rows per layer from a pipeline summary."""
    totals = {"raw (loaded this run)": sum(o.get("rows", 0) for o in summary.get("ingest", []))}
    for layer in ("ref", "staging", "features", "forecasts", "marts"):
        totals[layer] = sum(summary.get(layer, {}).values())
    return totals


def print_summary(summary: dict, console: Console) -> None:
    """Print rows per layer, sources, series forecast and where the outputs are."""
    sources = Table("source", "ok", "batch", "rows loaded", "rejects", title="sources")
    for o in summary.get("ingest", []):
        sources.add_row(o["source"], "yes" if o["ok"] else f"[red]no: {o['error']}[/red]", str(o["batch_id"]),
                        "already loaded" if o["skipped"] else f"{o['rows']:,}", f"{o['rejects']:,}")
    console.print(sources)
    layers = Table("layer", "rows", title="rows per layer")
    for layer, rows in layer_totals(summary).items():
        layers.add_row(layer, f"{rows:,}")
    console.print(layers)
    published = summary.get("published", {})
    console.print(f"run {summary['run_id']} on snapshot {summary.get('snapshot_id')}")
    console.print(f"series forecast: {summary.get('series_forecast', 0):,}; "
                  f"marts.demand_forecast rows: {published.get('marts.demand_forecast', 0):,}")
    console.print(f"published database: {summary.get('published_path')}")
    console.print(f"report: {summary.get('report_path')}")


class StageProgress:
    """A terminal progress bar over the pipeline's stages (Prefect's UI shows the same as task states)."""

    def __init__(self, total: int, enabled: bool = True):
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        self._progress = Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                                  TimeElapsedColumn(), console=Console(stderr=True), disable=not enabled, transient=False)
        self._task = self._progress.add_task("talentcast", total=total)

    def __enter__(self) -> StageProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc) -> None:
        self._progress.stop()

    def start(self, stage: str) -> None:
        """Show the stage now running."""
        self._progress.update(self._task, description=stage)

    def done(self) -> None:
        """Count one stage as finished."""
        self._progress.advance(self._task)
