"""Model choice by backtest MASE, per series or per group: the baseline stays unless strictly beaten.

Per group (issue 4 allows it): with 2-4 short backtest windows a per-series lowest-MASE pick is mostly
noise; on the Indeed sector indices it chose naive or the baseline for ~10% of series where the
ensemble did far better afterwards (selected MASE 1.29 vs ensemble 1.17 on held-out GB + CA,
benchmarks/forecast_indeed.py). So a group of series (one source or country) first gets the model with
the lowest mean MASE over its series, the baseline kept unless strictly beaten on that mean; a series
then leaves the group's choice only if its own best model is better by a clear margin.

Sparse or small-count series form their own group within their source (selection_groups): pooled with
dense indices they inherited the ensemble, whose members (ETS, GBM) chase single spikes, although TSB
or naive scored better on them (e.g. demand/CN/zh_postings/ai_mfg, demand/GLOBAL/hn/opencv).

A series too short for a backtest window has no score of its own. It gets naive: a series that short
(two seasons or fewer, forecasting/panel.min_train_length) is below the three seasons the M4
competition's seasonality test needs, so no seasonality is shown. Keeping the monthly baseline
(seasonal naive) repeated a single past year: on the Indeed sector indices, where 87 series had 24
months at the first of 10 cutoffs, selected MASE over the 10 went 1.771 -> 1.396 with naive
(benchmarks/forecast_indeed.py --windows 10; seasonal naive's mean MASE there 4.2, naive's 1.5). Its
group's choice, where backtested siblings made one, was tried and dropped: drift on a 2-point annual
series gave zero-width intervals.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import NamedTuple

import numpy as np
import pandas as pd

from forecasting.local_models import is_sparse
from forecasting.panel import iter_series

# Sparseness and size are judged on the last 24 points: the regime the forecast is for, not the
# source's early, thinner years.
RECENT_POINTS = 24
# Below a mean of 5 a count's Poisson noise alone is about 45% of its level or more (sd sqrt(5)).
SMALL_COUNT_MEAN = 5.0
COUNTS_SUFFIX = " (small counts)"

# The M4 competition's seasonality test (as in R forecast's thetaf) needs at least 3 seasons of data.
SEASONS_TO_SHOW = 3

# MASE values this close count as a tie (e.g. ETS that fell back to naive scores exactly like naive).
_TIE_RTOL = 1e-9


def _fmt(x: float) -> str:
    return f"{x:.2f}"


class _Rows(NamedTuple):
    """One series' quality rows as plain lists: a pandas frame per series cost ~10 ms a series (issue 4 scale)."""

    model: list[str]
    mase: list[float]
    n_windows: list[float]


def _rows_by_series(quality: pd.DataFrame) -> dict[str, _Rows]:
    """Return each unique_id's rows in quality's order (as groupby gives them), sorted by unique_id."""
    q = quality.sort_values("unique_id", kind="mergesort")
    uids = q["unique_id"].astype(str).tolist()
    models = q["model"].astype(str).tolist()
    mase = q["mase"].to_numpy(dtype=float, na_value=np.nan).tolist()
    n_windows = q["n_windows"].to_numpy(dtype=float, na_value=np.nan).tolist()
    out: dict[str, _Rows] = {}
    for i, uid in enumerate(uids):
        rows = out.get(uid)
        if rows is None:
            rows = out[uid] = _Rows([], [], [])
        rows.model.append(models[i])
        rows.mase.append(mase[i])
        rows.n_windows.append(n_windows[i])
    return out


def _ranked(rows: _Rows) -> list[tuple[float, str]]:
    """Return (mase, model) of the finite scores, lowest first, ties by model name then row order."""
    scored = [(m, name, i) for i, (name, m) in enumerate(zip(rows.model, rows.mase, strict=True)) if np.isfinite(m)]
    return [(m, name) for m, name, _ in sorted(scored)]


