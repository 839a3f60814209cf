"""A user's hierarchy for `talentcast forecast --hierarchy` (issue 4: coherent hierarchies, bring your own series).

The companion table the reconciliation reads (forecasting/hierarchy.py: hierarchy, parent, child,
parent_level, child_level, child_depth) is built from (parent, child) links: a CSV file naming them, or the
unique_ids themselves ('ids': a series' parent is its id without the last '/'-part, where that series is in
the panel). As in the pipeline (features/sql/features/feat_hierarchy.sql), a family is reconciled only if
its sums hold in the data: at every period of the parent every child has a value, the children add up to
the parent, and all of them end in the same period. A file whose family does not add up is an error that
names it; with 'ids' such families are left out and listed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HIERARCHY_COLUMNS = ["hierarchy", "parent", "child", "parent_level", "child_level", "child_depth"]
# relative tolerance of "the children add up to the parent" (feat_hierarchy.sql uses the same)
SUM_TOLERANCE = 1e-9


def links_from_ids(panel: pd.DataFrame) -> pd.DataFrame:
    """Return (parent, child) for every series whose id without its last '/'-part is also a series."""
    ids = set(panel["unique_id"].astype(str))
    pairs = [(u.rsplit("/", 1)[0], u) for u in sorted(ids) if "/" in u and u.rsplit("/", 1)[0] in ids]
    return pd.DataFrame(pairs, columns=["parent", "child"])


def read_links(path: Path) -> pd.DataFrame:
    """Return the links of a CSV with columns parent, child (optional parent_level, child_level)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"hierarchy file {str(path)!r} does not exist")
    links = pd.read_csv(path, dtype=str)
    missing = [c for c in ("parent", "child") if c not in links.columns]
    if missing:
        raise ValueError(f"hierarchy file {path.name!r} is missing column(s) {missing}; found {list(links.columns)}")
    keep = [c for c in ("parent", "child", "parent_level", "child_level") if c in links.columns]
    return links[keep].dropna(subset=["parent", "child"]).drop_duplicates(["parent", "child"])


def _families_that_add_up(links: pd.DataFrame, panel: pd.DataFrame) -> dict[str, str | None]:
    """Return {parent: None if its family adds up, else why not}."""
    values = panel.pivot(index="ds", columns="unique_id", values="y")
    last = panel.groupby("unique_id")["ds"].max()
    out: dict[str, str | None] = {}
    for parent, fam in links.groupby("parent", sort=True):
        children = fam["child"].tolist()
        y = values[parent].dropna()
        kids = values.loc[y.index, children]
        if kids.isna().any().any():
            gap = kids.index[kids.isna().any(axis=1)][0]
            out[parent] = f"a child has no value at {gap:%Y-%m-%d}"
            continue
        off = np.abs(kids.sum(axis=1) - y) > SUM_TOLERANCE * np.maximum(1.0, np.abs(y))
        if off.any():
            ds = off.index[off.to_numpy()][0]
            out[parent] = f"children sum to {kids.loc[ds].sum():g}, not {y.loc[ds]:g}, at {ds:%Y-%m-%d}"
            continue
        ends = last.reindex(children)
        if (ends != last[parent]).any():
            out[parent] = f"{ends.index[(ends != last[parent]).to_numpy()][0]} does not end with its parent"
            continue
        out[parent] = None
    return out


def companion_table(links: pd.DataFrame, panel: pd.DataFrame, strict: bool) -> tuple[pd.DataFrame, dict[str, str]]:
    """Return (the companion table, {parent: why left out}) of links over the panel.

    strict=True raises ValueError for a family that does not add up (a user's file); otherwise it is left out.
    """
    ids = set(panel["unique_id"].astype(str))
    unknown = sorted((set(links["parent"]) | set(links["child"])) - ids)
    if unknown:
        raise ValueError(f"hierarchy names series not in the panel: {unknown[:5]}")
    twice = links["child"][links["child"].duplicated()].unique().tolist()
    if twice:
        raise ValueError(f"a series has more than one parent in the hierarchy: {twice[:5]}")
    why = _families_that_add_up(links, panel)
    bad = {p: w for p, w in why.items() if w is not None}
    if bad and strict:
        parent, reason = next(iter(bad.items()))
        raise ValueError(f"hierarchy family of {parent!r} does not add up in the panel: {reason}"
                         + (f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""))
    links = links[~links["parent"].isin(set(bad))]
    parent_of = dict(zip(links["child"], links["parent"], strict=True))

    def root_and_depth(node: str) -> tuple[str, int]:
        depth, seen = 0, {node}
        while node in parent_of:
            node = parent_of[node]
            depth += 1
            if node in seen:
                raise ValueError(f"the hierarchy has a cycle through {node!r}")
            seen.add(node)
        return node, depth

    def named(value: object, default: str) -> str:
        return str(value) if isinstance(value, str) and value.strip() else default

    rows = []
    for r in links.itertuples(index=False):
        root, depth = root_and_depth(r.child)
        rows.append((root, r.parent, r.child, named(getattr(r, "parent_level", None), f"level {depth - 1}"),
                     named(getattr(r, "child_level", None), f"level {depth}"), depth))
    table = pd.DataFrame(rows, columns=HIERARCHY_COLUMNS).astype({"child_depth": "int64"})
    return table.sort_values(["hierarchy", "child_depth", "parent", "child"], ignore_index=True), bad
