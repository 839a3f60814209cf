"""Scale benchmark of issue 4 on SYNTHETIC series: backtest (4 windows) + forecast N monthly series of length 60.

Prints series/second and peak memory for talentcast's default model set (forecast_panel) and for
statsforecast's AutoETS alone (own venv, pandas < 3; see benchmarks/forecast_indeed.py), same series, same
run, same number of processes. The series are synthetic (labelled so in the output): level x (damped trend +
12-month season + AR(1) noise), a fifth of them small Poisson counts, seeded.

Run: .venv/bin/python benchmarks/forecast_scale.py --series 10000 [--sf-python /tmp/sf-venv/bin/python]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import tempfile
import time
from pathlib import Path

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
LENGTH, H, WINDOWS, STEP = 60, 6, 4, 3


def synthetic_panel(n: int, seed: int = 0) -> pd.DataFrame:
    """Return n synthetic monthly series of length 60 (unique_id 'synthetic/<i>')."""
    rng = np.random.default_rng(seed)
    t = np.arange(LENGTH)
    level = rng.lognormal(4, 1, (n, 1))
    trend = rng.normal(0, 0.004, (n, 1)) * np.cumsum(0.97 ** t)[None, :]
    season = rng.uniform(0, 0.15, (n, 1)) * np.sin(2 * np.pi * (t[None, :] + rng.integers(0, 12, (n, 1))) / 12)
    noise = np.zeros((n, LENGTH))
    eps = rng.normal(0, 0.04, (n, LENGTH))
    for i in range(1, LENGTH):
        noise[:, i] = 0.6 * noise[:, i - 1] + eps[:, i]
    y = level * (1 + trend + season + noise)
    counts = rng.random(n) < 0.2
    y[counts] = rng.poisson(rng.uniform(0.3, 3, (counts.sum(), 1)), (counts.sum(), LENGTH))
    ds = pd.date_range("2020-01-01", periods=LENGTH, freq="MS")
    return pd.DataFrame({"unique_id": np.repeat([f"synthetic/{i:05d}" for i in range(n)], LENGTH),
                         "ds": np.tile(ds, n), "y": y.ravel()})


def peak_mb() -> float:
    """Return the peak resident memory of this process and its largest child, in MB (Linux: ru_maxrss in KB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + child) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sf-python", default=os.environ.get("SF_PYTHON", "/tmp/sf-venv/bin/python"))
    args = parser.parse_args()
    from forecasting.run import forecast_panel

    panel = synthetic_panel(args.series)
    print(f"SYNTHETIC panel: {args.series} monthly series x {LENGTH}; backtest {WINDOWS} windows, step {STEP}, h={H},"
          f" then forecast; {args.workers} processes")
    sf_s = None
    if Path(args.sf_python).exists():
        with tempfile.TemporaryDirectory(prefix="talentcast-scale-") as tmp:
            panel.to_csv(Path(tmp) / "panel.csv", index=False)
            out = subprocess.run([args.sf_python, str(REPO / "benchmarks" / "forecast_statsforecast_side.py"),
                                  str(Path(tmp) / "panel.csv"), str(Path(tmp) / "cv.csv"), str(H), str(WINDOWS),
                                  str(STEP), str(args.workers), "AutoETS"], capture_output=True, text=True, check=True)
        info = json.loads(out.stdout.strip().splitlines()[-1])
        sf_s = info["seconds"] + info["forecast_seconds"]
        print(f"statsforecast AutoETS alone (m=12): {sf_s:.1f} s, {args.series / sf_s:.1f} series/s,"
              f" peak {info['peak_mb']:.0f} MB")
    tick = time.perf_counter()
    r = forecast_panel(panel, "MS", H, WINDOWS, STEP, workers=args.workers)
    tc_s = time.perf_counter() - tick
    print(f"talentcast default set {sorted(set(r.forecasts['model']) - {'selected'})}: {tc_s:.1f} s,"
          f" {args.series / tc_s:.1f} series/s, peak {peak_mb():.0f} MB (this process + largest worker)")
    if sf_s:
        print(f"time ratio talentcast / statsforecast AutoETS: {tc_s / sf_s:.1f}x (issue's aim: <= 3x)")


if __name__ == "__main__":
    main()
