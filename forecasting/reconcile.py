"""Bottom-up reconciliation of base forecasts over a hierarchy of '/'-joined ids (issue 4, first cut).

The hierarchy is a companion table (parent, child): each parent's value is the sum of its children's.
Bottom series (ids that are nobody's parent) keep their base forecast, clipped at 0 if asked; every
aggregate gets the sum of its bottom descendants, so totals add up at every level and ds.

Intervals: summing bounds would assume perfectly correlated errors and overstate the width, and a
proper coherent interval needs the joint error distribution (MinT, or hierarchicalforecast). Until
then an aggregate keeps its own base interval widths (calibrated on its own backtest) around the
reconciled mean. Not wired into the pipeline yet: top-down and MinT are still to come.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from forecasting.models import interval_columns


def hierarchy_from_ids(ids: Iterable[str]) -> pd.DataFrame:
    """Return the (parent, child) table implied by '/'-joined ids: a child's parent drops its last part.

    Only parents that are themselves among the ids are linked (e.g. 'US/indeed' -> 'US/indeed/math').
    """
    known = {str(i) for i in ids}
    pairs = sorted((c.rsplit("/", 1)[0], c) for c in known if "/" in c and c.rsplit("/", 1)[0] in known)
    return pd.DataFrame(pairs, columns=["parent", "child"], dtype="str")


def _bottom_map(hierarchy: pd.DataFrame) -> dict[str, list[str]]:
    """Return {aggregate: its bottom descendants}; raises on a cycle or a child with two parents."""
    twice = hierarchy["child"][hierarchy["child"].duplicated()].unique().tolist()
    if twice:
        raise ValueError(f"child id(s) with more than one parent: {twice[:10]}")
    children = hierarchy.groupby("parent")["child"].apply(list).to_dict()
    out: dict[str, list[str]] = {}

    def leaves(node: str, path: tuple[str, ...]) -> list[str]:
        if node in path:
            raise ValueError(f"hierarchy has a cycle through {node!r}")
        if node not in children:
            return [node]
        if node not in out:
            out[node] = sorted(x for c in children[node] for x in leaves(c, (*path, node)))
        return out[node]

    for parent in sorted(children):
        leaves(parent, ())
    return out


def reconcile_bottom_up(forecasts: pd.DataFrame, hierarchy: pd.DataFrame, levels: Sequence[int] = (80, 95),
                        nonnegative: bool = True) -> pd.DataFrame:
    """Return forecasts (unique_id, ds, model, y_hat, lo_*, hi_*) with every aggregate the sum of its bottoms.

    One row per input row, per (unique_id, ds, model). Bottom rows are clipped at 0 if nonnegative;
    aggregates keep their base interval widths around the reconciled y_hat (see the module docstring).
    """
    cols = interval_columns(levels)
    bottoms = _bottom_map(hierarchy)
    key = ["ds", "model"]
    out = forecasts.copy()
    is_agg = out["unique_id"].isin(set(bottoms)).to_numpy()
    if nonnegative:
        out.loc[~is_agg, cols] = out.loc[~is_agg, cols].clip(lower=0.0)
    leaf_rows = out.loc[~is_agg, ["unique_id", *key, "y_hat"]]
    parts = [pd.DataFrame({"unique_id": agg, "leaf": leaves}) for agg, leaves in bottoms.items()]
    links = pd.concat(parts, ignore_index=True)
    # every (aggregate, ds, model) must have all of its bottoms, or its sum would silently shrink
    need = out.loc[is_agg, ["unique_id", *key]].merge(links, on="unique_id")
    have = need.merge(leaf_rows.rename(columns={"unique_id": "leaf"}), on=["leaf", *key], how="left")
    missing = have[have["y_hat"].isna()]
    if not missing.empty:
        first = missing.iloc[0]
        raise ValueError(f"no base forecast for bottom {first['leaf']!r} of {first['unique_id']!r} at "
                         f"{first['ds']} ({first['model']}): {len(missing)} such rows")
    sums = have.groupby(["unique_id", *key], as_index=False)["y_hat"].sum().rename(columns={"y_hat": "rec"})
    agg = out.loc[is_agg].reset_index().merge(sums, on=["unique_id", *key], how="left").set_index("index")
    shift = (agg["rec"] - agg["y_hat"]).to_numpy()
    for c in cols:
        out.loc[agg.index, c] = agg[c].to_numpy() + shift
    if nonnegative:
        out.loc[agg.index, [c for c in cols if c.startswith("lo_")]] = np.maximum(
            out.loc[agg.index, [c for c in cols if c.startswith("lo_")]].to_numpy(), 0.0)
    return out
