"""The pipeline's reconciliation step: reconcile features.feat_hierarchy's trees into forecasts.reconciled.

Runs inside the forecasting step (forecasting/warehouse.py), on the frames it just produced, and writes
forecasts.reconciled and forecasts.reconciliation_quality (always created, empty without a hierarchy, so
the marts that read them build on any warehouse).
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

from forecasting.hierarchy import reconcile_hierarchies
from forecasting.models import interval_columns
from forecasting.panel import season_length
from forecasting.run import ForecastResult

RECONCILE_TABLES = ("reconciled", "reconciliation_quality")


def reconcile_result(result: ForecastResult, panel: pd.DataFrame, series: pd.DataFrame, hierarchy: pd.DataFrame,
                     levels: Sequence[int] = (80, 95)) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (reconciled, quality) of every hierarchy: see forecasting.hierarchy.reconcile_hierarchies.

    series: unique_id, freq, nonnegative. A hierarchy is reconciled non-negative if all its series are.
    """
    cols = interval_columns(levels)
    fc = result.forecasts[result.forecasts["model"] == "selected"][["unique_id", "ds", *cols]]
    sel = result.quality.loc[result.quality["is_selected"].fillna(False).astype(bool), ["unique_id", "model"]]
    bt = result.backtest.merge(sel, on=["unique_id", "model"])
    info = series.set_index("unique_id")
    parts = []
    for name, h in hierarchy.groupby("hierarchy", sort=True):
        nodes = sorted(set(h["parent"]) | set(h["child"]))
        missing = sorted(set(nodes) - set(info.index))
        if missing:
            raise ValueError(f"hierarchy {name!r} names series not in features.series: {missing[:5]}")
        m = season_length(str(info.loc[name, "freq"]))
        nonneg = bool(info.loc[nodes, "nonnegative"].all())
        parts.append(reconcile_hierarchies(fc, bt, panel, h, m, levels, nonneg))
    if not parts:
        return reconcile_hierarchies(fc, bt, panel, hierarchy.iloc[:0], 1, levels)
    return (pd.concat([p[0] for p in parts], ignore_index=True), pd.concat([p[1] for p in parts], ignore_index=True))


def _hierarchy(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    have = con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
                       "AND schema_name = 'features' AND table_name = 'feat_hierarchy'").fetchall()[0][0]
    if not have:
        return pd.DataFrame(columns=["hierarchy", "parent", "child", "parent_level", "child_level", "child_depth"])
    return con.sql("SELECT hierarchy, parent, child, parent_level, child_level, child_depth "
                   "FROM features.feat_hierarchy ORDER BY ALL").df()


def write_reconciliation(con: duckdb.DuckDBPyConnection, run_id: str, result: ForecastResult, panel: pd.DataFrame,
                         series: pd.DataFrame, levels: Sequence[int] = (80, 95)) -> dict[str, int]:
    """Write forecasts.reconciled and forecasts.reconciliation_quality; return {'forecasts.<table>': rows}."""
    reconciled, quality = reconcile_result(result, panel, series, _hierarchy(con), levels)
    cols = interval_columns(levels)
    typed = {
        "reconciled": (reconciled, "hierarchy VARCHAR, unique_id VARCHAR, parent VARCHAR, level INTEGER, "
                       "level_name VARCHAR, ds DATE, method VARCHAR, is_chosen BOOLEAN, " + ", ".join(f"{c} DOUBLE" for c in cols)),
        "reconciliation_quality": (quality, "hierarchy VARCHAR, level INTEGER, level_name VARCHAR, method VARCHAR, "
                                   "n_series INTEGER, n_windows INTEGER, mase DOUBLE, wape DOUBLE, smape DOUBLE, "
                                   "bias DOUBLE, coverage_80 DOUBLE, coverage_95 DOUBLE, is_chosen BOOLEAN, "
                                   "reason VARCHAR"),
    }
    counts = {}
    for name, (frame, schema) in typed.items():
        con.execute(f"CREATE OR REPLACE TABLE forecasts.{name} (run_id VARCHAR, {schema})")
        if len(frame):
            names = [c.split()[0] for c in schema.split(", ")]
            frame = frame.reindex(columns=names)
            con.register("_frame", frame)
            con.execute(f"INSERT INTO forecasts.{name} SELECT ?, {', '.join(names)} FROM _frame", [run_id])
            con.unregister("_frame")
        counts[f"forecasts.{name}"] = len(frame)
    return counts
