"""Prefect flows: thin wiring of the plain steps in flows/steps.py (one task, one step)."""

from __future__ import annotations

import sys
import time
from datetime import datetime, timezone

from prefect import flow, get_run_logger, task

from core.settings import Settings, get_settings
from dashboards.report import build_report
from flows import steps
from flows.summary import StageProgress
from forecasting.warehouse import ForecastPlan, run_forecasts
from ingest.registry import all_sources


@task(name="ingest-source", task_run_name="ingest-{name}")
def ingest_task(name: str, settings: Settings) -> dict:
    """Land and load one source."""
    source = all_sources(**settings.connector_options())[name]
    outcome = steps.ingest_source(settings.warehouse_path, source, settings.mode, settings.snapshot_dir,
                                  settings.raw_dir, settings.http_timeout_s)
    return steps.outcome_dict(outcome)


@task(name="load-seeds")
def seeds_task(settings: Settings) -> dict[str, int]:
    return steps.load_reference(settings.warehouse_path, settings.seeds_dir)


@task(name="build-layer", task_run_name="build-{layer}")
def layer_task(layer: str, settings: Settings, variables: dict[str, str] | None = None) -> dict[str, int]:
    return steps.build_layer(settings.warehouse_path, layer, variables)


@task(name="drop-raw-text")
def drop_raw_text_task(settings: Settings) -> dict[str, int]:
    return steps.drop_raw_texts(settings.warehouse_path, settings.raw_dir)


def _staging(settings: Settings, summary: dict) -> dict[str, int]:
    rows = layer_task(layer="staging", settings=settings)
    if settings.drop_raw_text:  # staging has redacted the texts: the raw layer may now forget the published ones
        summary["raw_text_dropped"] = drop_raw_text_task(settings)
    return rows


@task(name="forecast")
def forecast_task(settings: Settings, run_id: str) -> dict[str, int]:
    plan = ForecastPlan(settings.horizon_months, settings.horizon_years, settings.backtest_windows,
                        settings.backtest_step_months, settings.workers, settings.model_names(), race=settings.race,
                        horizon_weeks=settings.horizon_weeks, step_weeks=settings.backtest_step_weeks)
    return run_forecasts(settings.warehouse_path, run_id, plan)


@task(name="gap")
def gap_task(settings: Settings, run_id: str) -> dict[str, int]:
    from forecasting.gap_step import run_gap  # issue 5: the skill-gap simulation between forecasts and marts

    return run_gap(settings.warehouse_path, run_id)


@task(name="checks")
def checks_task(settings: Settings) -> None:
    steps.check(settings.warehouse_path)


@task(name="publish")
def publish_task(settings: Settings) -> dict[str, int]:
    return steps.publish_warehouse(settings.warehouse_path, settings.published_path)


@task(name="report")
def report_task(settings: Settings) -> str:
    series = [s.strip() for s in settings.report_series.split(",") if s.strip()]
    return str(build_report(settings.published_path, settings.report_path, series, strict=False))


def _ingest_all(settings: Settings, cadence: str | None = None) -> list[dict]:
    """Ingest every configured source (of one cadence); a failing source is reported, not fatal."""
    logger = get_run_logger()
    sources = all_sources(**settings.connector_options())
    retries = settings.http_retries if settings.mode == "live" else 0  # retries only on network tasks
    outcomes = []
    for name in settings.source_list(list(sources)):
        if cadence and sources[name].cadence != cadence:
            continue
        state = ingest_task.with_options(retries=retries, retry_delay_seconds=10)(name, settings, return_state=True)
        result = state.result(raise_on_failure=False)
        if state.is_completed():
            outcomes.append(result)
        else:
            error = f"{type(result).__name__}: {result}" if isinstance(result, BaseException) else str(state.message)
            logger.error("source %s failed, the run goes on with its last loaded batch: %s", name, error)
            outcomes.append(steps.outcome_dict(steps.IngestOutcome(name, False, None, 0, 0, False, error)))
    return outcomes


def _variables(settings: Settings, run_id: str, started: datetime, summary: dict) -> dict[str, str]:
    """Return the run parameters the marts read with getvariable(); records the snapshot id."""
    summary["snapshot_id"] = steps.snapshot_id(settings.warehouse_path)
    return {"run_id": run_id, "as_of": started.strftime("%Y-%m-%d %H:%M:%S"), "snapshot_id": summary["snapshot_id"]}


def _publish(settings: Settings, run_id: str, started: datetime, summary: dict) -> dict[str, int]:
    """Record the run as published in meta.runs (so the published copy carries it), then publish."""
    steps.record_run(settings.warehouse_path, run_id, started, "published", summary["snapshot_id"], summary)
    return publish_task(settings)


@flow(name="refresh-sources", log_prints=True)
def refresh_sources(cadence: str = "weekly") -> list[dict]:
    """Land and load the sources of one cadence (weekly postings, yearly statistics) into raw.*"""
    return _ingest_all(get_settings(), cadence)


@flow(name="talentcast-pipeline", log_prints=True)
def pipeline(settings: Settings | None = None) -> dict:
    """Run the whole job: ingest -> staging -> features -> forecasts -> marts -> checks -> publish -> report."""
    settings = settings or get_settings()
    logger = get_run_logger()
    run_id = steps.new_run_id()
    started = datetime.now(timezone.utc)
    summary: dict = {"run_id": run_id}
    steps.record_run(settings.warehouse_path, run_id, started, "running", None, summary)
    try:
        with StageProgress(total=10, enabled=sys.stderr.isatty()) as progress:
            for stage, run_stage in [
                ("ingest", lambda: _ingest_all(settings)),
                ("ref", lambda: seeds_task(settings)),
                ("staging", lambda: _staging(settings, summary)),
                ("features", lambda: layer_task(layer="features", settings=settings)),
                ("forecasts", lambda: forecast_task(settings, run_id)),
                ("gap", lambda: gap_task(settings, run_id)),
                ("marts", lambda: layer_task(layer="marts", settings=settings, variables=_variables(
                    settings, run_id, started, summary))),
                ("checks", lambda: checks_task(settings)),
                ("published", lambda: _publish(settings, run_id, started, summary)),
                ("report_path", lambda: report_task(settings)),
            ]:
                progress.start(stage)
                tick = time.perf_counter()
                summary[stage] = run_stage()
                summary.setdefault("seconds", {})[stage] = round(time.perf_counter() - tick, 2)
                progress.done()
        summary["series_forecast"] = steps.series_forecast(settings.published_path)
        summary["published_path"] = str(settings.published_path)
    except Exception as exc:
        summary["error"] = f"{type(exc).__name__}: {exc}"
        steps.record_run(settings.warehouse_path, run_id, started, "failed", summary.get("snapshot_id"), summary)
        logger.error("run %s failed: %s", run_id, summary["error"])
        raise
    return summary
