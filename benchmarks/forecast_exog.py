"""Exogenous regressors on the Indeed sector indices: does each country's total postings index help?

Panel: the bundled Indeed sector indices (US, GB, CA; monthly means of complete months, as
benchmarks/forecast_indeed.py builds them). Regressor: the same country's aggregate Indeed total postings index
(indeed_job_postings_index_SA, variable 'total postings'; monthly mean of months with >= 28 days present) from
<fresh-dir>/aggregate_job_postings_{US,GB,CA}.csv (a development copy, not bundled), joined to each sector
series by its country (the first '/'-part of unique_id, e.g. 'US/Software Development'). Three runs of the
engine (evaluate_file.backtest_panel, default models, nested selection) on the same panel and windows:
  none:    no regressor (the default model set: ensemble of ETS + GBM + naive);
  known:   the contemporaneous total index, its actual values in each test window: conditional (scenario)
           accuracy, what a planner gets who supplies the total's path; an upper bound, not a forecast;
  leading: the total index 6 months (the horizon) earlier, x(ds) = total(ds - 6 months): known at every
           forecast origin, no oracle.
With a regressor the default set adds 'arima' (regression with ARIMA errors) as a candidate for selection, not
as an ensemble member (forecasting/registry.py EXOG_MODELS, chosen on these numbers); the ensemble of ETS + GBM +
naive keeps its members, and GBM reads the regressor's change since the forecast origin. The first 6 months of
every series (2020-02 .. 2020-07, where the lagged regressor is missing) are dropped in all three runs, so all
see the same y. Backtest: horizon 6, 4 windows 3 months apart, inner backtest 3 windows (the quality bar's, with
the pipeline's inner count). Scores: evaluate(backtest, panel, 12): MASE against the in-sample seasonal-naive
MAE up to each series' first cutoff (forecast_indeed.py scores against the one-step naive MAE; the tables are
printed on that scale too), averaged over series; 80/95% coverage of 'selected'. Sets: US (tuning set of
the engine's settings), GB + CA (held out), all. Ratios are per-variant mean MASE / the none run's mean MASE
of the same model (ARIMA has no none row: with --arima-reference a fourth run adds ARIMA without regressor).
GBM needs 36 points at an origin (registry.py), so after the 6-month drop it has no rows at the first cutoff
of the US and GB series (34 and 33 points; CA has 36): there the ensembles lack it, and its own mean is over the
windows it forecast.

Run: .venv/bin/python benchmarks/forecast_exog.py [--fresh-dir ../shared/data/indeed] [--countries US,GB,CA]
     [--windows 4] [--inner-windows 3] [--workers 2] [--limit N] [--arima-reference]

Measured 2026-11-28 (2 cores, 2 workers; --arima-reference; 133 series: US 46, GB 48, CA 39, 2020-08 ..
2024-07/08/10; cutoffs 2023-04 .. 2024-04, 4 per series; repeated runs gave identical numbers). Mean MASE on
evaluate(..., 12)'s scale, all / US (tuning) / GB + CA (held out); ratio = variant / none:
  none:     selected 0.159 / 0.138 / 0.170; ETS 0.192, GBM 0.187, naive 0.215; ARIMA without regressor
            (none+arima run) 0.219 / 0.189 / 0.235. 80% coverage 0.869 / 0.914 / 0.845, 95% 0.974 / 0.986 / 0.968.
  known:    selected 0.159 / 0.146 / 0.166, ratio 0.999 / 1.053 / 0.976; ARIMA 0.162 (ratio vs ARIMA without
            regressor 0.739 / 0.878 / 0.680); GBM 0.154 (0.824 / 0.759 / 0.864). 80% coverage 0.866 / 0.889 /
            0.853, 95% 0.976 / 0.986 / 0.971.
  leading:  selected 0.157 / 0.138 / 0.167, ratio 0.987 / 0.999 / 0.981; ARIMA 0.214 (0.976 / 0.979 / 0.974);
            GBM 0.192 (1.027 / 1.051 / 1.012). 80% coverage 0.872 / 0.914 / 0.850, 95% 0.977 / 0.986 / 0.972.
  On forecast_indeed.py's one-step naive scale the selected ratios agree within 0.003 (known 0.997 / 1.054 /
  0.974, leading 0.987 / 0.998 / 0.983); none's selected MASE there is 1.115 (US 0.923, GB + CA 1.217), not
  comparable with that script's 0.968: dropping 2020-02 .. 07 takes the 2020 crash out of the scale (and 3
  inner windows, not 4).
  Picks (series x cutoff, of 532): the ensemble 527 (none), 519 (known), 529 (leading); ETS 3 (US) in each
  run; GBM 2 / 7 / 0 and ARIMA 0 / 3 / 0 (GB + CA).
  Seconds (2 workers): none 33.7, known 123.2, leading 118.7, none+arima 95.5: the regressor runs cost ~3.5x,
  mostly the ARIMA fits.
  Earlier, with ARIMA an ensemble member when regressors are given (same runs otherwise): selected ratio known
  0.964 / 1.050 / 0.926, leading 1.046 / 1.035 / 1.051. On the US (the tuning set) it was worse both ways
  (1.050 vs 1.053 with the known total, 1.035 vs 0.999 with the lagged one), so ARIMA left the ensemble; the
  held-out GB + CA would have kept it for the known total (0.926 vs 0.976) and dropped it for the lagged one.
  So: ARIMA and GBM each gain from the contemporaneous total (ARIMA 26% over ARIMA without it, GBM 18%), but
  the selected forecasts barely move (known 0.999, leading 0.987 overall): the ensemble's errors, which
  selection keeps nearly everywhere, shrink less than its members' do. A regressor is worth supplying for its
  scenario (a planner's path for the total) and for ARIMA's coefficient, e.g. a sector's elasticity to the
  total; on these indices it is no accuracy lever.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from forecast_indeed import H, REPO, STEP, WINDOWS, indeed_panel  # noqa: E402  (the script's own folder)

LAG = H  # the leading variant's lag: the horizon, so every value a forecast reads is known at its origin
MIN_DAYS = 28  # a month of the total index counts if it has at least this many daily values
MODELS_SHOWN = ["selected", "ensemble", "arima", "gbm", "ets", "naive"]
VARIANTS = ["none", "known", "leading"]


def country_of(uid: pd.Series) -> pd.Series:
    """Return each sector id's country: the first '/'-part ('US/Software Development' -> 'US')."""
    return uid.str.split("/").str[0]


