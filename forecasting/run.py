"""Forecast a whole panel: backtest every model, score it, pick a model per series, forecast ahead.

Parallelism: workers > 1 sends batches of series (never single ones) to a process pool started by a
forkserver (spawn where there is none): safe when the caller runs threads (Prefect, Dask), and the
~2 s import of pandas/sklearn/statsmodels is paid once by the server, not by every worker. As with
any spawn-style pool, a calling script needs the `if __name__ == "__main__":` guard.
Each worker limits BLAS/OpenMP to one thread (TOOLCHAIN.md: threaded BLAS made small fits 4-5x
slower). The calling process should also export OMP_NUM_THREADS=1 and OPENBLAS_NUM_THREADS=1 before
numpy is first imported; in-process runs (workers=1) are limited with threadpoolctl, so both paths
do the same arithmetic and return identical frames.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from multiprocessing import get_all_start_methods, get_context

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from forecasting.backtest import backtest_and_forecast
from forecasting.ensemble import ENSEMBLE, WEIGHT_POWER, add_ensemble
from forecasting.exog import check_exog, exog_columns
from forecasting.global_backtest import global_cross_validation, global_forecast
from forecasting.intervals import calibrate, widen_zero_histories
from forecasting.metrics import evaluate, evaluate_by_cutoff, evaluate_by_horizon
from forecasting.models import interval_columns
from forecasting.panel import check_regular, iter_series, min_train_length, season_length, validate_panel
from forecasting.race import RaceRule, race_samples, race_verdict, raced_models
from forecasting.registry import (BASELINE, DEFAULT_MODELS, ENSEMBLE_MEMBERS, EXOG_MODELS, EXPENSIVE, PREFERRED,
                                  RACE, SWITCH_MARGIN, build_global_models, build_models, exog_readers)
from forecasting.select import COUNTS_SUFFIX, select_by_group, selection_groups, short_series_choice

log = logging.getLogger(__name__)

# Batches per worker: enough to even out long and short series, few enough to keep overhead low.
BATCHES_PER_WORKER = 4


@dataclass(frozen=True)
class ForecastResult:
    """Long frames of one run: forecasts (incl. model='selected'), backtest, quality, quality_by_horizon,
    quality_by_cutoff (the scores of each backtest window: how accuracy and coverage moved in time)."""

    forecasts: pd.DataFrame
    backtest: pd.DataFrame
    quality: pd.DataFrame
    quality_by_horizon: pd.DataFrame
    quality_by_cutoff: pd.DataFrame


@dataclass(frozen=True)
class _Job:
    freq: str
    horizon: int
    backtest_windows: int
    step: int
    models: tuple[str, ...]
    levels: tuple[int, ...]


def _pool_context():
    if "forkserver" not in get_all_start_methods():
        return get_context("spawn")
    ctx = get_context("forkserver")
    # Ignored if the server already runs; then workers import these themselves on first use.
    ctx.set_forkserver_preload(["forecasting.run", "statsmodels.tsa.exponential_smoothing.ets"])
    return ctx


def _init_worker() -> None:
    os.environ["OMP_NUM_THREADS"] = "1"
    os.environ["OPENBLAS_NUM_THREADS"] = "1"
    os.environ["MKL_NUM_THREADS"] = "1"
    # numpy is already imported when the initializer runs, so the env vars alone come too late.
    threadpool_limits(limits=1)


def _forecast_batch(panel: pd.DataFrame, job: _Job,
                    exog: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (forecasts, backtest) for a validated batch of series (exog: their checked regressors)."""
    models = build_models(list(job.models), job.freq)
    need = min_train_length(job.freq)
    sizes = panel.groupby("unique_id", sort=True).size()
    # The backtest horizon shrinks to what each series allows (e.g. 5 annual points -> h = 1).
    bt_h = np.minimum(job.horizon, sizes - need)
    # One pass per series: backtest windows, then the forecast, with numpy rows and one frame per batch
    # (a frame per fit cost more than the baseline models themselves; benchmarks/forecast_scale.py).
    backtest, forecasts = backtest_and_forecast(panel, models, bt_h, job.backtest_windows, job.step, job.freq,
                                                job.levels, need, horizon=job.horizon, describe=True, exog=exog)
    return forecasts, backtest


