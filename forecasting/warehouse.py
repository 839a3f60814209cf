"""The pipeline's forecasting step: read the panel from the warehouse, forecast, write forecasts.*"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from core.db import connect
from forecasting.hierarchy_step import write_reconciliation
from forecasting.registry import RACE
from forecasting.run import ForecastResult, forecast_panel

FORECAST_TABLES = ("forecast", "backtest", "quality", "quality_by_horizon", "quality_by_cutoff")


@dataclass(frozen=True)
class ForecastPlan:
    """How far ahead and how deep to backtest, per frequency."""

    horizon_months: int = 12
    horizon_years: int = 5
    backtest_windows: int = 3
    step_months: int = 3
    workers: int = 1
    # model names for monthly and weekly series; None = the registry's defaults (forecasting/registry.py)
    models_monthly: tuple[str, ...] | None = None
    # race expensive models per large selection group (forecasting/race.py, registry.RACE); False: fit all
    race: bool = True
    # weekly series: a quarter ahead, cutoffs a month apart (a step of one week scored nearly the same weeks
    # three times over)
    horizon_weeks: int = 13
    step_weeks: int = 4

    def for_freq(self, freq: str) -> tuple[int, int]:
        """Return (horizon, step) for a frequency code: months, weeks ('W-MON') or years."""
        if freq == "MS":
            return self.horizon_months, self.step_months
        if freq == "W-MON":
            return self.horizon_weeks, self.step_weeks
        return self.horizon_years, 1


def forecast_frames(panel: pd.DataFrame, series: pd.DataFrame, plan: ForecastPlan) -> ForecastResult:
    """Return forecasts, backtests and scores for every series of `panel`, grouped by frequency."""
    parts: list[ForecastResult] = []
    for freq, ids in series.groupby("freq")["unique_id"]:
        sub = panel[panel["unique_id"].isin(set(ids))]
        if sub.empty:
            continue
        horizon, step = plan.for_freq(str(freq))
        nonneg = set(series.loc[series["nonnegative"] & series["unique_id"].isin(sub["unique_id"]), "unique_id"])
        models = list(plan.models_monthly) if plan.models_monthly and str(freq) != "YS" else None
        parts.append(forecast_panel(sub, str(freq), horizon, plan.backtest_windows, step, models=models,
                                    nonnegative=nonneg, workers=plan.workers, race=RACE if plan.race else None))
    if not parts:
        raise ValueError("the panel has no series to forecast (features.feat_panel is empty)")
    return ForecastResult(*(pd.concat([getattr(p, f) for p in parts], ignore_index=True)
                            for f in ("forecasts", "backtest", "quality", "quality_by_horizon",
                                      "quality_by_cutoff")))


def run_forecasts(db_path: Path, run_id: str, plan: ForecastPlan) -> dict[str, int]:
    """Forecast features.feat_panel into forecasts.{forecast, backtest, quality, quality_by_horizon, quality_by_cutoff}.

    Returns {'forecasts.<table>': rows}. Each table carries run_id.
    """
    con = connect(db_path)
    try:
        panel = con.sql("SELECT unique_id, ds::TIMESTAMP AS ds, y FROM features.feat_panel ORDER BY ALL").df()
        series = con.sql("SELECT unique_id, freq, nonnegative FROM features.series "
                         "WHERE unique_id IN (SELECT unique_id FROM features.feat_panel)").df()
        series["nonnegative"] = series["nonnegative"].astype(bool)
        result = forecast_frames(panel, series, plan)
        counts = {}
        for name, frame in zip(FORECAST_TABLES, (result.forecasts, result.backtest, result.quality,
                                                 result.quality_by_horizon, result.quality_by_cutoff), strict=True):
            frame = frame.copy()
            frame.insert(0, "run_id", run_id)
            con.register("_frame", frame)
            date_cols = [c for c in ("ds", "cutoff") if c in frame.columns]
            select = ", ".join(f'"{c}"::DATE AS "{c}"' if c in date_cols else f'"{c}"' for c in frame.columns)
            con.execute(f"CREATE OR REPLACE TABLE forecasts.{name} AS SELECT {select} FROM _frame")
            con.unregister("_frame")
            counts[f"forecasts.{name}"] = len(frame)
        counts |= write_reconciliation(con, run_id, result, panel, series)  # issue 4: coherent hierarchies
        return counts
    finally:
        con.close()
