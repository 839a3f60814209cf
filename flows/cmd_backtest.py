"""`talentcast backtest` and `talentcast forecast`: the forecasting engine on a user's own long panel (issue 4).

Registered in flows/cli.py with `app.command("backtest")(backtest)` and `app.command("forecast")(forecast)`;
the logic is forecasting.evaluate_file.backtest_file / forecast_file, usable from Python without them.
"""

from __future__ import annotations

import os
from pathlib import Path

# BLAS threads pinned before numpy loads (TOOLCHAIN.md: threaded BLAS slowed small fits 4-5x).
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import typer  # noqa: E402
from rich.console import Console  # noqa: E402


# Options both commands take
INPUT = typer.Option(..., "--input", "-i", exists=True, dir_okay=False,
                     help="Long panel with columns unique_id, ds, y (.csv, .csv.gz or .parquet); any other"
                          " column is a numeric exogenous regressor, read by arima and gbm.")
FREQ = typer.Option(..., "--freq", help="Frequency of every series: MS (monthly), W-MON or YS.")
MODELS = typer.Option(None, "--models", help="Comma-separated model names (default: the frequency's default set).")
NONNEGATIVE = typer.Option(False, "--nonnegative/--allow-negative", help="Clip forecasts and intervals at 0 (counts).")
WORKERS = typer.Option(1, "--workers", min=1, help="Processes fitting series.")


def _names(models: str | None) -> list[str] | None:
    return [m.strip() for m in models.split(",") if m.strip()] if models else None


def _or_exit(fn, *args, **kwargs) -> dict:
    """Return fn(*args, **kwargs); a bad input or file prints its one-line error and exits with 1."""
    try:
        return fn(*args, **kwargs)
    except (ValueError, FileNotFoundError) as exc:
        Console(stderr=True).print(f"[red]error:[/red] {exc}")
        raise typer.Exit(code=1) from None


def backtest(
    input: Path = INPUT,
    freq: str = FREQ,
    horizon: int = typer.Option(..., "--horizon", min=1, help="Periods ahead scored at each cutoff."),
    windows: int = typer.Option(..., "--windows", min=1,
                                help="Cutoffs per series; the last window ends at the series' last ds."),
    step: int = typer.Option(..., "--step", min=1, help="Periods between consecutive cutoffs."),
    output: Path = typer.Option(..., "--output", "-o", file_okay=False,
                                help="Folder for backtest.csv, selection.csv, scores*.csv, summary.csv."),
    models: str = MODELS,
    nonnegative: bool = NONNEGATIVE,
    workers: int = WORKERS,
    inner_windows: int = typer.Option(None, "--inner-windows", min=1,
                                      help="Windows of the backtest that selects and calibrates before each"
                                           " cutoff (default: the pipeline's, 3), so 'selected' is what talentcast"
                                           " would have published however many cutoffs you score."),
    inner_step: int = typer.Option(None, "--inner-step", min=1,
                                   help="Periods between those inner windows (default: the pipeline's, 3 for MS,"
                                        " 4 for W-MON, 1 for YS)."),
) -> None:
    """Backtest every model and talentcast's own selection on your series; write forecasts and scores."""
    from forecasting.evaluate_file import backtest_file

    result = _or_exit(backtest_file, input, freq, horizon, windows, step, output, models=_names(models),
                      nonnegative=nonnegative, workers=workers, inner_windows=inner_windows, inner_step=inner_step)
    out = Console()
    out.print(f"{result['series']} series backtested, {result['rows']:,} rows written to {output}")
    inner_w, inner_s = result["inner"]
    out.print(f"at each cutoff the engine selected and calibrated on its own backtest of {inner_w} window(s)"
              f" {inner_s} period(s) apart, as the pipeline does")
    if result["regressors"]:
        out.print(f"regressors: {', '.join(result['regressors'])}, their actual values in every window: the scores"
                  " are conditional on knowing them")
    if result["skipped"]:
        out.print(f"{len(result['skipped'])} series too short to backtest: {', '.join(result['skipped'][:10])}")
    for model, mase in sorted(result["mase"].items(), key=lambda kv: kv[1]):
        out.print(f"  {model:<16} mean MASE {mase:.3f}")
    by_cut = result["selected_by_cutoff"]
    if len(by_cut):
        # errors of all series move together: each cutoff is one draw of time, so show them apart
        out.print("selected forecasts' interval coverage by cutoff (mean over series):")
        for cutoff, row in by_cut.iterrows():
            out.print(f"  {cutoff:%Y-%m-%d}  " + "  ".join(f"{c.split('_')[1]}% {v:.2f}" for c, v in row.items()))


def forecast(
    input: Path = INPUT,
    freq: str = FREQ,
    horizon: int = typer.Option(..., "--horizon", min=1, help="Periods to forecast after each series' last ds."),
    output: Path = typer.Option(..., "--output", "-o", file_okay=False,
                                help="Folder for forecast.csv, quality.csv, quality_by_horizon.csv, backtest.csv."),
    windows: int = typer.Option(None, "--windows", min=1,
                                help="Windows of the backtest that selects the model and calibrates the intervals"
                                     " (default: the pipeline's, 3)."),
    step: int = typer.Option(None, "--step", min=1,
                             help="Periods between those windows (default: 3 for MS, 4 for W-MON, 1 for YS)."),
    models: str = MODELS,
    nonnegative: bool = NONNEGATIVE,
    workers: int = WORKERS,
    future: Path = typer.Option(None, "--future", exists=True, dir_okay=False,
                                help="The regressors' values for the --horizon periods after each series' last ds"
                                     " (unique_id, ds and the input's regressor columns); needed when the input"
                                     " has regressors."),
    hierarchy: str = typer.Option(None, "--hierarchy",
                                  help="Reconcile totals: a CSV of parent,child links, or 'ids' to take a series'"
                                       " parent from its id without the last '/'-part. Writes reconciled.csv and"
                                       " reconciliation_quality.csv."),
) -> None:
    """Forecast your series as the pipeline does: every model, the selected one, intervals and their record."""
    from forecasting.evaluate_file import forecast_file

    result = _or_exit(forecast_file, input, freq, horizon, output, windows=windows, step=step,
                      models=_names(models), nonnegative=nonnegative, workers=workers, hierarchy=hierarchy,
                      future=future)
    out = Console()
    out.print(f"{result['series']} series forecast {horizon} periods ahead; files in {output}")
    if result["regressors"]:
        out.print(f"regressors: {', '.join(result['regressors'])} (quality.csv model_form gives arima's coefficients)")
    out.print("selected: " + ", ".join(f"{m} {n}" for m, n in result["selected"].items()))
    if result["too_short"]:
        out.print(f"{len(result['too_short'])} series too short to backtest, no track record:"
                  f" {', '.join(result['too_short'][:10])}")
    for root, method in result.get("reconciled", {}).items():
        out.print(f"hierarchy {root}: reconciled by {method} (reconciliation_quality.csv says why)")
    for parent, why in result.get("left_out", {}).items():
        out.print(f"not reconciled, {parent}: {why}")