def _global_models(panel: pd.DataFrame, job: _Job,
                   exog: pd.DataFrame | None = None) -> list[tuple[pd.DataFrame, pd.DataFrame]]:
    """Return (forecasts, backtest) per global model, each fitted on the whole panel (once per cutoff)."""
    models = build_global_models(list(job.models), job.freq, job.horizon)
    if not models:
        return []
    need = min_train_length(job.freq)
    sizes = panel.groupby("unique_id", sort=True).size()
    bt_h = np.minimum(job.horizon, sizes - need)  # as in _forecast_batch
    out = []
    # one thread: on 2 busy cores, OpenMP threads made a 1 s fit take over 5 s (oversubscription)
    with threadpool_limits(limits=1):
        for name, model in models.items():
            bt = global_cross_validation(panel, name, model, job.freq, bt_h, job.backtest_windows, job.step,
                                         need, job.levels, max_stale=job.step, exog=exog)
            fc = global_forecast(panel, name, model, job.freq, job.horizon, job.levels, exog=exog)
            out.append((fc, bt))
    return out


def _batches(panel: pd.DataFrame, n_batches: int, ids: Sequence[str] | None = None,
             exog: pd.DataFrame | None = None) -> list[tuple[pd.DataFrame, pd.DataFrame | None]]:
    """Return the panel's series (or those in ids, in the panel's order) split into up to n_batches frames,
    each with its series' regressors (None without exog)."""
    uids = panel["unique_id"].unique()
    if ids is not None:
        keep = set(ids)
        uids = np.array([u for u in uids if u in keep], dtype=object)
    groups = np.array_split(np.arange(len(uids)), max(1, min(n_batches, len(uids))))
    return [(panel[panel["unique_id"].isin(uids[g])],
             None if exog is None else exog[exog["unique_id"].isin(uids[g])]) for g in groups if len(g)]


class _InProcess:
    """The pool's submit() run inline (workers=1): the same code path returns identical frames."""

    def submit(self, fn, *args) -> Future:
        done: Future = Future()
        done.set_result(fn(*args))
        return done


def _race(sample_parts: list[tuple[pd.DataFrame, pd.DataFrame]], global_parts: list[tuple[pd.DataFrame, pd.DataFrame]],
          panel: pd.DataFrame, samples: dict[str, list[str]], raced: list[str], job: _Job,
          no_preference: set[str], rule: RaceRule) -> dict[str, tuple[bool, str]]:
    """Return per raced group (skip, reason) from the sample series' backtest, ensemble included."""
    ids = {u for s in samples.values() for u in s}
    bt = pd.concat([p[1] for p in sample_parts] + [g[1][g[1]["unique_id"].isin(ids)] for g in global_parts],
                   ignore_index=True)
    if ENSEMBLE in job.models:
        bt = add_ensemble(None, bt, ENSEMBLE_MEMBERS[job.freq], job.levels)[1]
    quality = evaluate(bt, panel[panel["unique_id"].isin(ids)], season_length(job.freq))
    baseline = BASELINE[job.freq]
    return {g: race_verdict(quality[quality["unique_id"].isin(set(s))], baseline, raced, rule,
                            None if g in no_preference else PREFERRED)
            for g, s in samples.items()}


