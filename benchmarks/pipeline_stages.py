"""Time the whole pipeline on the bundled data, stage by stage, as `make run` runs it.

Baseline: the same stages called as plain functions (flows/steps.py, no Prefect) on a fresh home,
in the same run. The ratio shows what Prefect (its temporary API server and task bookkeeping) adds.
Run: .venv/bin/python benchmarks/pipeline_stages.py
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
if "PREFECT_HOME" not in os.environ:  # a throwaway Prefect home, removed at exit
    os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="talentcast-bench-prefect-")
    atexit.register(shutil.rmtree, os.environ["PREFECT_HOME"], ignore_errors=True)


def plain_run(home: Path) -> dict[str, float]:
    """Run every stage as a plain function; return seconds per stage."""
    from core.settings import Settings
    from dashboards.report import build_report
    from flows import steps
    from forecasting.gap_step import run_gap
    from forecasting.warehouse import ForecastPlan, run_forecasts
    from ingest.registry import all_sources

    s = Settings(home=home)
    run_id, started = steps.new_run_id(), datetime.now(timezone.utc)
    db, times = s.warehouse_path, {}

    def timed(stage, fn):
        tick = time.perf_counter()
        fn()
        times[stage] = time.perf_counter() - tick

    timed("ingest", lambda: [steps.ingest_source(db, src, "offline", s.snapshot_dir, s.raw_dir, 30)
                             for src in all_sources().values()])
    timed("ref", lambda: steps.load_reference(db, s.seeds_dir))
    timed("staging", lambda: steps.build_layer(db, "staging"))
    timed("features", lambda: steps.build_layer(db, "features"))
    timed("forecasts", lambda: run_forecasts(db, run_id, ForecastPlan(workers=s.workers)))
    timed("gap", lambda: run_gap(db, run_id))
    variables = {"run_id": run_id, "as_of": started.strftime("%Y-%m-%d %H:%M:%S"), "snapshot_id": steps.snapshot_id(db)}
    timed("marts", lambda: steps.build_layer(db, "marts", variables))
    timed("checks", lambda: steps.check(db))
    steps.record_run(db, run_id, started, "published", variables["snapshot_id"], {})
    timed("published", lambda: steps.publish_warehouse(db, s.published_path))
    timed("report_path", lambda: build_report(s.published_path, s.report_path))
    return times


def flow_run(home: Path) -> tuple[float, dict[str, float]]:
    """Run the Prefect flow (temporary API server included); return (wall seconds, seconds per stage)."""
    from core.settings import Settings
    from flows.pipeline import pipeline

    tick = time.perf_counter()
    summary = pipeline(Settings(home=home))
    return time.perf_counter() - tick, summary["seconds"]


def main() -> None:
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        plain = plain_run(Path(a))
        wall, stages = flow_run(Path(b))
    plain_total = sum(plain.values())
    print(f"{'stage':<12}{'plain s':>10}{'flow s':>10}")
    for stage, secs in plain.items():
        print(f"{stage:<12}{secs:>10.2f}{stages.get(stage, float('nan')):>10.2f}")
    print(f"{'total':<12}{plain_total:>10.2f}{sum(stages.values()):>10.2f}")
    print(f"flow wall time incl. Prefect server start: {wall:.1f} s "
          f"(ratio to the plain-function baseline: {wall / plain_total:.2f}x; target: well under 120 s)")


if __name__ == "__main__":
    main()
