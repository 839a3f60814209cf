"""Metrics and selection on hand-written rows with exact expected numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecasting.metrics import evaluate, evaluate_by_horizon
from forecasting.select import select_by_group, select_models, selection_groups

Y = pd.Timestamp


def _panel() -> pd.DataFrame:
    a = pd.DataFrame({"unique_id": "a", "ds": pd.date_range("2020-01-01", periods=6, freq="YS"),
                      "y": [10.0, 12.0, 11.0, 13.0, 14.0, 12.0]})
    b = pd.DataFrame({"unique_id": "b", "ds": pd.date_range("2020-01-01", periods=6, freq="YS"),
                      "y": [1.0, 3.0, 2.0, 5.0, 4.0, 6.0]})
    return pd.concat([a, b], ignore_index=True)


def _cv() -> pd.DataFrame:
    cols = ["unique_id", "cutoff", "ds", "y", "model", "y_hat", "lo_80", "hi_80", "lo_95", "hi_95"]
    rows = [
        ("a", Y("2022-01-01"), Y("2023-01-01"), 13.0, "m", 11.0, 10.0, 13.0, 9.0, 14.0),   # e = -2, in both
        ("a", Y("2022-01-01"), Y("2024-01-01"), 14.0, "m", 11.0, 10.0, 13.0, 9.0, 14.0),   # e = -3, 95 only (edge)
        ("a", Y("2023-01-01"), Y("2024-01-01"), 14.0, "m", 13.0, 12.0, 14.0, 11.0, 16.0),  # e = -1, 80 on the edge
        ("a", Y("2023-01-01"), Y("2025-01-01"), 12.0, "m", 15.0, 11.0, 17.0, 10.0, 18.0),  # e = +3, in both
        ("b", Y("2024-01-01"), Y("2025-01-01"), 6.0, "m", 5.0, 6.5, 7.0, 4.0, 8.0),        # e = -1, 95 only
    ]
    return pd.DataFrame(rows, columns=cols)


def test_evaluate_exact_numbers():
    q = evaluate(_cv(), _panel(), season_length=2).set_index("unique_id")
    a = q.loc["a"]
    # training up to the first cutoff (2022) is 10, 12, 11: under 2 seasons, so naive MAE = (2 + 1) / 2
    assert a["scale"] == "naive" and a["scale_mae"] == pytest.approx(1.5)
    assert a["mase"] == pytest.approx(2.25 / 1.5)
    assert a["smape"] == pytest.approx(50 * (2 / 24 + 3 / 25 + 1 / 27 + 3 / 27))
    assert a["wape"] == pytest.approx(9 / 53)
    assert a["bias"] == pytest.approx(-0.75)
    assert a["coverage_80"] == pytest.approx(0.75) and a["coverage_95"] == pytest.approx(1.0)
    assert a["n_windows"] == 2 and a["horizon"] == 2
    b = q.loc["b"]
    # training 1, 3, 2, 5, 4 holds 2 seasons: seasonal-naive MAE of 1, 2, 2 = 5/3
    assert b["scale"] == "seasonal_naive" and b["mase"] == pytest.approx(1 / (5 / 3))
    assert b["coverage_80"] == 0.0 and b["coverage_95"] == 1.0


def test_evaluate_by_horizon_exact_numbers():
    q = evaluate_by_horizon(_cv(), _panel(), season_length=2)
    a = q[q["unique_id"] == "a"].set_index("step")
    assert a.index.tolist() == [1, 2]
    assert a.loc[1, "mase"] == pytest.approx(1.5 / 1.5) and a.loc[2, "mase"] == pytest.approx(3 / 1.5)
    assert a.loc[1, "bias"] == pytest.approx(-1.5) and a.loc[2, "bias"] == pytest.approx(0.0)
    assert a.loc[2, "n_windows"] == 2


def test_smape_of_zero_forecast_of_zero_is_zero_and_flat_scale_is_nan():
    panel = pd.DataFrame({"unique_id": "z", "ds": pd.date_range("2020-01-01", periods=4, freq="YS"),
                          "y": [0.0, 0.0, 0.0, 0.0]})
    cv = pd.DataFrame({"unique_id": ["z"], "cutoff": [Y("2022-01-01")], "ds": [Y("2023-01-01")], "y": [0.0],
                       "model": ["naive"], "y_hat": [0.0], "lo_80": [np.nan], "hi_80": [np.nan]})
    q = evaluate(cv, panel, season_length=1).iloc[0]
    assert q["smape"] == 0.0 and np.isnan(q["mase"]) and np.isnan(q["wape"]) and np.isnan(q["coverage_80"])


def _quality(rows):
    return pd.DataFrame(rows, columns=["unique_id", "model", "mase", "n_windows"])


def test_select_prefers_strictly_better_model_and_keeps_baseline_otherwise():
    q = _quality([
        ("a", "seasonal_naive", 1.10, 3), ("a", "ets", 0.82, 3), ("a", "naive", 0.95, 3),
        ("b", "seasonal_naive", 1.0, 3), ("b", "ets", 1.0, 3),
        ("c", "seasonal_naive", np.nan, 2), ("c", "ets", 0.5, 2),
        ("d", "seasonal_naive", 0.9, 1), ("d", "ets", 1.2, 1),
    ])
    pick = select_models(q, "seasonal_naive", series=["a", "b", "c", "d", "e"]).set_index("unique_id")
    assert pick["model"].to_dict() == {"a": "ets", "b": "seasonal_naive", "c": "seasonal_naive",
                                       "d": "seasonal_naive", "e": "seasonal_naive"}
    assert pick.loc["a", "reason"] == "ets: MASE 0.82 vs seasonal_naive 1.10 on 3 windows"
    assert pick.loc["b", "reason"] == "ets tied seasonal_naive (MASE 1.00 on 3 windows): seasonal_naive kept"
    assert pick.loc["c", "reason"].startswith("MASE undefined for seasonal_naive")
    assert pick.loc["d", "reason"] == "no model beat seasonal_naive: best other ets MASE 1.20 vs 0.90 on 1 window"
    assert pick.loc["e", "reason"] == "too short to backtest: seasonal_naive kept"


def test_select_treats_float_noise_as_a_tie():
    q = _quality([("a", "naive", 0.1 + 0.2, 1), ("a", "ets", 0.3, 1)])
    assert select_models(q, "naive")["model"].tolist() == ["naive"]


def test_select_by_group_prefers_the_ensemble_unless_a_series_is_clearly_better_alone():
    q = _quality([
        ("g/a", "seasonal_naive", 1.00, 3), ("g/a", "ensemble", 0.80, 3), ("g/a", "naive", 0.75, 3),
        ("g/b", "seasonal_naive", 1.00, 3), ("g/b", "ensemble", 0.80, 3), ("g/b", "naive", 0.10, 3),
        ("g/c", "seasonal_naive", 0.90, 3), ("g/c", "ensemble", 1.05, 3), ("g/c", "naive", 0.95, 3),
        ("h/d", "seasonal_naive", 1.00, 3), ("h/d", "ensemble", 1.20, 3), ("h/d", "naive", 1.10, 3),
    ])
    groups = {u: u.split("/")[0] for u in q["unique_id"]}
    pick = select_by_group(q, "seasonal_naive", groups, margin=0.8, preferred="ensemble",
                           series=[*groups, "g/e"]).set_index("unique_id")
    # group g: ensemble mean 0.883 < seasonal_naive 0.967, so every g series gets it (g/c too, though it
    # lost to the baseline alone) but g/b, whose naive is below 0.2 x the ensemble's MASE; group h keeps the
    # baseline; g/e is too short to backtest
    assert pick["model"].to_dict() == {"g/a": "ensemble", "g/b": "naive", "g/c": "ensemble",
                                       "h/d": "seasonal_naive", "g/e": "seasonal_naive"}
    assert pick.loc["g/a", "reason"] == "group g: ensemble mean MASE 0.88 vs seasonal_naive 0.97 over 3 series"
    assert pick.loc["g/b", "reason"] == "naive: MASE 0.10 vs group choice ensemble 0.80, over 80% better"
    assert pick.loc["h/d", "reason"] == ("group h: seasonal_naive mean MASE 1.00 vs seasonal_naive 1.00"
                                         " over 1 series")
    plain = select_by_group(q, "seasonal_naive", groups, margin=0.0).set_index("unique_id")["model"]
    assert plain["g/a"] == "naive" and plain["g/c"] == "seasonal_naive"  # margin 0: each series' best
    with pytest.raises(ValueError, match="margin"):
        select_by_group(q, "seasonal_naive", groups, margin=1.5)


def test_small_counts_form_their_own_group_where_the_ensemble_is_not_preferred():
    ds = pd.date_range("2020-01-01", periods=30, freq="MS")
    series = {
        "d/dense": np.arange(100.0, 130.0),
        "d/sparse": np.tile([0.0, 0.0, 3.0], 10),           # ADI 3 > 1.32
        "d/small": np.tile([2.0, 4.0, 3.0], 10),            # dense but mean 3 < 5
        "d/was_big": np.r_[np.zeros(6), np.full(24, 40.0)],  # zeros only before the last 24 points
        "d/negative": np.tile([-1.0, 0.0, 2.0], 10),        # changes, not counts
        "e/sparse": np.tile([0.0, 1.0, 0.0, 0.0], 8)[:30],
    }
    panel = pd.concat([pd.DataFrame({"unique_id": u, "ds": ds, "y": y}) for u, y in series.items()],
                      ignore_index=True).sort_values(["unique_id", "ds"], ignore_index=True)
    groups = selection_groups(panel)
    assert groups == {"d/dense": "d", "d/negative": "d", "d/small": "d (small counts)",
                      "d/sparse": "d (small counts)", "d/was_big": "d", "e/sparse": "e (small counts)"}
    q = _quality([
        ("d/dense", "seasonal_naive", 1.00, 3), ("d/dense", "ensemble", 0.50, 3), ("d/dense", "tsb", 0.90, 3),
        ("d/sparse", "seasonal_naive", 1.00, 3), ("d/sparse", "ensemble", 0.90, 3), ("d/sparse", "tsb", 0.70, 3),
        ("d/small", "seasonal_naive", 1.00, 3), ("d/small", "ensemble", 0.80, 3), ("d/small", "tsb", 0.86, 3),
    ])
    counts = {"d (small counts)"}
    pick = select_by_group(q, "seasonal_naive", groups, margin=0.8, preferred="ensemble",
                           no_preference=counts).set_index("unique_id")
    # counts group: tsb mean 0.78 < ensemble 0.85, and no preference for the ensemble there
    assert pick["model"].to_dict() == {"d/dense": "ensemble", "d/small": "tsb", "d/sparse": "tsb"}
    assert pick.loc["d/small", "reason"] == ("group d (small counts): tsb mean MASE 0.78 vs seasonal_naive"
                                             " 1.00 over 2 series")
    pooled = select_by_group(q, "seasonal_naive", {u: "d" for u in groups}, margin=0.8, preferred="ensemble")
    assert set(pooled["model"]) == {"ensemble"}  # the old grouping: the dense series carried the ensemble
