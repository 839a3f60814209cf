"""Reconcile each hierarchy's forecasts and backtest, score every method per level, and choose one (issue 4).

A hierarchy is the tree under one root of the companion table (hierarchy, parent, child, parent_level,
child_level, child_depth): features.feat_hierarchy in the pipeline. The base forecast of a series is its
published one (model 'selected'); its base backtest is the backtest of its selected model. Every method
reconciles the same base, at every backtest cutoff too, so "before" and "after" are read on the same rows.

MinT's error covariance at a backtest cutoff uses only residuals observable then (ds <= cutoff, from earlier
windows); the future forecast uses all backtest residuals. The choice per hierarchy (lowest mean MASE over
all its series, ties in PREFERENCE order) uses the same windows it is scored on, like the per-series model
choice in forecasting/select.py: the scores of the chosen method are in-sample for that choice.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from forecasting.metrics import evaluate
from forecasting.models import interval_columns
from forecasting.reconcile import METHODS, reconcile, tree_order

BASE = "base"
# ties (equal mean MASE) go to the first: bottom-up needs no estimate, MinT keeps every level's information
PREFERENCE = ("bottom_up", "mint_shrink", "top_down")
SCORE_COLUMNS = ["hierarchy", "level", "level_name", "method", "n_series", "n_windows", "mase", "wape", "smape",
                 "bias", "coverage_80", "coverage_95", "is_chosen", "reason"]


def node_levels(hierarchy: pd.DataFrame) -> pd.DataFrame:
    """Return (hierarchy, unique_id, level, level_name): depth 0 for a root, named from the companion table."""
    roots = hierarchy[~hierarchy["parent"].isin(set(hierarchy["child"]))]
    top = roots.drop_duplicates("parent")[["hierarchy", "parent", "parent_level"]].set_axis(
        ["hierarchy", "unique_id", "level_name"], axis=1).assign(level=0)
    rest = hierarchy[["hierarchy", "child", "child_depth", "child_level"]].set_axis(
        ["hierarchy", "unique_id", "level", "level_name"], axis=1)
    out = pd.concat([top, rest], ignore_index=True)
    return out.astype({"level": "int64"})[["hierarchy", "unique_id", "level", "level_name"]]


def _residuals(backtest: pd.DataFrame, upto: pd.Timestamp | None) -> pd.DataFrame:
    rows = backtest if upto is None else backtest[backtest["ds"] <= upto]
    return rows.assign(e=rows["y"] - rows["y_hat"]).pivot(index=["cutoff", "ds"], columns="unique_id", values="e")


def reconcile_backtest(backtest: pd.DataFrame, hierarchy: pd.DataFrame, levels: Sequence[int] = (80, 95),
                       nonnegative: bool = True) -> pd.DataFrame:
    """Return backtest rows (unique_id, cutoff, ds, y, model, y_hat, lo_*, hi_*) for 'base' and every method.

    One base row per (unique_id, cutoff, ds) of the hierarchy's nodes, on the (cutoff, ds) slices where every
    node has one; model is 'base' or the method name.
    """
    nodes = tree_order(hierarchy)[0]
    bt = backtest[backtest["unique_id"].isin(set(nodes))]
    n_per_slice = bt.groupby(["cutoff", "ds"])["unique_id"].transform("nunique")
    bt = bt[n_per_slice == len(nodes)]
    cols = interval_columns(levels)
    parts = [bt[["unique_id", "cutoff", "ds", "y", *cols]].assign(model=BASE)]
    if bt.empty:
        return parts[0]
    for method in METHODS:
        for cutoff, part in bt.groupby("cutoff", sort=True):
            res = _residuals(bt, cutoff) if method == "mint_shrink" else None
            rec = reconcile(part, hierarchy, method, keys=("cutoff", "ds"), levels=levels, residuals=res,
                            nonnegative=nonnegative)
            rec = rec.merge(part[["unique_id", "cutoff", "ds", "y"]], on=["unique_id", "cutoff", "ds"])
            parts.append(rec.assign(model=method))
    return pd.concat(parts, ignore_index=True)[["unique_id", "cutoff", "ds", "y", "model", *cols]]


def score_levels(cv: pd.DataFrame, panel: pd.DataFrame, levels_of: pd.DataFrame,
                 season_length: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (per level, per series) scores of every model in cv: per (hierarchy, level, level_name, method).

    mase and smape are means over the level's series (metrics.evaluate, naive scale up to the first cutoff),
    wape = sum|e| / sum|y| over the level's rows, coverage the share of the level's rows inside the interval.
    """
    per_series = evaluate(cv, panel, season_length).merge(levels_of, on="unique_id")
    rows = cv.merge(levels_of, on="unique_id")
    rows = rows.assign(abs_err=(rows["y_hat"] - rows["y"]).abs(), abs_y=rows["y"].abs(),
                       **{f"in_{lv}": ((rows[f"lo_{lv}"] <= rows["y"]) & (rows["y"] <= rows[f"hi_{lv}"])).astype(float)
                          for lv in (80, 95) if f"lo_{lv}" in rows})
    keys = ["hierarchy", "level", "level_name", "model"]
    pooled = rows.groupby(keys).agg(sum_abs_err=("abs_err", "sum"), sum_abs_y=("abs_y", "sum"),
                                    n_windows=("cutoff", "nunique"),
                                    **{f"coverage_{lv}": (f"in_{lv}", "mean") for lv in (80, 95) if f"in_{lv}" in rows})
    means = per_series.groupby(keys).agg(n_series=("unique_id", "nunique"), mase=("mase", "mean"),
                                         smape=("smape", "mean"), bias=("bias", "mean"))
    out = means.join(pooled).reset_index().rename(columns={"model": "method"})
    out["wape"] = out["sum_abs_err"] / out["sum_abs_y"].where(out["sum_abs_y"] > 0)
    return out, per_series