def _run_models(panel: pd.DataFrame, job: _Job, workers: int, groups: dict[str, str], no_preference: set[str],
                race: RaceRule | None,
                exog: pd.DataFrame | None = None) -> tuple[list, list, dict[str, tuple[tuple[str, ...], str]]]:
    """Return (local parts, global parts, skipped): skipped maps unique_id -> (models not fitted, reason).

    Without a race every series gets every model. With one, each large group's sample gets every model
    while its other series get the cheap ones; once the global fits and the samples are done, the
    expensive ones follow for the groups where they did not clearly lose (forecasting/race.py)."""
    raced = raced_models(job.models, EXPENSIVE, ENSEMBLE, ENSEMBLE_MEMBERS.get(job.freq, [])) if race else []
    samples = race_samples(groups, race) if raced else {}
    sample_ids = [u for s in samples.values() for u in s]
    rest = {u for u, g in groups.items() if g in samples} - set(sample_ids)
    everything = [u for u in panel["unique_id"].unique() if groups[u] not in samples]
    group_size = Counter(groups.values())
    cheap_job = replace(job, models=tuple(n for n in job.models if n not in raced))
    local_raced = tuple(n for n in raced if n != ENSEMBLE)
    n_batches = workers * BATCHES_PER_WORKER
    pool = (ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context(), initializer=_init_worker)
            if workers > 1 and panel["unique_id"].nunique() > 1 else None)
    runner = pool if pool is not None else _InProcess()
    try:
        with threadpool_limits(limits=1):
            # Global fits go to the pool first, as one task: run after the local batches they kept one core
            # busy while the other idled, ~85 s of 10,000 series (benchmarks/forecast_scale.py). Split into
            # backtest and forecast tasks they ran side by side and held two copies of the GBM features:
            # peak PSS 5.6 GB at 10,000 series instead of 3.7.
            has_global = bool(build_global_models(list(job.models), job.freq, job.horizon))
            global_task = runner.submit(_global_models, panel, job, exog) if has_global else None
            sample_tasks = [runner.submit(_forecast_batch, b, job, x)
                            for b, x in _batches(panel, workers, sample_ids, exog)] if sample_ids else []
            tasks = [runner.submit(_forecast_batch, b, job, x)
                     for b, x in _batches(panel, n_batches, everything, exog)] if everything else []
            tasks += [runner.submit(_forecast_batch, b, cheap_job, x)
                      for b, x in _batches(panel, n_batches, rest, exog)] if rest else []
            global_parts = global_task.result() if global_task is not None else []
            sample_parts = [t.result() for t in sample_tasks]
            skipped: dict[str, tuple[tuple[str, ...], str]] = {}
            if samples:
                verdicts = _race(sample_parts, global_parts, panel, samples, raced, job, no_preference, race)
                for g, (lost, why) in verdicts.items():
                    log.info("race in group %s: %s: %s", g, "skipped" if lost else "kept", why)
                keep = [u for u in rest if not verdicts[groups[u]][0]]
                if keep:
                    tasks += [runner.submit(_forecast_batch, b, replace(job, models=local_raced), x)
                              for b, x in _batches(panel, n_batches, keep, exog)]
                for u in rest:
                    lost, why = verdicts[groups[u]]
                    if lost:
                        skipped[u] = (tuple(raced), f"raced on a sample of {race.sample} of the"
                                      f" {group_size[groups[u]]} series of group {groups[u]}: {why}")
            parts = sample_parts + [t.result() for t in tasks]
    finally:
        if pool is not None:
            pool.shutdown()
    return parts, global_parts, skipped


def _clip(frame: pd.DataFrame, ids: set[str] | None, levels: Sequence[int]) -> pd.DataFrame:
    cols = interval_columns(levels)
    mask = np.ones(len(frame), bool) if ids is None else frame["unique_id"].isin(ids).to_numpy()
    frame.loc[mask, cols] = frame.loc[mask, cols].clip(lower=0.0)
    return frame