def _choose(rows: _Rows, baseline: str) -> tuple[str, str]:
    finite_windows = [w for w in rows.n_windows if not np.isnan(w)]
    n_windows = int(max(finite_windows)) if finite_windows else 0
    if n_windows == 0:
        return baseline, f"too short to backtest: {baseline} kept"
    windows = f"{n_windows} window{'s' if n_windows != 1 else ''}"
    base = [m for name, m in zip(rows.model, rows.mase, strict=True) if name == baseline]
    if not base or not np.isfinite(base[0]):
        return baseline, f"MASE undefined for {baseline} (flat training data or no score): {baseline} kept"
    base_mase = float(base[0])
    others = [(m, name) for m, name in _ranked(rows) if name != baseline]
    if not others:
        return baseline, f"no other model scored: {baseline} kept (MASE {_fmt(base_mase)} on {windows})"
    best_mase, best_model = others[0]
    if best_mase < base_mase and not np.isclose(best_mase, base_mase, rtol=_TIE_RTOL, atol=0.0):
        return best_model, (
            f"{best_model}: MASE {_fmt(best_mase)} vs {baseline} {_fmt(base_mase)} on {windows}")
    if np.isclose(best_mase, base_mase, rtol=_TIE_RTOL, atol=0.0):
        return baseline, f"{best_model} tied {baseline} (MASE {_fmt(base_mase)} on {windows}): {baseline} kept"
    return baseline, (f"no model beat {baseline}: best other {best_model} MASE {_fmt(best_mase)}"
                      f" vs {_fmt(base_mase)} on {windows}")


def _group_choice(rows: pd.DataFrame, baseline: str, preferred: str | None) -> tuple[str | None, str]:
    """Return (model, reason): the preferred model if its mean MASE over the group's fully scored series

    beats the baseline's, else the lowest mean (the baseline unless strictly beaten); None if nothing is scored.
    """
    wide = rows.pivot_table(index="unique_id", columns="model", values="mase", aggfunc="first")
    wide = wide[np.isfinite(wide).all(axis=1)]
    if wide.empty or baseline not in wide.columns:
        return None, ""
    mean = wide.mean().sort_index()
    best = str(mean.drop(baseline).idxmin()) if len(mean) > 1 else baseline
    if preferred in mean.index and preferred != baseline:
        best = preferred if mean[preferred] < mean[baseline] else best
    if best == baseline or not (mean[best] < mean[baseline] and not np.isclose(mean[best], mean[baseline],
                                                                                rtol=_TIE_RTOL, atol=0.0)):
        best = baseline
    return best, f"mean MASE {_fmt(mean[best])} vs {baseline} {_fmt(mean[baseline])} over {len(wide)} series"


def _switch(rows: _Rows, group_model: str, margin: float) -> tuple[str, str] | None:
    """Return (model, reason) if the series' own best model beats the group's choice by the margin, else None."""
    scored = _ranked(rows)
    own = [m for m, name in scored if name == group_model]
    if not scored or not own:
        return None
    (best_mase, best_model), own_mase = scored[0], float(own[0])
    if best_model != group_model and float(best_mase) < (1.0 - margin) * own_mase:
        return best_model, (f"{best_model}: MASE {_fmt(float(best_mase))} vs group choice "
                            f"{group_model} {_fmt(own_mase)}, over {margin:.0%} better")
    return None


def short_series_choice(n_points: int, m: int, baseline: str, has_naive: bool) -> tuple[str, str]:
    """Return (model, reason) for a series too short to backtest (no more than the 2 seasons a window
    trains on): naive, since fewer than SEASONS_TO_SHOW seasons cannot show seasonality (the M4
    competition's rule); the baseline where it is naive already or naive did not forecast the series."""
    if m <= 1 or baseline == "naive" or not has_naive:
        return baseline, f"too short to backtest: {baseline} kept"
    return "naive", (f"too short to backtest: naive ({n_points} points, fewer than the {SEASONS_TO_SHOW * m}"
                     f" ({SEASONS_TO_SHOW} seasons) that could show seasonality)")


def is_small_count(y: np.ndarray) -> bool:
    """Return True if the recent points are non-negative and sparse (Syntetos-Boylan) or of mean below 5."""
    recent = np.asarray(y, dtype=float)[-RECENT_POINTS:]
    if recent.size == 0 or bool(np.any(recent < 0)):
        return False
    return is_sparse(recent) or float(recent.mean()) < SMALL_COUNT_MEAN