def choose(per_series: pd.DataFrame, hierarchy_name: str) -> tuple[str, str]:
    """Return (method, reason): the coherent method with the lowest mean MASE over all the hierarchy's series."""
    mean = per_series.groupby("model")["mase"].mean()
    scored = {m: float(mean[m]) for m in PREFERENCE if m in mean and np.isfinite(mean[m])}
    if not scored:
        return "bottom_up", f"{hierarchy_name}: no backtest window covers every series; bottom_up by default"
    best = min(scored, key=lambda m: (round(scored[m], 9), PREFERENCE.index(m)))
    others = ", ".join(f"{m} {v:.3f}" for m, v in scored.items() if m != best)
    base = f"; base (incoherent) {float(mean[BASE]):.3f}" if BASE in mean and np.isfinite(mean[BASE]) else ""
    return best, f"lowest mean backtest MASE over the hierarchy's series: {best} {scored[best]:.3f} vs {others}{base}"


def reconcile_hierarchies(forecasts: pd.DataFrame, backtest: pd.DataFrame, panel: pd.DataFrame,
                          hierarchy: pd.DataFrame, season_length: int, levels: Sequence[int] = (80, 95),
                          nonnegative: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (reconciled, quality) for every hierarchy of one frequency.

    reconciled: one row per (hierarchy, unique_id, ds, method) with parent (null at a root), level, level_name,
    is_chosen and the interval columns. quality: one row per (hierarchy, level, method incl. 'base'), SCORE_COLUMNS.
    forecasts holds each series' base forecast (unique_id, ds, y_hat, ...), backtest its base backtest rows.
    """
    cols = interval_columns(levels)
    out_fc, out_q = [], []
    for name, h in hierarchy.groupby("hierarchy", sort=True):
        levels_of = node_levels(h).drop(columns="hierarchy").assign(hierarchy=name)
        parents = h[["child", "parent"]].rename(columns={"child": "unique_id"})
        cv = reconcile_backtest(backtest, h, levels, nonnegative)
        if len(cv):
            scores, per_series = score_levels(cv, panel, levels_of, season_length)
        else:
            per_series = pd.DataFrame(columns=["model", "mase"])
            scores = levels_of[["hierarchy", "level", "level_name"]].drop_duplicates().merge(
                pd.DataFrame({"method": [BASE, *METHODS]}), how="cross").assign(n_series=0, n_windows=0)
        chosen, reason = choose(per_series, name)
        scores = scores.assign(is_chosen=scores["method"] == chosen, reason=reason)
        out_q.append(scores.reindex(columns=SCORE_COLUMNS))
        res = _residuals(cv[cv["model"] == BASE], None) if len(cv) else None
        for method in METHODS:
            rec = reconcile(forecasts.assign(model=BASE), h, method, keys=("ds",), levels=levels, residuals=res,
                            nonnegative=nonnegative)
            rec = rec.merge(levels_of, on="unique_id").merge(parents, on="unique_id", how="left")
            out_fc.append(rec.assign(method=method, is_chosen=method == chosen))
    fc_cols = ["hierarchy", "unique_id", "parent", "level", "level_name", "ds", "method", "is_chosen", *cols]
    reconciled = (pd.concat(out_fc, ignore_index=True)[fc_cols] if out_fc else pd.DataFrame(columns=fc_cols))
    quality = pd.concat(out_q, ignore_index=True) if out_q else pd.DataFrame(columns=SCORE_COLUMNS)
    return reconciled, quality
