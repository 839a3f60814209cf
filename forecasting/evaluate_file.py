"""Bring your own series (issue 4): run the whole engine on a user's long panel and write its track record
(backtest_file), or its forecasts with the scores behind them (forecast_file).

Windows sit where statsforecast's cross_validation puts them (forecasting/backtest.py): the last
window's test period ends at each series' last observation, earlier ones `step` periods apart. At
every cutoff the whole engine (forecast_panel: inner backtest, selection, intervals, clipping) runs on
the data up to that cutoff only, so a model='selected' row is the forecast talentcast would have
published then; its choice never sees the window it is scored on.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from forecasting.backtest import CV_KEYS, windows_that_fit
from forecasting.exog import exog_columns, split_exog
from forecasting.hierarchy_step import reconcile_result
from forecasting.metrics import evaluate, evaluate_by_cutoff, evaluate_by_horizon
from forecasting.models import interval_columns
from forecasting.panel import PANEL_COLUMNS, check_regular, min_train_length, season_length, validate_panel
from forecasting.run import forecast_panel
from forecasting.user_hierarchy import companion_table, links_from_ids, read_links
from forecasting.warehouse import ForecastPlan

log = logging.getLogger(__name__)

OUTPUT_FILES = ("backtest.csv", "selection.csv", "scores.csv", "scores_by_horizon.csv", "scores_by_cutoff.csv",
                "summary.csv")
FORECAST_FILES = ("forecast.csv", "quality.csv", "quality_by_horizon.csv", "backtest.csv")


def _read_table(path: Path, what: str, needs: Sequence[str]) -> pd.DataFrame:
    """Return a CSV (optionally .gz) or Parquet file with columns `needs` (and any others), ds as datetime."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{what} file {str(path)!r} does not exist")
    name = path.name.lower()
    if name.endswith(".parquet"):
        frame = pd.read_parquet(path)
    elif name.endswith((".csv", ".csv.gz")):
        frame = pd.read_csv(path, dtype={"unique_id": "str"})
    else:
        raise ValueError(f"{what} file {path.name!r} must end in .csv, .csv.gz or .parquet")
    missing = [c for c in needs if c not in frame.columns]
    if missing:
        raise ValueError(f"{what} file {path.name!r} is missing column(s) {missing}; found {list(frame.columns)}")
    frame = frame.copy()
    if not pd.api.types.is_datetime64_any_dtype(frame["ds"]):
        parsed = pd.to_datetime(frame["ds"], errors="coerce")
        bad = frame.loc[parsed.isna() & frame["ds"].notna(), "ds"]
        if len(bad):
            raise ValueError(f"{what} file {path.name!r} has a ds that is not a date: {bad.iloc[0]!r}")
        frame["ds"] = parsed
    return frame


def read_panel_file(path: Path) -> pd.DataFrame:
    """Return the long panel (unique_id, ds, y, and any regressor columns) of a CSV (optionally .gz) or
    Parquet file, ds as datetime, y as a number (forecasting.exog.split_exog separates the regressors)."""
    path = Path(path)
    frame = _read_table(path, "input", PANEL_COLUMNS)
    if not pd.api.types.is_numeric_dtype(frame["y"]):
        parsed = pd.to_numeric(frame["y"], errors="coerce")
        bad = frame.loc[parsed.isna() & frame["y"].notna(), "y"]
        if len(bad):
            raise ValueError(f"input file {path.name!r} has a y that is not a number: {bad.iloc[0]!r}")
        frame["y"] = parsed
    return frame


def _truncate(panel: pd.DataFrame, drop_last: pd.Series) -> pd.DataFrame:
    """Return the panel without the last drop_last[uid] points of each series listed in drop_last."""
    n = panel.groupby("unique_id", sort=False)["ds"].transform("size")
    pos = panel.groupby("unique_id", sort=False).cumcount()
    drop = panel["unique_id"].map(drop_last)
    return panel[drop.notna().to_numpy() & (pos < n - drop.fillna(0)).to_numpy()]


