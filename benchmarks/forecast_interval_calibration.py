"""Interval coverage of the selected forecasts on the Indeed indices, per outer cutoff, for interval settings.

Runs the engine once per outer cutoff as benchmarks/forecast_indeed.py does (h=6, model chosen by an inner
backtest of --inner-windows windows, step 3, before each cutoff), keeps the inputs of each run's interval
step, then recalibrates them with each forecasting.intervals.RECENCY_DECAY and SCALE_POINTS (selection does
not depend on intervals, so the picks stay the same) and prints the coverage of the selected rows per set
and per outer cutoff. --outer-windows 4 is the quality bar's own placement; more windows (as many as the
data allow) show coverage over a longer span of time than the bar's four cutoffs.
Sets: sectors = US (tuning set) and GB + CA (held out); fresh = the 95 indices of forecast_indeed --panel fresh.
Run: .venv/bin/python benchmarks/forecast_interval_calibration.py [--panel sectors|fresh] [--outer-windows 4]
     [--outer-step 3] [--inner-windows 4] [--decays 1,0.5] [--scales all,12,24]
     [--save FILE.pkl | --load FILE.pkl]   (keep the engine runs to try more settings in seconds)

Measured 2026-11-27, before GBM needed 3 seasons of history (--outer-windows 12 on fresh, 10 on sectors; 80%
coverage by set, mean |coverage - 0.80| over the outer cutoffs):
  decay 1, scale 24 (the default): fresh 0.824, 0.122; sectors US 0.853, GB + CA 0.817, 0.110
  decay 1, scale 12: fresh 0.844, 0.118; sectors 0.837 / 0.821, 0.124
  decay 1, scale 6: fresh 0.842, 0.119; sectors 0.841 / 0.815, 0.133
  decay 0.5, scale 12: fresh 0.828, 0.128; sectors 0.841 / 0.806, 0.111
  decay 0.3, scale 6: fresh 0.827, 0.135; sectors 0.860 / 0.834, 0.122
  Every setting is calibrated over the span and none follows the cutoffs more closely: per cutoff the
  coverage runs 0.55-0.98 whatever the setting, since all series' errors move together. The default stays.
"""

from __future__ import annotations

import argparse
import os
import pickle
from pathlib import Path

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import pandas as pd  # noqa: E402

from forecast_indeed import H, REPO, STEP, WINDOWS, fresh_panel, indeed_panel  # noqa: E402  (the script's own folder)


def capture(panel: pd.DataFrame, outer_windows: int, outer_step: int, inner_windows: int, workers: int):
    """Return ([(forecasts, backtest, train, levels) per outer cutoff], selection) of a nested backtest."""
    import forecasting.run as run
    from forecasting.evaluate_file import backtest_panel

    captured = []
    original = run.calibrate

    def keep(forecasts, backtest, train, levels):
        captured.append((forecasts, backtest, train, levels))
        return original(forecasts, backtest, train, levels)

    run.calibrate = keep  # a benchmark-only hook: keeps the interval step's inputs per outer cutoff
    try:
        _, selection = backtest_panel(panel, "MS", H, outer_windows, outer_step, workers=workers,
                                      inner_windows=inner_windows)
    finally:
        run.calibrate = original
    return captured, selection


def coverage(captured, selection, panel: pd.DataFrame, set_of) -> pd.DataFrame:
    """Return one row per (level, set, cutoff, unique_id): hit rate of the selected rows after calibrate."""
    from forecasting import intervals

    rows = []
    for fc, bt, train, levels in captured:
        out, _, _ = intervals.calibrate(fc, bt, train, levels)
        cutoff = train.groupby("unique_id")["ds"].max().rename("cutoff")
        out = out.merge(cutoff, left_on="unique_id", right_index=True)
        picked = out.merge(selection, left_on=["unique_id", "cutoff", "model"],
                           right_on=["unique_id", "cutoff", "selected_model"])
        scored = picked.merge(panel, on=["unique_id", "ds"])
        for lv in levels:
            hit = (scored[f"lo_{lv}"] <= scored["y"]) & (scored["y"] <= scored[f"hi_{lv}"])
            rows.append(scored.assign(level=lv, hit=hit.astype(float))[["level", "cutoff", "unique_id", "hit"]])
    res = pd.concat(rows, ignore_index=True)
    res["set"] = res["unique_id"].map(set_of)
    return res.groupby(["level", "set", "cutoff", "unique_id"], as_index=False)["hit"].mean()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--panel", choices=("sectors", "fresh"), default="sectors")
    parser.add_argument("--fresh-dir", type=Path, default=REPO.parent / "shared" / "data" / "indeed")
    parser.add_argument("--outer-windows", type=int, default=WINDOWS)
    parser.add_argument("--outer-step", type=int, default=STEP)
    parser.add_argument("--inner-windows", type=int, default=WINDOWS)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--decays", default="1")
    parser.add_argument("--scales", default="24", help="SCALE_POINTS values; 'all' = None")
    parser.add_argument("--save", help="pickle the captured runs here")
    parser.add_argument("--load", help="read captured runs from here instead of running the engine")
    args = parser.parse_args()
    from forecasting import intervals

    panel = indeed_panel() if args.panel == "sectors" else fresh_panel(args.fresh_dir)
    if args.load:
        with open(args.load, "rb") as f:
            captured, selection = pickle.load(f)
    else:
        captured, selection = capture(panel, args.outer_windows, args.outer_step, args.inner_windows, args.workers)
    if args.save:
        with open(args.save, "wb") as f:
            pickle.dump((captured, selection), f)

    def set_of(uid: str) -> str:
        if args.panel == "fresh":
            return "fresh_heldout"
        return "US_tuned" if uid.startswith("US/") else "GBCA_heldout"

    saved = intervals.RECENCY_DECAY, intervals.SCALE_POINTS
    for decay in (float(d) for d in args.decays.split(",")):
        for points in (None if p == "all" else int(p) for p in args.scales.split(",")):
            intervals.RECENCY_DECAY, intervals.SCALE_POINTS = decay, points
            per = coverage(captured, selection, panel, set_of)
            # per series first, then over series: as the benchmark's coverage_80 / coverage_95
            by_series = per.groupby(["level", "set", "unique_id"])["hit"].mean()
            overall = by_series.groupby(["level", "set"]).mean().unstack("level").round(3)
            by_cut = per.groupby(["level", "cutoff"])["hit"].mean().unstack("level").round(3)
            print(f"\ndecay {decay}, scale points {points}: coverage by set (mean over series)")
            print(overall.to_string())
            print("by outer cutoff (all sets):")
            print(by_cut.to_string())
    intervals.RECENCY_DECAY, intervals.SCALE_POINTS = saved


if __name__ == "__main__":
    main()
