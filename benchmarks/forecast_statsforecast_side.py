"""The statsforecast side of benchmarks/forecast_indeed.py; runs in its own venv (statsforecast needs pandas < 3).

Usage: <sf-venv>/bin/python benchmarks/forecast_statsforecast_side.py PANEL.csv OUT.csv H WINDOWS STEP [N_JOBS [AutoETS|both
       [SEASON_LENGTH [FREQ]]]]   (FREQ: MS, the default, or W-MON)
Writes the cross_validation frame of AutoETS (seasonal search, m = SEASON_LENGTH, default 12) and Naive (or AutoETS
alone) with
80/95% intervals and prints, as JSON on the last line, the wall-clock seconds of the backtest, of a
forecast of h after the last point, and the peak memory (MB) of this process and its workers.
"""

import json
import os
import resource
import sys
import time

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import pandas as pd  # noqa: E402
from statsforecast import StatsForecast  # noqa: E402
from statsforecast.models import AutoETS, Naive  # noqa: E402


def main(panel_csv: str, out_csv: str, h: int, windows: int, step: int, n_jobs: int = 1,
         only_ets: bool = False, season_length: int = 12, freq: str = "MS") -> None:
    panel = pd.read_csv(panel_csv, parse_dates=["ds"])
    ets = AutoETS(season_length=season_length)
    models = [ets] if only_ets else [ets, Naive()]
    sf = StatsForecast(models=models, freq=freq, n_jobs=n_jobs)
    # warm the numba JIT on one series so the timing is the steady-state cost, as in production
    first = panel[panel["unique_id"] == panel["unique_id"].iloc[0]]
    sf.cross_validation(df=first, h=h, n_windows=windows, step_size=step, level=[80, 95])
    tick = time.perf_counter()
    cv = sf.cross_validation(df=panel, h=h, n_windows=windows, step_size=step, level=[80, 95])
    seconds = time.perf_counter() - tick
    tick = time.perf_counter()
    sf.forecast(df=panel, h=h, level=[80, 95])
    forecast_seconds = time.perf_counter() - tick
    cv.reset_index().to_csv(out_csv, index=False)
    peak = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    print(json.dumps({"seconds": seconds, "forecast_seconds": forecast_seconds, "rows": len(cv), "peak_mb": peak}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]),
         int(sys.argv[6]) if len(sys.argv) > 6 else 1, len(sys.argv) > 7 and sys.argv[7] == "AutoETS",
         int(sys.argv[8]) if len(sys.argv) > 8 else 12, sys.argv[9] if len(sys.argv) > 9 else "MS")