def read_future_file(path: Path, columns: Sequence[str]) -> pd.DataFrame:
    """Return the regressors' future values (unique_id, ds, and the panel's regressor `columns`) from a file."""
    frame = _read_table(Path(path), "future", ["unique_id", "ds", *columns])
    extra = [c for c in frame.columns if c not in ("unique_id", "ds", *columns)]
    if extra:
        raise ValueError(f"future file {Path(path).name!r} has column(s) {extra} that are not regressors of the"
                         f" input ({list(columns)})")
    return frame[["unique_id", "ds", *columns]]


def _with_future(exog: pd.DataFrame | None, future: Path | None, horizon: int) -> pd.DataFrame | None:
    """Return the input's regressors followed by their future values, or say what is missing."""
    if exog is None:
        if future is not None:
            raise ValueError("a future file was given, but the input has no regressor column besides unique_id,"
                             " ds and y")
        return None
    cols = exog_columns(exog)
    if future is None:
        raise ValueError(f"the input has regressor column(s) {cols}: forecasting needs their values for the"
                         f" {horizon} period(s) after each series' last ds; pass them as a future file"
                         f" (--future FILE: unique_id, ds, {', '.join(cols)})")
    return pd.concat([exog, read_future_file(future, cols)], ignore_index=True)


def inner_plan(freq: str, inner_windows: int | None = None, inner_step: int | None = None) -> tuple[int, int]:
    """Return (windows, step) of the engine's own backtest before each cutoff: the pipeline's unless given."""
    plan = ForecastPlan()
    return (plan.backtest_windows if inner_windows is None else int(inner_windows),
            plan.for_freq(freq)[1] if inner_step is None else int(inner_step))