def parent_id(uid: str) -> str:
    """Return the id without its last '/'-part (the series' siblings share it), or the id if it has one part."""
    return uid.rsplit("/", 1)[0] if "/" in uid else uid


def selection_groups(panel: pd.DataFrame) -> dict[str, str]:
    """Return the selection group per unique_id: its parent id (all '/'-parts but the last: siblings of one
    measure, region and source, e.g. 'demand/US/indeed'), plus COUNTS_SUFFIX for small counts.

    The first '/'-part alone lumped every pipeline series into 'demand' (Indeed indices with HN term
    counts and Chinese thread counts), so one source's backtest decided another's model."""
    return {uid: parent_id(uid) + (COUNTS_SUFFIX if is_small_count(y) else "")
            for uid, _, y in iter_series(panel)}


def select_by_group(quality: pd.DataFrame, baseline: str, groups: dict[str, str], margin: float,
                    preferred: str | None = None, series: Iterable[str] | None = None,
                    no_preference: Collection[str] = (),
                    skipped: Mapping[str, Collection[str]] | None = None,
                    short: Mapping[str, tuple[str, str]] | None = None) -> pd.DataFrame:
    """Return one row per unique_id: the group's choice, or the series' own best model where that is

    below (1 - margin) x the group choice's MASE. The group's choice is `preferred` where its mean MASE
    over the group beats the baseline's, else the lowest mean (the baseline unless strictly beaten).
    Groups in `no_preference` (small counts) take the lowest mean. Groups without a fully scored
    series, and series too short to backtest, are chosen per series (select_models). `skipped` maps a
    group to models a race did not fit on most of its series (forecasting/race.py): the group's choice
    is made among the others, over all its series; a sampled series may still switch to one of them.
    `short` (e.g. short_series_choice) gives the pick of a series too short to backtest (default: the baseline).
    """
    if not 0.0 <= margin <= 1.0:
        raise ValueError(f"margin must be in [0, 1], got {margin!r}")
    by_series = _rows_by_series(quality)
    per_series = select_models(quality, baseline, series).set_index("unique_id")
    first_reason = per_series["reason"].to_dict()
    group = per_series.index.map(lambda u: groups.get(u, u))
    picks: dict[str, tuple[str, str]] = {}
    for g, ids in pd.Series(per_series.index, index=group).groupby(level=0):
        rows = quality[quality["unique_id"].isin(set(ids))]
        left_out = (skipped or {}).get(g)
        model, why = _group_choice(rows[~rows["model"].isin(set(left_out))] if left_out else rows, baseline,
                                   None if g in no_preference else preferred)
        if model is None:
            continue
        for uid in sorted(set(rows["unique_id"].astype(str))):
            if first_reason[uid].startswith("too short"):
                continue
            picks[uid] = _switch(by_series[uid], model, margin) or (model, f"group {g}: {model} {why}")
    for uid, pick in (short or {}).items():
        if uid not in picks and uid in first_reason and first_reason[uid].startswith("too short"):
            picks[uid] = pick
    if picks:
        # one assignment instead of a .loc write per series (~1 ms each at 10,000 series)
        changed = pd.Index(list(picks), dtype=per_series.index.dtype)
        per_series.loc[changed, "model"] = [p[0] for p in picks.values()]
        per_series.loc[changed, "reason"] = [p[1] for p in picks.values()]
    return per_series.reset_index()


def select_models(quality: pd.DataFrame, baseline: str, series: Iterable[str] | None = None) -> pd.DataFrame:
    """Return one row per unique_id: the chosen model and the reason in plain words.

    quality is evaluate() output (unique_id, model, mase, n_windows). Ties and NaN keep the baseline.
    Ids listed in `series` but absent from quality (too short to backtest) keep the baseline too.
    """
    picks = [(uid, *_choose(rows, baseline)) for uid, rows in _rows_by_series(quality).items()]
    scored = {p[0] for p in picks}
    for uid in sorted({str(s) for s in series or []} - scored):
        picks.append((uid, baseline, f"too short to backtest: {baseline} kept"))
    out = pd.DataFrame(picks, columns=["unique_id", "model", "reason"]).astype(
        {"unique_id": "str", "model": "str", "reason": "str"})
    return out.sort_values("unique_id", kind="mergesort").reset_index(drop=True)
