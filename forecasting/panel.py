"""The panel contract: one long frame (unique_id: str, ds: datetime64, y: float), regular per series."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

PANEL_COLUMNS = ("unique_id", "ds", "y")

# Accepted frequencies -> (season length, pandas period alias used to check the grid).
# 'W-MON' weeks start on Monday, i.e. they are the periods that end on Sunday ('W-SUN').
FREQS: dict[str, tuple[int, str]] = {
    "MS": (12, "M"),
    "YS": (1, "Y"),
    "W-MON": (52, "W-SUN"),
}


def season_length(freq: str) -> int:
    """Return the season length used for a supported frequency ('MS' -> 12, 'YS' -> 1, 'W-MON' -> 52)."""
    _check_freq(freq)
    return FREQS[freq][0]


def min_train_length(freq: str) -> int:
    """Return the fewest training points a backtest window needs: two seasons (at least 8), or 4 if annual."""
    m = season_length(freq)
    return 4 if m == 1 else max(2 * m, 8)


def _check_freq(freq: str) -> None:
    if freq not in FREQS:
        raise ValueError(f"unsupported freq {freq!r}: use one of {sorted(FREQS)}")


def validate_panel(panel: pd.DataFrame) -> pd.DataFrame:
    """Return a checked copy of the panel, one row per (unique_id, ds), sorted by unique_id then ds."""
    missing = [c for c in PANEL_COLUMNS if c not in panel.columns]
    if missing:
        raise ValueError(f"panel is missing column(s) {missing}; it needs {list(PANEL_COLUMNS)}")
    if not pd.api.types.is_datetime64_any_dtype(panel["ds"]):
        raise ValueError(f"panel column ds must be datetime64, got {panel['ds'].dtype}")
    if getattr(panel["ds"].dt, "tz", None) is not None:
        raise ValueError(f"panel column ds must be timezone-naive, got {panel['ds'].dtype}")
    if not pd.api.types.is_numeric_dtype(panel["y"]) or pd.api.types.is_bool_dtype(panel["y"]):
        raise ValueError(f"panel column y must be numeric, got {panel['y'].dtype}")

    out = panel.loc[:, list(PANEL_COLUMNS)].copy()
    if out["unique_id"].isna().any():
        raise ValueError(f"panel has {int(out['unique_id'].isna().sum())} row(s) with a missing unique_id")
    out["unique_id"] = out["unique_id"].astype(str)
    out["y"] = out["y"].astype("float64")

    bad_ds = out[out["ds"].isna()]
    if len(bad_ds):
        raise ValueError(f"panel has a missing ds for unique_id {bad_ds['unique_id'].iloc[0]!r}")
    bad_y = out[~np.isfinite(out["y"].to_numpy())]
    if len(bad_y):
        row = bad_y.iloc[0]
        raise ValueError(
            f"panel has a missing or infinite y for unique_id {row['unique_id']!r} at ds {row['ds']:%Y-%m-%d}"
            f" ({len(bad_y)} such row(s))"
        )
    dup = out[out.duplicated(["unique_id", "ds"], keep=False)]
    if len(dup):
        row = dup.iloc[0]
        raise ValueError(f"panel has duplicate rows for unique_id {row['unique_id']!r} at ds {row['ds']:%Y-%m-%d}")
    return out.sort_values(["unique_id", "ds"], kind="mergesort").reset_index(drop=True)


def infer_freq(panel: pd.DataFrame) -> dict[str, str | None]:
    """Return the frequency pandas infers for each series ('MS', 'YS', 'W-MON', another alias, or None)."""
    out: dict[str, str | None] = {}
    for uid, ds in panel.groupby("unique_id", sort=True)["ds"]:
        with warnings.catch_warnings():
            # pandas 3.1 warns that infer_freq will return an offset; accept either form.
            warnings.simplefilter("ignore", FutureWarning)
            warnings.simplefilter("ignore", DeprecationWarning)
            found = pd.infer_freq(pd.DatetimeIndex(ds)) if len(ds) >= 3 else None
        alias = getattr(found, "freqstr", found)
        # pandas names annual-start-in-January 'YS-JAN'; the contract calls it 'YS'.
        out[str(uid)] = "YS" if alias == "YS-JAN" else alias
    return out


def check_regular(panel: pd.DataFrame, freq: str) -> None:
    """Raise ValueError naming the series and ds if any series is off the freq grid or has a gap."""
    _check_freq(freq)
    period_alias = FREQS[freq][1]
    ds = panel["ds"]
    periods = ds.dt.to_period(period_alias)
    on_grid = periods.dt.start_time == ds
    if not on_grid.all():
        row = panel[~on_grid.to_numpy()].iloc[0]
        raise ValueError(
            f"series {row['unique_id']!r} has ds {row['ds']} that is not a {freq} date"
            f" (expected {pd.Period(row['ds'], period_alias).start_time:%Y-%m-%d})"
        )
    ordinal = pd.Series(periods.array.asi8, index=panel.index)
    step = ordinal.groupby(panel["unique_id"].to_numpy(), sort=False).diff()
    gap = step > 1
    if gap.any():
        idx = gap[gap].index[0]
        first_missing = (periods.loc[idx] - int(step.loc[idx]) + 1).start_time
        n_missing = int(step[gap].sum() - gap.sum())
        raise ValueError(
            f"series {panel.loc[idx, 'unique_id']!r} has a gap: {freq} ds {first_missing:%Y-%m-%d} is missing"
            f" ({n_missing} missing period(s) in the panel); fill or drop it before forecasting"
        )


def future_dates(last_ds: pd.Timestamp, h: int, freq: str) -> pd.DatetimeIndex:
    """Return the h dates that follow last_ds on the freq grid."""
    _check_freq(freq)
    if h < 1:
        raise ValueError(f"horizon h must be >= 1, got {h}")
    return pd.date_range(pd.Timestamp(last_ds), periods=h + 1, freq=freq)[1:]


def series_runs(uids: np.ndarray) -> list[tuple[int, int]]:
    """Return (start, end) row bounds of each run of equal unique_ids in a frame sorted by unique_id."""
    if len(uids) == 0:
        return []
    starts = np.flatnonzero(np.r_[True, uids[1:] != uids[:-1]])
    return list(zip(starts.tolist(), np.r_[starts[1:], len(uids)].tolist(), strict=True))


def iter_series(panel: pd.DataFrame):
    """Yield (unique_id, ds, y) arrays per series of a validated (sorted) panel, in unique_id order."""
    uids = panel["unique_id"].to_numpy()
    ds = panel["ds"].to_numpy()
    y = panel["y"].to_numpy(dtype=float)
    for a, b in series_runs(uids):
        yield str(uids[a]), ds[a:b], y[a:b]