def total_index(folder: Path, countries: list[str]) -> pd.DataFrame:
    """Return (country, ds, total): monthly means of each country's SA total postings index, months with
    >= MIN_DAYS daily values."""
    parts = []
    for c in countries:
        d = pd.read_csv(folder / f"aggregate_job_postings_{c}.csv", parse_dates=["date"])
        d = d[(d["variable"] == "total postings") & d["indeed_job_postings_index_SA"].notna()]
        d = d.assign(ds=d["date"].dt.to_period("M").dt.start_time)
        g = d.groupby("ds").agg(total=("indeed_job_postings_index_SA", "mean"), days=("date", "nunique"))
        g = g[g["days"] >= MIN_DAYS].reset_index()
        parts.append(g.assign(country=c)[["country", "ds", "total"]])
    return pd.concat(parts, ignore_index=True)


def build_inputs(panel: pd.DataFrame, total: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """Return (panel without each series' first LAG months, {variant: exog frame (unique_id, ds, x)})."""
    first = panel.groupby("unique_id")["ds"].transform("min")
    panel = panel[panel["ds"] >= first + pd.DateOffset(months=LAG)].reset_index(drop=True)
    # the regressor over every panel point and the H months after each series' last one
    span = panel.groupby("unique_id")["ds"].agg(["min", "max"])
    keys = pd.DataFrame([(u, d) for u, (a, b) in span.iterrows()
                         for d in pd.date_range(a, b + pd.DateOffset(months=H), freq="MS")],
                        columns=["unique_id", "ds"])
    keys["country"] = country_of(keys["unique_id"])
    exogs = {}
    for variant, shift in (("known", 0), ("leading", LAG)):
        x = total.assign(ds=total["ds"] + pd.DateOffset(months=shift)).rename(columns={"total": "x_total"})
        e = keys.merge(x, on=["country", "ds"], how="left")
        missing = e[e["x_total"].isna() & e["ds"].le(e["unique_id"].map(span["max"]))]
        if len(missing):
            raise SystemExit(f"{variant}: no total index for {len(missing)} panel point(s), e.g."
                             f" {missing.iloc[0]['unique_id']} {missing.iloc[0]['ds']:%Y-%m}")
        exogs[variant] = e.dropna(subset=["x_total"])[["unique_id", "ds", "x_total"]].reset_index(drop=True)
    return panel, exogs


def check_ensemble(bt: pd.DataFrame, members: list[str]) -> float:
    """Return the largest |engine ensemble - equal mean of `members`| over the backtest rows (0: same)."""
    keys = ["unique_id", "cutoff", "ds"]
    mean = bt[bt["model"].isin(members)].groupby(keys)["y_hat"].mean()
    ens = bt[bt["model"] == "ensemble"].set_index(keys)["y_hat"]
    return float((ens - mean.reindex(ens.index)).abs().max())


def score_tables(scores: dict[str, pd.DataFrame], runs: dict, sets: dict[str, list[str]],
                 countries: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (mean MASE per model and coverage of 'selected', per set and variant; MASE ratios vs none)."""
    def mean_of(variant: str, model: str, col: str, members: list[str]) -> float:
        s = scores[variant]
        s = s[(s["model"] == model) & s["country"].isin(members)]
        return float(s[col].mean()) if len(s) else np.nan

    rows = []
    for set_name, members in sets.items():
        if not any(c in countries for c in members):
            continue
        for variant in runs:
            row = {"set": set_name, "variant": variant}
            for model in MODELS_SHOWN:
                row[model] = mean_of(variant, model, "mase", members)
            row["cov80_sel"] = mean_of(variant, "selected", "coverage_80", members)
            row["cov95_sel"] = mean_of(variant, "selected", "coverage_95", members)
            rows.append(row)
    table = pd.DataFrame(rows).set_index(["set", "variant"])
    ratios = []
    for (set_name, variant), row in table.iterrows():
        if variant == "none":
            continue
        base = table.loc[(set_name, "none")]
        r = {"set": set_name, "variant": variant}
        for model in MODELS_SHOWN:
            ref = base[model]
            if model == "arima" and "none+arima" in runs and variant != "none+arima":
                ref = table.loc[(set_name, "none+arima"), "arima"]
            r[model] = row[model] / ref if np.isfinite(ref) else np.nan
        ratios.append(r)
    return table, pd.DataFrame(ratios).set_index(["set", "variant"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh-dir", type=Path, default=REPO.parent / "shared" / "data" / "indeed",
                        help="folder of aggregate_job_postings_<country>.csv (default ../shared/data/indeed)")
    parser.add_argument("--countries", default="US,GB,CA", help="comma-separated (default US,GB,CA)")
    parser.add_argument("--windows", type=int, default=WINDOWS, help="outer windows scored (default 4)")
    parser.add_argument("--inner-windows", type=int, default=3, help="inner backtest windows (default 3)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--limit", type=int, help="first N series per country (a quick smoke run)")
    parser.add_argument("--season-length", type=int, default=12,
                        help="evaluate()'s season length for the MASE scale (default 12; the one-step naive"
                             " scale, 1, is printed too)")
    parser.add_argument("--arima-reference", action="store_true",
                        help="a fourth run: default models + arima without regressor, the reference for arima")
    args = parser.parse_args()

    from forecasting.evaluate_file import backtest_panel
    from forecasting.metrics import evaluate
    from forecasting.registry import DEFAULT_MODELS, ENSEMBLE, ENSEMBLE_MEMBERS

    countries = [c.strip() for c in args.countries.split(",") if c.strip()]
    panel = indeed_panel()
    panel = panel[country_of(panel["unique_id"]).isin(countries)]
    if args.limit:
        ids = panel[["unique_id"]].drop_duplicates()
        ids = ids.groupby(country_of(ids["unique_id"]), sort=False).head(args.limit)["unique_id"]
        panel = panel[panel["unique_id"].isin(set(ids))]
    panel, exogs = build_inputs(panel.reset_index(drop=True), total_index(args.fresh_dir, countries))
    per_country = country_of(panel.drop_duplicates("unique_id")["unique_id"]).value_counts()
    print(f"{panel['unique_id'].nunique()} series ({', '.join(f'{c} {per_country.get(c, 0)}' for c in countries)}),"
          f" {len(panel)} points, {panel['ds'].min():%Y-%m} .. {panel['ds'].max():%Y-%m} (first {LAG} months"
          f" of each series dropped); h={H}, {args.windows} windows step {STEP}, inner {args.inner_windows},"
          f" {args.workers} workers")

    runs: dict[str, tuple[pd.DataFrame, pd.DataFrame, float]] = {}
    plan = [(v, None, exogs.get(v)) for v in VARIANTS]
    if args.arima_reference:
        names = [m for m in DEFAULT_MODELS["MS"] if m != ENSEMBLE] + ["arima", ENSEMBLE]
        plan.append(("none+arima", names, None))
    for variant, models, exog in plan:
        tick = time.perf_counter()
        bt, sel = backtest_panel(panel, "MS", H, args.windows, STEP, models=models,
                                 inner_windows=args.inner_windows, exog=exog, workers=args.workers)
        runs[variant] = (bt, sel, time.perf_counter() - tick)
        print(f"  {variant}: {runs[variant][2]:.1f} s, {bt['cutoff'].nunique()} cutoffs"
              f" ({bt['cutoff'].min():%Y-%m} .. {bt['cutoff'].max():%Y-%m}), {len(bt)} rows", flush=True)

    keys = ["unique_id", "cutoff", "ds"]
    ref_rows = runs["none"][0][keys].drop_duplicates()
    for variant, (bt, _, _) in runs.items():  # the same windows in every run, or the ratios mean nothing
        rows = bt[keys].drop_duplicates()
        if len(rows) != len(ref_rows) or len(rows.merge(ref_rows)) != len(ref_rows):
            print(f"  WARNING: {variant} scored other (series, cutoff, ds) rows than none")

    members = ENSEMBLE_MEMBERS["MS"]
    for variant, (bt, _, _) in runs.items():
        print(f"  {variant}: engine ensemble vs equal mean of {' + '.join(members)}: max |diff|"
              f" {check_ensemble(bt, members):.2g}")
    sets = {"US": ["US"], "GB+CA": ["GB", "CA"], "all": countries}
    for m in (args.season_length, 1 if args.season_length != 1 else None):
        if m is None:
            continue
        scores = {}
        for variant, (bt, _, _) in runs.items():
            s = evaluate(bt, panel, m)
            scores[variant] = s.assign(country=country_of(s["unique_id"]))
        table, ratios = score_tables(scores, runs, sets, countries)
        scale = {12: "seasonal-naive MAE", 1: "one-step naive MAE (forecast_indeed.py's scale)"}.get(
            m, f"season-{m} MAE")
        with pd.option_context("display.width", 200, "display.max_columns", 30):
            print(f"\nmean MASE over series (evaluate(backtest, panel, {m}): MAE / in-sample {scale} up to the"
                  f" first cutoff); 80/95% coverage of 'selected':")
            print(table.round(3).to_string(na_rep="-"))
            print(f"\nMASE ratio vs the none run, same model, season_length {m}"
                  f" (arima: vs none+arima{'' if 'none+arima' in runs else ', not run'}):")
            print(ratios.round(3).to_string(na_rep="-"))
    with pd.option_context("display.width", 200, "display.max_columns", 30):
        sel_all = pd.concat([sel.assign(variant=v) for v, (_, sel, _) in runs.items()], ignore_index=True)
        sel_all["set"] = country_of(sel_all["unique_id"]).map(lambda c: "US" if c == "US" else "GB+CA")
        print("\npicks: (series x cutoff) pairs that selected each model:")
        picks = sel_all.groupby(["selected_model", "set", "variant"]).size().unstack(["set", "variant"], fill_value=0)
        order = [(st, v) for st in ("US", "GB+CA") for v in runs if (sel_all["set"] == st).any()]
        picks = picks.reindex(columns=pd.MultiIndex.from_tuples(order), fill_value=0)
        picks.loc["total"] = picks.sum()
        print(picks.to_string())
        last = sel_all.sort_values("cutoff").groupby(["variant", "unique_id"]).tail(1)
        print("\npicks at each series' last cutoff (series):")
        last = last.groupby(["selected_model", "set", "variant"]).size().unstack(["set", "variant"], fill_value=0)
        print(last.reindex(columns=pd.MultiIndex.from_tuples(order), fill_value=0).to_string())
    print("\nwall time (s): " + ", ".join(f"{v} {t:.1f}" for v, (_, _, t) in runs.items())
          + f" ({args.workers} workers)")


if __name__ == "__main__":
    main()
