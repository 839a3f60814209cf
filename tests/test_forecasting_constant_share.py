"""The BLS-style constant share baseline: share x projected total, estimator rules, backtest rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from forecasting.models import Drift
from forecasting.registry import GLOBAL_REGISTRY, build_global_models
from forecasting.run import forecast_panel
from forecasting.share_model import ConstantShare, ancestor

DS = pd.date_range("2010-01-01", periods=10, freq="YS")
TOTAL = np.array([100.0, 104, 107, 113, 115, 121, 124, 128, 133, 137])
SHARE_A = np.array([0.20, 0.21, 0.21, 0.22, 0.23, 0.23, 0.24, 0.25, 0.25, 0.26])


def _panel() -> pd.DataFrame:
    rows = [("emp/US/oews", TOTAL), ("emp/US/oews/a", SHARE_A * TOTAL),
            ("emp/US/oews/b", 0.05 * TOTAL + np.arange(10) % 3), ("supply/US/x", 50 + np.arange(10.0))]
    return pd.concat([pd.DataFrame({"unique_id": u, "ds": DS, "y": y}) for u, y in rows], ignore_index=True)


def test_follows_sklearn_rules_and_is_registered():
    model = GLOBAL_REGISTRY["constant_share"](1)
    assert isinstance(model, ConstantShare)
    assert build_global_models(["constant_share"], "YS", 4)["constant_share"].max_horizon == 4
    params = model.get_params()
    assert clone(model).get_params() == params
    with pytest.raises(NotFittedError):
        model.predict(2)
    before = set(vars(model))
    assert model.fit(_panel(), "YS") is model
    learned = set(vars(model)) - before
    assert learned and all(a.endswith("_") and not a.startswith("_") for a in learned)
    assert model.get_params() == params
    with pytest.raises(NotFittedError):
        clone(model).predict(2)
    with pytest.raises(ValueError, match="max_horizon"):
        model.predict(6)


def test_ancestor_is_the_nearest_prefix_present():
    ids = {"emp", "emp/US/oews", "emp/US/oews/a"}
    assert ancestor("emp/US/oews/a", ids) == "emp/US/oews"
    assert ancestor("emp/US/other", ids) == "emp"
    assert ancestor("supply/US/x", ids) is None


def test_forecast_is_last_share_times_drift_of_the_total():
    fc = ConstantShare(max_horizon=3).fit(_panel(), "YS").predict(3)
    a = fc[fc["unique_id"] == "emp/US/oews/a"]
    total = Drift().fit(TOTAL).predict(3)["y_hat"].to_numpy()
    np.testing.assert_allclose(a["y_hat"], SHARE_A[-1] * total)
    assert list(a["ds"]) == list(pd.date_range("2020-01-01", periods=3, freq="YS"))
    # the total is its own share 1: its drift projection; a series outside any hierarchy gets no rows
    np.testing.assert_allclose(fc.loc[fc["unique_id"] == "emp/US/oews", "y_hat"], total)
    assert set(fc["unique_id"]) == {"emp/US/oews", "emp/US/oews/a", "emp/US/oews/b"}
    for uid, rows in fc.groupby("unique_id"):
        assert (rows["lo_95"] < rows["lo_80"]).all() and (rows["lo_80"] < rows["y_hat"]).all(), uid
        assert (rows["y_hat"] < rows["hi_80"]).all() and (rows["hi_80"] < rows["hi_95"]).all(), uid
        assert (np.diff((rows["hi_80"] - rows["lo_80"]).to_numpy()) > 0).all(), uid


def test_later_origin_reads_the_total_only_up_to_the_series_cutoff():
    panel = _panel()
    model = ConstantShare(max_horizon=2).fit(panel[panel["ds"] <= "2016-01-01"], "YS")
    history = panel[(panel["unique_id"] == "emp/US/oews/a") & (panel["ds"] <= "2017-01-01")]
    fc = model.predict(2, panel=history)
    # the fit saw the total to 2016; the series' own 2017 point needs the total's 2017 value, unknown
    # to the model, so the share is held from 2016 and the total projected two and three steps on
    total = Drift().fit(TOTAL[:7]).predict(3)["y_hat"].to_numpy()[1:]
    np.testing.assert_allclose(fc["y_hat"], SHARE_A[6] * total)
    assert list(fc["ds"]) == [pd.Timestamp("2018-01-01"), pd.Timestamp("2019-01-01")]


def test_backtest_rows_and_scores_in_the_annual_run():
    result = forecast_panel(_panel(), "YS", 2, 3, 1, models=["naive", "drift", "constant_share"])
    bt = result.backtest[result.backtest["model"] == "constant_share"]
    assert set(bt["unique_id"]) == {"emp/US/oews", "emp/US/oews/a", "emp/US/oews/b"}
    assert bt.groupby("unique_id")["cutoff"].nunique().eq(3).all()
    a = bt[(bt["unique_id"] == "emp/US/oews/a") & (bt["cutoff"] == pd.Timestamp("2015-01-01"))]
    total = Drift().fit(TOTAL[:6]).predict(2)["y_hat"].to_numpy()
    np.testing.assert_allclose(a["y_hat"], SHARE_A[5] * total)
    np.testing.assert_allclose(a["y"], (SHARE_A * TOTAL)[6:8])
    scored = result.quality[result.quality["model"] == "constant_share"]
    assert set(scored["unique_id"]) == set(bt["unique_id"]) and scored["mase"].notna().all()
    assert set(result.forecasts.loc[result.forecasts["model"] == "constant_share", "unique_id"]) == set(bt["unique_id"])
    # every series still gets a published ('selected') forecast
    assert set(result.forecasts.loc[result.forecasts["model"] == "selected", "unique_id"]) == set(_panel()["unique_id"])