def forecast_panel(panel: pd.DataFrame, freq: str, horizon: int, backtest_windows: int, step: int,
                   models: list[str] | None = None, nonnegative: bool | set[str] = False, workers: int = 1,
                   levels: Sequence[int] = (80, 95), race: RaceRule | None = RACE,
                   exog: pd.DataFrame | None = None) -> ForecastResult:
    """Return forecasts per (unique_id, ds, model) with the backtest, its scores and the chosen model.

    The frequency's baseline (seasonal_naive monthly/weekly, naive annual) is always run and kept
    unless another model has a strictly lower mean backtest MASE over the series' group (its parent
    id: siblings of one source and region, small counts apart); the ensemble is preferred except among small counts
    (forecasting/select.py, registry.SWITCH_MARGIN).
    Intervals are each model's own or
    conformal ones from the backtest, whichever covers closer to nominal there (forecasting/intervals.py;
    quality.interval_method says which). nonnegative=True clips every series at 0,
    a set clips only those unique_ids (count series).
    race (forecasting/race.py; None: off) skips the expensive models for the series of a large group
    where a sample of the group showed they lose; quality.skip_reason names what was not fitted and why.
    exog: regressors (unique_id, ds, x_1, ...) over every point and the `horizon` dates after each series'
    last one (forecasting/exog.py), read by the models with supports_exog; the default set then adds
    registry.EXOG_MODELS as candidates (not ensemble members), and a model set with no model that reads them
    is an error.
    """
    panel = validate_panel(panel)
    check_regular(panel, freq)
    if int(horizon) != horizon or horizon < 1:
        raise ValueError(f"horizon must be a positive integer, got {horizon!r}")
    if workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    baseline = BASELINE[freq]
    default = DEFAULT_MODELS[freq]
    if exog is not None and models is None:  # the local models that read regressors, before the ensemble
        default = [n for n in default if n != ENSEMBLE] + EXOG_MODELS + [n for n in default if n == ENSEMBLE]
    names = list(dict.fromkeys([baseline, *(default if models is None else models)]))
    built = build_models(names, freq)  # fail fast on unknown names, before any process starts
    if exog is not None:
        exog = check_exog(exog, panel, freq, int(horizon))
        readers = [n for n, est in {**built, **build_global_models(names, freq, int(horizon))}.items()
                   if getattr(est, "supports_exog", False)]
        if not readers:
            raise ValueError(f"none of the models {names} reads exogenous regressors"
                             f" ({sorted(exog_readers(freq))} do): add one, or drop the regressor columns")
        log.info("regressors %s read by %s", exog_columns(exog), ", ".join(readers))
    clip_ids: set[str] | None = None
    if isinstance(nonnegative, set | frozenset):
        clip_ids = {str(i) for i in nonnegative}
        unknown = sorted(clip_ids - set(panel["unique_id"]))
        if unknown:
            raise ValueError(f"nonnegative names unique_id(s) not in the panel: {unknown[:10]}")
    job = _Job(freq, int(horizon), int(backtest_windows), int(step), tuple(names), tuple(levels))

    groups = selection_groups(panel)
    counts = {g for g in groups.values() if g.endswith(COUNTS_SUFFIX)}
    parts, global_parts, skipped = _run_models(panel, job, workers, groups, counts, race, exog)
    forecasts = pd.concat([p[0] for p in parts] + [g[0] for g in global_parts], ignore_index=True)
    # what each local model's forecast fit became (ETS form, ARIMA order, fallbacks), for quality.model_form
    forms = (forecasts.dropna(subset=["model_form"]).drop_duplicates(["unique_id", "model"])
             .set_index(["unique_id", "model"])["model_form"] if "model_form" in forecasts else pd.Series())
    forecasts = forecasts.drop(columns="model_form", errors="ignore")
    if ENSEMBLE in names:  # which members the ensemble averages (GBM has no rows for short series)
        members = ENSEMBLE_MEMBERS[freq]
        present = forecasts[forecasts["model"].isin(members)].groupby("unique_id")["model"].unique()
        kind = "mean" if WEIGHT_POWER == 0 else "backtest-MAE-weighted mean"
        ens = present.map(lambda ms: f"{kind} of " + " + ".join(m for m in members if m in set(ms)))
        ens.index = pd.MultiIndex.from_arrays([ens.index.astype(str), np.full(len(ens), ENSEMBLE, dtype=object)])
        forms = pd.concat([forms, ens]) if len(forms) else ens
    backtest = pd.concat([p[1] for p in parts] + [g[1] for g in global_parts], ignore_index=True)
    if ENSEMBLE in names:
        forecasts, backtest = add_ensemble(forecasts, backtest, ENSEMBLE_MEMBERS[freq], levels)
        # where a member was skipped the ensemble must not quietly become the mean of the others
        dropped = {u for u, (models_, _) in skipped.items() if ENSEMBLE in models_}
        if dropped:
            forecasts = forecasts[~((forecasts["model"] == ENSEMBLE) & forecasts["unique_id"].isin(dropped))]
            backtest = backtest[~((backtest["model"] == ENSEMBLE) & backtest["unique_id"].isin(dropped))]
    # Before clipping: conformal bounds are symmetric around the unclipped y_hat.
    forecasts, backtest, interval_method = calibrate(forecasts, backtest, panel, levels)
    if nonnegative is True or clip_ids:
        forecasts = _clip(forecasts, clip_ids, levels)
        backtest = _clip(backtest, clip_ids, levels)
        # a count with no event yet: not 0 +/- 0 (intervals.zero_history_upper)
        forecasts = widen_zero_histories(forecasts, panel, clip_ids, levels)
        backtest = widen_zero_histories(backtest, panel, clip_ids, levels, at="cutoff")
    forecasts = forecasts.sort_values(["unique_id", "model", "ds"], kind="mergesort", ignore_index=True)
    backtest = backtest.sort_values(["unique_id", "model", "cutoff", "ds"], kind="mergesort", ignore_index=True)

    m = season_length(freq)
    quality = _with_unscored(evaluate(backtest, panel, m), panel, names)
    uids = panel["unique_id"].unique()
    # a group whose race skipped models chooses among the others, over all its series (select_by_group)
    skipped_in_group = {groups[u]: set(models_) for u, (models_, _) in skipped.items()}
    # series too short to backtest: naive, not seasonal naive (select.short_series_choice)
    windows_of = quality.groupby("unique_id")["n_windows"].max()
    too_short = set(windows_of.index[windows_of.fillna(0).to_numpy() == 0].astype(str))
    naive_rows = set(forecasts.loc[forecasts["model"].eq("naive") & forecasts["unique_id"].isin(too_short),
                                   "unique_id"]) if too_short else set()
    short = {uid: short_series_choice(len(y), m, baseline, uid in naive_rows)
             for uid, _, y in iter_series(panel) if uid in too_short}
    chosen = select_by_group(quality, baseline, groups, SWITCH_MARGIN, preferred=PREFERRED, series=uids,
                             no_preference=counts, skipped=skipped_in_group, short=short)
    quality = _with_skipped(quality, skipped)
    pick = dict(zip(chosen["unique_id"], chosen["model"], strict=True))
    quality["is_selected"] = quality["model"] == quality["unique_id"].map(pick)
    reasons = dict(zip(chosen["unique_id"], chosen["reason"], strict=True))
    for u, (models_, _) in skipped.items():
        reasons[u] += f"; {', '.join(models_)} not fitted (race lost on a sample of the group: skip_reason)"
    quality["reason"] = quality["unique_id"].map(reasons)
    quality["interval_method"] = quality["model"].map(interval_method).astype("str")
    keys = pd.MultiIndex.from_arrays([quality["unique_id"].astype(str), quality["model"].astype(str)])
    form = pd.Series(forms.reindex(keys).to_numpy() if len(forms) else pd.NA, index=quality.index, dtype="str")
    quality["model_form"] = form.where(quality["skip_reason"].isna())  # a model the race did not fit has no form
    by_h = evaluate_by_horizon(backtest, panel, m)
    by_h["is_selected"] = by_h["model"] == by_h["unique_id"].map(pick)
    by_cut = evaluate_by_cutoff(backtest, panel, m)
    by_cut["is_selected"] = by_cut["model"] == by_cut["unique_id"].map(pick)

    selected = forecasts[forecasts["model"] == forecasts["unique_id"].map(pick)].copy()
    selected["selected_model"] = selected["model"]
    selected["model"] = "selected"
    forecasts["selected_model"] = pd.Series(pd.NA, index=forecasts.index, dtype="str")
    forecasts = pd.concat([forecasts, selected], ignore_index=True).sort_values(
        ["unique_id", "model", "ds"], kind="mergesort", ignore_index=True)
    return ForecastResult(forecasts=forecasts, backtest=backtest, quality=quality, quality_by_horizon=by_h,
                          quality_by_cutoff=by_cut)


