"""Per-series model choice: the baseline stays unless another model has a strictly lower backtest MASE."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

# MASE values this close count as a tie (e.g. ETS that fell back to naive scores exactly like naive).
_TIE_RTOL = 1e-9


def _fmt(x: float) -> str:
    return f"{x:.2f}"


def _choose(rows: pd.DataFrame, baseline: str) -> tuple[str, str]:
    base = rows[rows["model"] == baseline]
    n_windows = int(rows["n_windows"].max()) if rows["n_windows"].notna().any() else 0
    if n_windows == 0:
        return baseline, f"too short to backtest: {baseline} kept"
    windows = f"{n_windows} window{'s' if n_windows != 1 else ''}"
    if base.empty or not np.isfinite(base["mase"].iloc[0]):
        return baseline, f"MASE undefined for {baseline} (flat training data or no score): {baseline} kept"
    base_mase = float(base["mase"].iloc[0])
    others = rows[(rows["model"] != baseline) & np.isfinite(rows["mase"])]
    if others.empty:
        return baseline, f"no other model scored: {baseline} kept (MASE {_fmt(base_mase)} on {windows})"
    best = others.sort_values(["mase", "model"], kind="mergesort").iloc[0]
    best_mase = float(best["mase"])
    if best_mase < base_mase and not np.isclose(best_mase, base_mase, rtol=_TIE_RTOL, atol=0.0):
        return str(best["model"]), (
            f"{best['model']}: MASE {_fmt(best_mase)} vs {baseline} {_fmt(base_mase)} on {windows}")
    if np.isclose(best_mase, base_mase, rtol=_TIE_RTOL, atol=0.0):
        return baseline, f"{best['model']} tied {baseline} (MASE {_fmt(base_mase)} on {windows}): {baseline} kept"
    return baseline, (f"no model beat {baseline}: best other {best['model']} MASE {_fmt(best_mase)}"
                      f" vs {_fmt(base_mase)} on {windows}")


def select_models(quality: pd.DataFrame, baseline: str, series: Iterable[str] | None = None) -> pd.DataFrame:
    """Return one row per unique_id: the chosen model and the reason in plain words.

    quality is evaluate() output (unique_id, model, mase, n_windows). Ties and NaN keep the baseline.
    Ids listed in `series` but absent from quality (too short to backtest) keep the baseline too.
    """
    picks = [(uid, *_choose(rows, baseline)) for uid, rows in quality.groupby("unique_id", sort=True)]
    scored = {p[0] for p in picks}
    for uid in sorted({str(s) for s in series or []} - scored):
        picks.append((uid, baseline, f"too short to backtest: {baseline} kept"))
    out = pd.DataFrame(picks, columns=["unique_id", "model", "reason"]).astype(
        {"unique_id": "str", "model": "str", "reason": "str"})
    return out.sort_values("unique_id", kind="mergesort").reset_index(drop=True)
