"""Reconciliation of base forecasts over a hierarchy: bottom-up, top-down and MinT with shrinkage (issue 4).

The hierarchy is a companion table (parent, child): each parent's value is the sum of its children's
(features.feat_hierarchy in the pipeline; hierarchy_from_ids derives one from '/'-joined ids).

- bottom_up: bottom series keep their base forecast (clipped at 0); aggregates are sums of their bottoms.
- top_down: forecast proportions (Athanasopoulos, Ahmed & Hyndman 2009): the root keeps its base forecast
  and each parent's reconciled value is split over its children in proportion to their base forecasts.
- mint_shrink: MinT (Wickramasuriya, Athanasopoulos & Hyndman 2019) with W the Schafer-Strimmer shrinkage
  of the base-forecast error covariance towards its diagonal, as in R's hts::shrink.estim; without at
  least two residual rows per series, W = diag(number of bottoms under each node) ("wls_struct").
Non-negative: base forecasts are clipped at 0, and MinT's negative bottoms are set to 0 before re-aggregating
(cheaper than hierarchicalforecast's quadratic program, and still coherent).

Intervals: each series' base interval (calibrated on its own backtest) is moved by the reconciliation's
change to its mean, then clipped at 0. Widths are not re-derived from a joint error model: the honesty
check is the backtest coverage of the reconciled intervals, reported per level (forecasting/hierarchy.py).

Why not hierarchicalforecast 1.5.3: measured here it adds 11 packages and 104 MB (matplotlib, pillow,
fonttools, clarabel, qpsolvers, utilsforecast), imports matplotlib (6.5 s import under load), its frame API
needs in-sample fitted values that our models do not produce (we have backtest residuals), and its array
API wants integer-coded tags; MinT with shrinkage is about 30 lines of numpy.
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


METHODS = ("bottom_up", "top_down", "mint_shrink")


def tree_order(hierarchy: pd.DataFrame) -> tuple[list[str], list[str], np.ndarray]:
    """Return (nodes, bottoms, S): aggregates top-down then bottoms, and the (nodes x bottoms) summing matrix."""
    bottoms_of = _bottom_map(hierarchy)
    children = hierarchy.groupby("parent")["child"].apply(sorted).to_dict()
    roots = sorted(set(hierarchy["parent"]) - set(hierarchy["child"]))
    aggs, queue = [], list(roots)
    while queue:  # breadth first: a parent always comes before its children
        node = queue.pop(0)
        if node in children:
            aggs.append(node)
            queue.extend(children[node])
    bottoms = sorted(set(hierarchy["child"]) - set(children))
    S = np.vstack([np.array([[1.0 if b in set(bottoms_of[a]) else 0.0 for b in bottoms] for a in aggs]),
                   np.eye(len(bottoms))]) if aggs else np.eye(len(bottoms))
    return aggs + bottoms, bottoms, S


def shrunk_covariance(residuals: np.ndarray) -> tuple[np.ndarray, float] | None:
    """Return (W, lambda): the Schafer-Strimmer shrinkage of the uncentred error covariance to its diagonal.

    residuals is (observations x series); rows with a NaN are dropped. None with fewer than 2 rows left.
    Follows hts::shrink.estim (Wickramasuriya et al. 2019, section 2.4): lambda is the estimated variance
    of the off-diagonal correlations over their squared sum, clipped to [0, 1].
    """
    x = residuals[~np.isnan(residuals).any(axis=1)]
    n = x.shape[0]
    if n < 2:
        return None
    cov = x.T @ x / n
    sd = np.sqrt(np.maximum(np.diag(cov), 1e-12))
    xs = x / sd
    corr = xs.T @ xs / n
    v = (xs**2).T @ (xs**2) / n - corr**2
    off = ~np.eye(x.shape[1], dtype=bool)
    denom = float((corr[off] ** 2).sum())
    lam = 1.0 if denom == 0 else float(np.clip((v[off].sum() / (n - 1)) / denom, 0.0, 1.0))
    w = lam * np.diag(np.diag(cov)) + (1.0 - lam) * cov
    w[np.diag_indices_from(w)] = np.maximum(np.diag(w), 1e-12)
    return w, lam


def mint_matrix(S: np.ndarray, W: np.ndarray) -> np.ndarray:
    """Return G = (S' W^-1 S)^-1 S' W^-1 (bottoms x nodes): MinT's map from base forecasts to bottoms."""
    ridge = 2e-8 * np.eye(W.shape[0]) * max(1.0, float(np.abs(W).max()))  # as hierarchicalforecast's mint_shr_ridge
    w_inv_s = np.linalg.solve(W + ridge, S)
    return np.linalg.solve(S.T @ w_inv_s, w_inv_s.T)


def _top_down(base: np.ndarray, nodes: list[str], hierarchy: pd.DataFrame) -> np.ndarray:
    """Return reconciled (slices x nodes) values by forecast proportions from each root down."""
    idx = {u: i for i, u in enumerate(nodes)}
    out = base.copy()
    children = hierarchy.groupby("parent")["child"].apply(list).to_dict()
    for parent in nodes:  # top-down order: a parent is reconciled before its children are set
        if parent not in children:
            continue
        kids = [idx[c] for c in children[parent]]
        share = base[:, kids]
        total = share.sum(axis=1, keepdims=True)
        even = np.full_like(share, 1.0 / len(kids))
        share = np.where(total > 0, share / np.where(total > 0, total, 1.0), even)
        out[:, kids] = out[:, [idx[parent]]] * share
    return out


def reconcile(forecasts: pd.DataFrame, hierarchy: pd.DataFrame, method: str, keys: Sequence[str] = ("ds", "model"),
              levels: Sequence[int] = (80, 95), residuals: pd.DataFrame | None = None,
              nonnegative: bool = True) -> pd.DataFrame:
    """Return coherent forecasts (*keys, unique_id, y_hat, lo_*, hi_*) for every slice that has all nodes.

    One row per node and complete slice (a slice is one value of `keys`, e.g. (ds, model) or (cutoff, ds));
    slices missing a node are left out. residuals (mint_shrink only): a frame whose columns are node ids and
    rows base-forecast errors (y - y_hat) observed before these forecasts; see shrunk_covariance.
    """
    if method not in METHODS:
        raise ValueError(f"unknown reconciliation method {method!r}; known: {list(METHODS)}")
    keys = list(keys)
    cols = interval_columns(levels)
    nodes, bottoms, S = tree_order(hierarchy)
    rows = forecasts[forecasts["unique_id"].isin(set(nodes))]
    wide = {c: rows.pivot(index=keys, columns="unique_id", values=c).reindex(columns=nodes) for c in cols}
    complete = wide["y_hat"].notna().all(axis=1).to_numpy()
    base = {c: w.to_numpy(dtype=float)[complete] for c, w in wide.items()}
    index = wide["y_hat"].index[complete]
    if nonnegative:
        base = {c: np.maximum(v, 0.0) for c, v in base.items()}
    y_hat = base["y_hat"]
    if method == "top_down":
        rec = _top_down(y_hat, nodes, hierarchy)
    else:
        if method == "bottom_up":
            bottom = y_hat[:, len(nodes) - len(bottoms):]
        else:
            fit = None if residuals is None else shrunk_covariance(
                residuals.reindex(columns=nodes).to_numpy(dtype=float))
            W = np.diag(S.sum(axis=1)) if fit is None else fit[0]
            bottom = y_hat @ mint_matrix(S, W).T
        if nonnegative:
            bottom = np.maximum(bottom, 0.0)
        rec = bottom @ S.T
    shift = rec - y_hat
    out = {"y_hat": rec}
    for c in cols[1:]:
        out[c] = np.maximum(base[c] + shift, 0.0) if nonnegative else base[c] + shift
    frame = pd.DataFrame(index=pd.MultiIndex.from_tuples(
        [(*(k if isinstance(k, tuple) else (k,)), u) for k in index for u in nodes], names=[*keys, "unique_id"]))
    for c in cols:
        frame[c] = out[c].reshape(-1)
    return frame.reset_index()