def _with_unscored(quality: pd.DataFrame, panel: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """Add NaN-score rows (n_windows = 0) for series too short to backtest, so every series is reported."""
    missing = sorted(set(panel["unique_id"]) - set(quality["unique_id"]))
    if not missing:
        return quality.astype({"horizon": "Int64"})
    extra = pd.DataFrame([(u, n) for u in missing for n in names], columns=["unique_id", "model"])
    extra["n_windows"] = 0
    extra = extra.reindex(columns=quality.columns).astype(quality.dtypes.to_dict() | {"horizon": "Int64"})
    out = pd.concat([quality.astype({"horizon": "Int64"}), extra], ignore_index=True) if len(quality) else extra
    return out.sort_values(["unique_id", "model"], kind="mergesort", ignore_index=True)


def _with_skipped(quality: pd.DataFrame, skipped: dict[str, tuple[tuple[str, ...], str]]) -> pd.DataFrame:
    """Add NaN-score rows (n_windows = 0) for models a race skipped, and skip_reason (NA where fitted)."""
    pairs = {(u, m): why for u, (models_, why) in skipped.items() for m in models_}
    have = set(zip(quality["unique_id"].astype(str), quality["model"].astype(str)))
    extra = pd.DataFrame([p for p in pairs if p not in have], columns=["unique_id", "model"])
    if len(extra):
        extra["n_windows"] = 0
        extra = extra.reindex(columns=quality.columns).astype(quality.dtypes.to_dict())
        quality = pd.concat([quality, extra], ignore_index=True).sort_values(
            ["unique_id", "model"], kind="mergesort", ignore_index=True)
    keys = pd.MultiIndex.from_arrays([quality["unique_id"].astype(str), quality["model"].astype(str)])
    quality["skip_reason"] = pd.array(pd.Series(pairs, dtype=object).reindex(keys).to_numpy()
                                      if pairs else [pd.NA] * len(quality), dtype="str")
    return quality
