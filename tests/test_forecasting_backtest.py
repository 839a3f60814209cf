"""Backtest windows sit exactly where statsforecast puts them, and no window sees past its cutoff."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from forecasting.backtest import backtest_and_forecast, cross_validation, plan_windows
from forecasting.models import ETS, Drift, Naive


class Recorder(BaseEstimator):
    """Deterministic fake: forecasts the last value it saw and reports the length it was fitted on."""

    def fit(self, y):
        self.n_seen_, self.last_seen_, self.max_seen_ = len(y), float(y[-1]), float(np.max(y))
        return self

    def predict(self, h, levels=(80, 95)):
        check_is_fitted(self, "n_seen_")
        out = {"y_hat": np.full(h, self.last_seen_)}
        for level in levels:
            out[f"lo_{level}"] = np.full(h, float(self.n_seen_))
            out[f"hi_{level}"] = np.full(h, self.max_seen_)
        return pd.DataFrame(out)


def _monthly(uid: str, n: int, start: str = "2020-01-01") -> pd.DataFrame:
    # y equals the position, so a forecast reveals exactly which points the model saw.
    return pd.DataFrame({"unique_id": uid, "ds": pd.date_range(start, periods=n, freq="MS"),
                         "y": np.arange(n, dtype=float)})


def test_windows_placed_like_statsforecast():
    cv = cross_validation(_monthly("s", 24), {"rec": Recorder()}, h=3, n_windows=3, step=2, freq="MS",
                          min_train=8)
    # statsforecast: test_size = h + step * (n_windows - 1) = 7; window w's train ends 7 - 2w periods
    # before the last ds (2021-12-01), i.e. at positions 16, 18, 20.
    assert sorted(cv["cutoff"].unique()) == list(pd.to_datetime(["2021-05-01", "2021-07-01", "2021-09-01"]))
    per_cutoff = cv.groupby("cutoff")["ds"].apply(list).to_dict()
    assert per_cutoff[pd.Timestamp("2021-05-01")] == list(pd.to_datetime(["2021-06-01", "2021-07-01", "2021-08-01"]))
    assert per_cutoff[pd.Timestamp("2021-09-01")] == list(pd.to_datetime(["2021-10-01", "2021-11-01", "2021-12-01"]))
    assert list(cv.columns) == ["unique_id", "cutoff", "ds", "y", "model", "y_hat", "lo_80", "hi_80", "lo_95", "hi_95"]
    assert cv["y"].tolist() == [17, 18, 19, 19, 20, 21, 21, 22, 23]


def test_no_window_sees_past_its_cutoff():
    panel = pd.concat([_monthly("long", 40), _monthly("late", 30, start="2021-06-01")])
    cv = cross_validation(panel, {"rec": Recorder()}, h=4, n_windows=3, step=3, freq="MS", min_train=8)
    y_at_cutoff = panel.set_index(["unique_id", "ds"])["y"]
    seen_last = y_at_cutoff.loc[list(zip(cv["unique_id"], cv["cutoff"], strict=True))].to_numpy()
    np.testing.assert_array_equal(cv["y_hat"], seen_last)  # the last value seen is the cutoff's
    np.testing.assert_array_equal(cv["hi_80"], seen_last)  # and nothing later was seen
    np.testing.assert_array_equal(cv["lo_80"], seen_last + 1)  # fitted on positions 0..cutoff
    assert (cv["ds"] > cv["cutoff"]).all()
    # each series' last window ends at its own last observation
    assert cv.groupby("unique_id")["ds"].max().to_dict() == {
        "late": pd.Timestamp("2023-11-01"), "long": pd.Timestamp("2023-04-01")}


def test_short_series_get_fewer_windows_or_none(caplog):
    panel = pd.concat([_monthly("full", 40), _monthly("two", 29), _monthly("none", 26)])
    plan = plan_windows(panel, h=3, n_windows=3, step=2, freq="MS")
    assert dict(zip(plan["unique_id"], plan["n_windows"], strict=True)) == {"full": 3, "none": 0, "two": 2}
    with caplog.at_level(logging.WARNING, logger="forecasting.backtest"):
        cv = cross_validation(panel, {"naive": Naive()}, h=3, n_windows=3, step=2, freq="MS")
    assert cv.groupby("unique_id")["cutoff"].nunique().to_dict() == {"full": 3, "two": 2}
    # the kept windows are the latest ones, and the first keeps min_train = 24 points
    assert cv.loc[cv["unique_id"] == "two", "cutoff"].min() == pd.Timestamp("2021-12-01")
    assert "none" in caplog.text and "too short to backtest" in caplog.text


def test_annual_min_train_is_four_points():
    panel = pd.DataFrame({"unique_id": "ipeds", "ds": pd.date_range("2020-01-01", periods=5, freq="YS"),
                          "y": [120.0, 135.0, 128.0, 150.0, 161.0]})
    cv = cross_validation(panel, {"naive": Naive()}, h=1, n_windows=3, step=1, freq="YS")
    assert cv["cutoff"].tolist() == [pd.Timestamp("2023-01-01")] and cv["y_hat"].tolist() == [150.0]


def test_no_series_long_enough_gives_an_empty_typed_frame():
    cv = cross_validation(_monthly("tiny", 10), {"naive": Naive()}, h=3, n_windows=1, step=1, freq="MS")
    assert cv.empty and str(cv["cutoff"].dtype).startswith("datetime64") and cv["y_hat"].dtype == "float64"


def test_backtest_and_forecast_match_separate_fits_per_series_horizon():
    panel = pd.concat([_monthly("a", 30), _monthly("b", 20, "2021-01-01"), _monthly("c", 9)], ignore_index=True)
    panel["y"] = panel["y"] ** 1.3
    models = {"naive": Naive(), "drift": Drift()}
    cv, fc = backtest_and_forecast(panel, models, pd.Series({"a": 3, "b": 2, "c": 0}), n_windows=2, step=2,
                                   freq="MS", min_train=8, horizon=4)
    expected = pd.concat([cross_validation(panel[panel["unique_id"] == uid], models, h=h, n_windows=2, step=2,
                                           freq="MS", min_train=8) for uid, h in (("a", 3), ("b", 2))],
                         ignore_index=True)
    pd.testing.assert_frame_equal(cv, expected)
    assert fc["unique_id"].value_counts().to_dict() == {"a": 8, "b": 8, "c": 8}
    last_b = panel[panel["unique_id"] == "b"]
    b = fc[(fc["unique_id"] == "b") & (fc["model"] == "drift")]
    np.testing.assert_allclose(b[["y_hat", "lo_80", "hi_80", "lo_95", "hi_95"]].to_numpy(),
                               Drift().fit(last_b["y"].to_numpy()).predict(4).to_numpy())
    assert b["ds"].tolist() == list(pd.date_range("2022-09-01", periods=4, freq="MS"))
    assert fc["ds"].dtype == panel["ds"].dtype


def test_warm_started_backtest_matches_cold_fits():
    panel = _monthly("s", 40)
    panel["y"] = 10 + panel["y"] + np.sin(panel["y"])
    cold = cross_validation(panel, {"ets": ETS()}, h=3, n_windows=3, step=3, freq="MS", min_train=8)
    warm = cross_validation(panel, {"ets": ETS(warm_start=True)}, h=3, n_windows=3, step=3, freq="MS", min_train=8)
    pd.testing.assert_frame_equal(warm[["unique_id", "cutoff", "ds", "y"]], cold[["unique_id", "cutoff", "ds", "y"]])
    np.testing.assert_allclose(warm["y_hat"], cold["y_hat"], rtol=1e-3)
