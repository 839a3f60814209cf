"""Interval coverage on the Indeed sector indices for several conformal settings (recency, scale window).

Runs the engine once per outer cutoff as benchmarks/forecast_indeed.py does (h=6, 4 windows, step 3,
model chosen by an inner backtest before each cutoff), keeps the inputs of each run's interval step,
then recalibrates them with each forecasting.intervals.RECENCY_DECAY and SCALE_POINTS (selection does
not depend on intervals, so the picks stay the same) and prints the coverage of the selected rows per set. Choose on
the US series (tuning set); GB + CA are held out.
Run: .venv/bin/python benchmarks/forecast_interval_calibration.py [--decays 1,0.5] [--scales all,12,24]
     [--save FILE.pkl | --load FILE.pkl]   (keep the engine runs, ~5 min, to try more decays in seconds)
"""

from __future__ import annotations

import argparse
import os
import pickle

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import pandas as pd  # noqa: E402

from forecast_indeed import H, STEP, WINDOWS, indeed_panel  # noqa: E402  (the script's own folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decays", default="1,0.5")
    parser.add_argument("--scales", default="all,12,24,36", help="SCALE_POINTS values; 'all' = None")
    parser.add_argument("--save", help="pickle the captured runs here")
    parser.add_argument("--load", help="read captured runs from here instead of running the engine")
    args = parser.parse_args()
    import forecasting.intervals as intervals
    import forecasting.run as run
    from forecasting.evaluate_file import backtest_panel

    captured = []
    original = run.calibrate

    def keep(forecasts, backtest, panel, levels):
        captured.append((forecasts, backtest, panel, levels))
        return original(forecasts, backtest, panel, levels)

    panel = indeed_panel()
    if args.load:
        with open(args.load, "rb") as f:
            captured, selection = pickle.load(f)
    else:
        run.calibrate = keep  # a benchmark-only hook: keeps the interval step's inputs per outer cutoff
        _, selection = backtest_panel(panel, "MS", H, WINDOWS, STEP)
        run.calibrate = original
    if args.save:
        with open(args.save, "wb") as f:
            pickle.dump((captured, selection), f)
    rows = []
    settings = [(float(d), None if p == "all" else int(p)) for d in args.decays.split(",")
                for p in args.scales.split(",")]
    for decay, points in settings:
        intervals.RECENCY_DECAY, intervals.SCALE_POINTS = decay, points
        for fc, bt, train, levels in captured:
            out, _, methods = intervals.calibrate(fc, bt, train, levels)
            print(f"decay {decay}, scale {points}: ensemble intervals {methods.get('ensemble')}")
            cutoff = train.groupby("unique_id")["ds"].max().rename("cutoff")
            out = out.merge(cutoff, left_on="unique_id", right_index=True)
            picked = out.merge(selection, left_on=["unique_id", "cutoff", "model"],
                               right_on=["unique_id", "cutoff", "selected_model"])
            scored = picked.merge(panel, on=["unique_id", "ds"])
            for lv in levels:
                hit = (scored[f"lo_{lv}"] <= scored["y"]) & (scored["y"] <= scored[f"hi_{lv}"])
                rows.append(scored.assign(decay=decay, scale=str(points), level=lv, hit=hit.astype(float))[
                    ["decay", "scale", "level", "unique_id", "hit"]])
    res = pd.concat(rows, ignore_index=True)
    res["set"] = res["unique_id"].str[:2].map(lambda c: "US_tuned" if c == "US" else "GBCA_heldout")
    # per series first, then over series: as the benchmark's coverage_80 / coverage_95
    per_series = res.groupby(["decay", "scale", "level", "set", "unique_id"])["hit"].mean()
    table = per_series.groupby(["decay", "scale", "level", "set"]).mean().unstack(["level", "set"]).round(3)
    print(table.to_string())


if __name__ == "__main__":
    main()