def backtest_panel(panel: pd.DataFrame, freq: str, horizon: int, windows: int, step: int,
                   models: list[str] | None = None, nonnegative: bool = False, workers: int = 1,
                   levels: Sequence[int] = (80, 95), inner_windows: int | None = None,
                   exog: pd.DataFrame | None = None, inner_step: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (backtest, selection): backtest one row per (unique_id, cutoff, ds, model) incl. 'selected';

    selection one row per (unique_id, cutoff) with the model chosen from data up to that cutoff and why.
    Series too short for a window (min_train_length(freq) points before its cutoff) get fewer windows,
    the latest ones, as in cross_validation. The inner backtest before each cutoff (selection and
    intervals) has `inner_windows` windows `inner_step` apart, by default the pipeline's (warehouse.ForecastPlan:
    3 windows, 3 months, 4 weeks or 1 year apart), so that a 'selected' row is what talentcast (the pipeline,
    or `forecast` with its defaults) would have published at its cutoff, however many cutoffs are scored.
    exog: regressors over the panel's points (forecasting/exog.py); at each cutoff the engine reads them up
    to the cutoff and their actual values in the window.
    """
    panel = validate_panel(panel)
    check_regular(panel, freq)
    need = min_train_length(freq)
    sizes = panel.groupby("unique_id", sort=True).size()
    k = pd.Series([windows_that_fit(int(n), horizon, windows, step, need) for n in sizes], index=sizes.index)
    if (k == 0).any():
        short = k.index[k == 0].tolist()
        log.warning("%d series too short to backtest (need %d + h=%d points): %s", len(short), need, horizon,
                    ", ".join(short[:10]))
    inner_windows, inner_step = inner_plan(freq, inner_windows, inner_step)
    value_cols = interval_columns(levels)
    parts, picks = [], []
    for j in range(windows - 1, -1, -1):  # j = windows after this one; the earliest cutoff first
        ids = k.index[k > j]
        if ids.empty:
            continue
        train = _truncate(panel, pd.Series(horizon + j * step, index=ids))
        r = forecast_panel(train, freq, horizon, inner_windows, inner_step, models=models, nonnegative=nonnegative,
                           workers=workers, levels=levels, exog=exog)
        cutoff = train.groupby("unique_id")["ds"].max().rename("cutoff")
        fc = r.forecasts.merge(cutoff, left_on="unique_id", right_index=True)
        parts.append(fc.merge(panel, on=["unique_id", "ds"], how="inner"))
        chosen = r.quality[r.quality["is_selected"]][["unique_id", "model", "reason"]]
        picks.append(chosen.rename(columns={"model": "selected_model"}).merge(cutoff, left_on="unique_id",
                                                                               right_index=True))
    if not parts:
        raise ValueError(f"no series is long enough to backtest: need {need} + horizon {horizon} points;"
                         f" the longest has {int(sizes.max()) if len(sizes) else 0}")
    bt = pd.concat(parts, ignore_index=True)[CV_KEYS + value_cols]
    bt = bt.sort_values(["unique_id", "model", "cutoff", "ds"], kind="mergesort", ignore_index=True)
    selection = pd.concat(picks, ignore_index=True)[["unique_id", "cutoff", "selected_model", "reason"]]
    return bt, selection.sort_values(["unique_id", "cutoff"], kind="mergesort", ignore_index=True)


def summarize(scores: pd.DataFrame) -> pd.DataFrame:
    """Return one row per model: mean and median MASE over series, mean of the other scores, n_series."""
    num = [c for c in scores.columns if c not in ("unique_id", "model", "scale", "n_windows", "horizon")
           and pd.api.types.is_numeric_dtype(scores[c])]
    g = scores.groupby("model", sort=True)
    out = g[num].mean()
    out.insert(1, "mase_median", g["mase"].median())
    out["n_series"] = g["unique_id"].nunique()
    return out.reset_index()


def _write_csvs(output: Path, frames: dict[str, pd.DataFrame]) -> dict[str, str]:
    """Write each frame as output/<name> (dates as YYYY-MM-DD); return {name: path}."""
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    files = {}
    for name, frame in frames.items():
        frame = frame.copy()
        for col in ("cutoff", "ds"):
            if col in frame.columns:
                frame[col] = frame[col].dt.strftime("%Y-%m-%d")
        frame.to_csv(output / name, index=False, float_format="%.10g")
        files[name] = str(output / name)
    return files


def forecast_file(input: Path, freq: str, horizon: int, output: Path, windows: int | None = None,
                  step: int | None = None, models: list[str] | None = None, nonnegative: bool = False,
                  workers: int = 1, hierarchy: str | Path | None = None,
                  future: Path | None = None) -> dict[str, object]:
    """Forecast every series of a user's panel file as the pipeline does, and write what the forecasts rest on.

    The engine (forecast_panel) backtests every model on `windows` windows `step` apart (default: the
    pipeline's, warehouse.ForecastPlan: 3 windows 3 months apart, 4 weeks for W-MON, 1 year for YS), selects
    per group of sibling series, calibrates the intervals and forecasts `horizon` periods after each series' last ds. Writes
    forecast.csv (every model and model='selected', whose selected_model names the pick), quality.csv (scores
    per series and model with is_selected, reason, interval_method, model_form, skip_reason),
    quality_by_horizon.csv and backtest.csv (the windows behind them).

    hierarchy: a CSV of (parent, child) links, or 'ids' to read them from the unique_ids' '/'-paths
    (forecasting/user_hierarchy.py); the selected forecasts of every family that adds up are then reconciled
    as in the pipeline, into reconciled.csv (every method, is_chosen) and reconciliation_quality.csv
    (accuracy per level before and after).

    Columns of the input besides unique_id, ds and y are exogenous regressors (forecasting/exog.py): `future`
    is then a file of their values for the `horizon` periods after each series' last ds (unique_id, ds and
    the same columns); the default model set adds arima, and gbm reads them too.

    Returns {'files': {name: path}, 'series': n, 'selected': {model: series}, 'too_short': [ids with no
    backtest window, forecast by naive], 'regressors': [column names]}, with a hierarchy also 'reconciled':
    {root: chosen method} and 'left_out': {parent: why its family was not reconciled} ('ids' only).
    """
    panel, exog = split_exog(read_panel_file(Path(input)), where=f"input file {Path(input).name!r}: ")
    exog = _with_future(exog, None if future is None else Path(future), horizon)
    plan = ForecastPlan()  # the pipeline's defaults
    windows = plan.backtest_windows if windows is None else windows
    step = plan.for_freq(freq)[1] if step is None else step
    valid = validate_panel(panel)
    if hierarchy is not None:  # checked before any fit: a family that does not add up stops here
        by_ids = str(hierarchy) == "ids"
        links = links_from_ids(valid) if by_ids else read_links(Path(hierarchy))
        table, left_out = companion_table(links, valid, strict=not by_ids)
        if table.empty:
            raise ValueError("no hierarchy to reconcile: " + ("no series id is another's id plus a '/'-part"
                                                              if by_ids and links.empty else
                                                              "no family adds up in the panel"))
    r = forecast_panel(panel, freq, horizon, windows, step, models=models, nonnegative=nonnegative, workers=workers,
                       exog=exog)
    q = r.quality
    chosen = q[q["is_selected"]]
    frames = dict(zip(FORECAST_FILES, (r.forecasts, q, r.quality_by_horizon, r.backtest), strict=True))
    extra: dict[str, object] = {}
    if hierarchy is not None:
        series = pd.DataFrame({"unique_id": valid["unique_id"].unique(), "freq": freq,
                               "nonnegative": bool(nonnegative)})
        reconciled, rec_quality = reconcile_result(r, valid, series, table)
        frames |= {"reconciled.csv": reconciled, "reconciliation_quality.csv": rec_quality}
        chosen_method = reconciled[reconciled["is_chosen"]].drop_duplicates("hierarchy")
        extra = {"reconciled": dict(zip(chosen_method["hierarchy"], chosen_method["method"], strict=True)),
                 "left_out": left_out}
    files = _write_csvs(output, frames)
    unscored = q.groupby("unique_id")["n_windows"].max()
    return {"files": files, "series": int(q["unique_id"].nunique()),
            "selected": chosen["model"].value_counts().sort_index().to_dict(),
            "too_short": sorted(unscored.index[unscored.fillna(0).to_numpy() == 0].astype(str)),
            "regressors": exog_columns(exog) if exog is not None else []} | extra


def backtest_file(input: Path, freq: str, horizon: int, windows: int, step: int, output: Path,
                  models: list[str] | None = None, nonnegative: bool = False,
                  workers: int = 1, inner_windows: int | None = None,
                  inner_step: int | None = None) -> dict[str, object]:
    """Write backtest, selection, scores (series x model), scores_by_horizon, scores_by_cutoff and summary CSVs.

    inner_windows, inner_step: the backtest the engine selects and calibrates by before each cutoff (default
    the pipeline's, as backtest_panel), so many cutoffs can be scored while the engine runs as it does in
    production.
    Columns besides unique_id, ds and y are exogenous regressors (forecasting/exog.py), known in every
    window as in statsforecast's cross_validation: the scores are conditional on their values.

    Returns {'files': {name: path}, 'series': n, 'skipped': [ids too short], 'rows': backtest rows,
    'selected_by_cutoff': mean 80/95% coverage of the selected rows per cutoff, 'mase': {model: mean MASE},
    'inner': (windows, step) of the engine's own backtest, 'regressors': [column names]}.
    """
    panel, exog = split_exog(read_panel_file(Path(input)), where=f"input file {Path(input).name!r}: ")
    bt, selection = backtest_panel(panel, freq, horizon, windows, step, models=models,
                                   nonnegative=nonnegative, workers=workers, inner_windows=inner_windows, exog=exog,
                                   inner_step=inner_step)
    valid = validate_panel(panel)
    m = season_length(freq)
    scores = evaluate(bt, valid, m)
    by_h = evaluate_by_horizon(bt, valid, m)
    by_cut = evaluate_by_cutoff(bt, valid, m)
    frames = dict(zip(OUTPUT_FILES, (bt, selection, scores, by_h, by_cut, summarize(scores)), strict=True))
    files = _write_csvs(output, frames)
    scored = set(bt["unique_id"])
    skipped = sorted(set(valid["unique_id"]) - scored)
    selected = by_cut[by_cut["model"] == "selected"]
    per_cutoff = (selected.groupby("cutoff")[[c for c in ("coverage_80", "coverage_95") if c in selected]].mean()
                  if "coverage_80" in selected else pd.DataFrame())
    return {"files": files, "series": len(scored), "skipped": skipped, "rows": len(bt),
            "selected_by_cutoff": per_cutoff, "inner": inner_plan(freq, inner_windows, inner_step),
            "regressors": exog_columns(exog) if exog is not None else [],
            "mase": {r.model: float(r.mase) for r in frames["summary.csv"].itertuples() if np.isfinite(r.mase)}}
