"""The panel contract: column and type checks, errors that name the series, regular grids, future dates."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecasting.panel import check_regular, future_dates, infer_freq, validate_panel


def _panel(uid: str, start: str, n: int, freq: str = "MS") -> pd.DataFrame:
    return pd.DataFrame({"unique_id": uid, "ds": pd.date_range(start, periods=n, freq=freq),
                         "y": np.arange(n, dtype=float)})


def test_validate_sorts_and_casts():
    raw = pd.concat([_panel("b", "2020-01-01", 3), _panel("a", "2020-01-01", 3)]).iloc[::-1]
    raw["y"] = raw["y"].astype(int)
    out = validate_panel(raw)
    assert out["unique_id"].tolist() == ["a"] * 3 + ["b"] * 3
    assert out["y"].dtype == "float64" and list(out.columns) == ["unique_id", "ds", "y"]
    assert out.groupby("unique_id")["ds"].apply(lambda s: s.is_monotonic_increasing).all()


def test_validate_names_missing_columns_and_bad_types():
    with pytest.raises(ValueError, match=r"missing column\(s\) \['y'\]"):
        validate_panel(_panel("a", "2020-01-01", 3).drop(columns="y"))
    bad = _panel("a", "2020-01-01", 3).assign(ds=lambda d: d["ds"].dt.strftime("%Y-%m-%d"))
    with pytest.raises(ValueError, match="ds must be datetime64"):
        validate_panel(bad)


def test_validate_names_series_and_ds_of_duplicates_and_nan():
    dup = pd.concat([_panel("ok", "2020-01-01", 3), _panel("jobs_ca", "2020-01-01", 3),
                     _panel("jobs_ca", "2020-03-01", 1)])
    with pytest.raises(ValueError, match="duplicate rows for unique_id 'jobs_ca' at ds 2020-03-01"):
        validate_panel(dup)
    nan = _panel("jobs_tx", "2020-01-01", 3)
    nan.loc[1, "y"] = np.nan
    with pytest.raises(ValueError, match="missing or infinite y for unique_id 'jobs_tx' at ds 2020-02-01"):
        validate_panel(nan)


def test_check_regular_names_series_and_missing_month():
    gappy = validate_panel(pd.concat([_panel("ok", "2020-01-01", 6),
                                      _panel("jobs_oh", "2020-01-01", 6).drop(index=[3, 4])]))
    with pytest.raises(ValueError, match="series 'jobs_oh' has a gap: MS ds 2020-04-01 is missing"):
        check_regular(gappy, "MS")
    check_regular(validate_panel(_panel("ok", "2020-01-01", 6)), "MS")


def test_check_regular_rejects_dates_off_the_grid():
    off = validate_panel(pd.DataFrame({"unique_id": "x", "ds": pd.to_datetime(["2020-01-01", "2020-02-15"]),
                                       "y": [1.0, 2.0]}))
    with pytest.raises(ValueError, match="series 'x' has ds 2020-02-15 00:00:00 that is not a MS date"):
        check_regular(off, "MS")
    with pytest.raises(ValueError, match="unsupported freq 'M'"):
        check_regular(off, "M")


def test_weekly_and_annual_grids():
    check_regular(validate_panel(_panel("w", "2024-01-01", 10, "W-MON")), "W-MON")
    check_regular(validate_panel(_panel("a", "2020-01-01", 5, "YS")), "YS")
    with pytest.raises(ValueError, match="not a W-MON date"):
        check_regular(validate_panel(_panel("w", "2024-01-07", 3, "W-SUN")), "W-MON")


def test_infer_freq_per_series():
    panel = pd.concat([_panel("m", "2020-01-01", 6), _panel("y", "2020-01-01", 5, "YS"),
                       _panel("w", "2024-01-01", 5, "W-MON"), _panel("short", "2020-01-01", 2)])
    assert infer_freq(validate_panel(panel)) == {"m": "MS", "short": None, "w": "W-MON", "y": "YS"}


def test_future_dates():
    assert list(future_dates(pd.Timestamp("2024-11-01"), 3, "MS")) == list(
        pd.to_datetime(["2024-12-01", "2025-01-01", "2025-02-01"]))
    assert list(future_dates(pd.Timestamp("2024-01-01"), 2, "YS")) == list(pd.to_datetime(["2025-01-01", "2026-01-01"]))
    assert list(future_dates(pd.Timestamp("2024-12-30"), 1, "W-MON")) == [pd.Timestamp("2025-01-06")]
