"""Bottom-up reconciliation over '/'-joined ids: exact sums on hand-made forecasts."""

from __future__ import annotations

import pandas as pd
import pytest

from forecasting.reconcile import hierarchy_from_ids, reconcile_bottom_up

D1, D2 = pd.Timestamp("2025-01-01"), pd.Timestamp("2025-02-01")


def _fc(rows):
    frame = pd.DataFrame(rows, columns=["unique_id", "ds", "model", "y_hat", "lo_80", "hi_80"])
    return frame.astype({"y_hat": float, "lo_80": float, "hi_80": float})


def test_hierarchy_from_ids_links_only_known_parents():
    h = hierarchy_from_ids(["US", "US/a", "US/a/x", "US/a/y", "US/b", "GB/c"])
    assert h.values.tolist() == [["US", "US/a"], ["US", "US/b"], ["US/a", "US/a/x"], ["US/a", "US/a/y"]]


def test_bottom_up_sums_bottoms_at_every_level_and_keeps_aggregate_widths():
    h = hierarchy_from_ids(["US", "US/a", "US/a/x", "US/a/y", "US/b"])
    fc = _fc([
        ("US", D1, "m", 50.0, 40.0, 70.0),    # base 50, width -10 / +20
        ("US/a", D1, "m", 20.0, 15.0, 25.0),
        ("US/a/x", D1, "m", 8.0, 6.0, 10.0),
        ("US/a/y", D1, "m", -1.0, -3.0, 1.0),  # negative count: clipped to 0 first
        ("US/b", D1, "m", 30.0, 25.0, 35.0),
        ("US/a/x", D2, "m", 9.0, 7.0, 11.0),   # a bottom-only date: untouched
    ])
    got = reconcile_bottom_up(fc, h, levels=(80,)).set_index(["unique_id", "ds"])
    assert got.loc[("US/a", D1), ["y_hat", "lo_80", "hi_80"]].tolist() == [8.0, 3.0, 13.0]   # 8 + 0
    assert got.loc[("US", D1), ["y_hat", "lo_80", "hi_80"]].tolist() == [38.0, 28.0, 58.0]   # 8 + 0 + 30
    assert got.loc[("US/a/y", D1), ["y_hat", "lo_80", "hi_80"]].tolist() == [0.0, 0.0, 1.0]
    assert got.loc[("US/a/x", D2), ["y_hat", "lo_80", "hi_80"]].tolist() == [9.0, 7.0, 11.0]
    assert len(got) == len(fc)


def test_bottom_up_clips_aggregate_lower_bounds_and_names_missing_bottoms():
    h = hierarchy_from_ids(["T", "T/a", "T/b"])
    fc = _fc([("T", D1, "m", 10.0, 2.0, 20.0), ("T/a", D1, "m", 1.0, 0.0, 2.0), ("T/b", D1, "m", 2.0, 1.0, 3.0)])
    got = reconcile_bottom_up(fc, h, levels=(80,)).set_index("unique_id")
    assert got.loc["T", ["y_hat", "lo_80", "hi_80"]].tolist() == [3.0, 0.0, 13.0]  # lo 3 - 8 -> 0
    with pytest.raises(ValueError, match="no base forecast for bottom 'T/b' of 'T'"):
        reconcile_bottom_up(fc[fc["unique_id"] != "T/b"], h, levels=(80,))
    with pytest.raises(ValueError, match="more than one parent: \\['T/a'\\]"):
        reconcile_bottom_up(fc, pd.concat([h, pd.DataFrame({"parent": ["T/b"], "child": ["T/a"]})]), levels=(80,))
    with pytest.raises(ValueError, match="cycle through 'T'"):
        reconcile_bottom_up(fc, pd.DataFrame({"parent": ["T", "T/a"], "child": ["T/a", "T"]}), levels=(80,))
