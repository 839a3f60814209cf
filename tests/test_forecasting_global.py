"""The global gradient-boosting model: SQL features on hand-made rows, estimator rules, panel-level backtest."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from forecasting.backtest import cross_validation
from forecasting.global_backtest import global_cross_validation
from forecasting.global_model import GlobalGBM, GlobalModel, build_features
from forecasting.models import Naive
from forecasting.panel import validate_panel
from forecasting.run import forecast_panel


def _series(uid: str, y, start: str = "2020-01-01") -> pd.DataFrame:
    return pd.DataFrame({"unique_id": uid, "ds": pd.date_range(start, periods=len(y), freq="MS"),
                         "y": np.asarray(y, dtype=float)})


def test_features_are_scaled_changes_from_the_origin():
    panel = validate_panel(_series("a", [10, 20, 30, 40]))
    f = build_features(panel, "MS", n_lags=3, max_step=2).set_index(["pos", "step"]).sort_index()
    row = f.loc[(3, 1)]  # origin 2020-03 (y=30), scale = mean(|10|, |20|, |30|) = 20
    assert row["scale"] == 20.0
    assert row["lag_1"] == (20 - 30) / 20 and row["lag_2"] == (10 - 30) / 20
    assert row["roll_3"] == (20 - 30) / 20
    assert row["level"] == 1.5 and row["month"] == 4
    assert row["target"] == (40 - 30) / 20
    assert row["target_ds"] == pd.Timestamp("2020-04-01")
    assert np.isnan(f.loc[(3, 2), "target"])  # 2020-05 is past the end
    assert f.loc[(4, 2), "month"] == 6 and np.isnan(f.loc[(1, 1), "lag_1"])


def test_estimator_rules_and_naive_fallback_on_too_little_data():
    model = GlobalGBM(max_horizon=2)
    assert isinstance(model, GlobalModel)
    assert clone(model).get_params() == model.get_params()
    with pytest.raises(NotFittedError):
        model.predict(2)
    # 5 points give 3 training rows per step: too few for a tree, so the forecast is the last value
    fc = model.fit(validate_panel(_series("a", [5, 6, 7, 8, 9])), "MS").predict(2)
    assert fc["y_hat"].tolist() == [9.0, 9.0]
    assert fc["ds"].tolist() == [pd.Timestamp("2020-06-01"), pd.Timestamp("2020-07-01")]
    with pytest.raises(ValueError, match="max_horizon=2"):
        model.predict(3)


def test_one_fit_learns_a_shared_seasonal_pattern_across_levels():
    rng = np.random.default_rng(0)
    season = np.tile([0, 2, 4, 6, 4, 2, 0, -2, -4, -6, -4, -2], 6) / 10
    panel = validate_panel(pd.concat([_series(f"s{i}", level * (1 + season + rng.normal(0, 0.01, 72)))
                                      for i, level in enumerate([10, 100, 1000, 5])], ignore_index=True))
    train = panel.groupby("unique_id").head(66)
    fc = GlobalGBM(max_horizon=6).fit(train, "MS").predict(6).merge(panel, on=["unique_id", "ds"])
    naive = train.groupby("unique_id")["y"].last()
    err_gbm = (fc["y_hat"] - fc["y"]).abs().groupby(fc["unique_id"]).mean()
    err_naive = (fc["unique_id"].map(naive) - fc["y"]).abs().groupby(fc["unique_id"]).mean()
    assert (err_gbm < 0.5 * err_naive).all()


def test_global_backtest_uses_the_per_series_windows():
    panel = validate_panel(pd.concat([_series("long", np.arange(40.0)), _series("short", np.arange(30.0) * 2,
                                                                                 "2021-01-01")]))
    horizons = pd.Series({"long": 3, "short": 3})
    bt = global_cross_validation(panel, "gbm", GlobalGBM(max_horizon=3), "MS", horizons, 3, 2, 24)
    local = cross_validation(panel, {"naive": Naive()}, 3, 3, 2, "MS", min_train=24)
    keys = ["unique_id", "cutoff", "ds", "y"]
    pd.testing.assert_frame_equal(bt[keys].reset_index(drop=True), local[keys].reset_index(drop=True))
    assert set(bt["model"]) == {"gbm"} and bt[["lo_80", "hi_80"]].notna().all().all()


def test_forecast_panel_runs_gbm_and_combines_it_in_the_ensemble():
    rng = np.random.default_rng(3)
    panel = pd.concat([_series(f"s{i}", 100 + np.cumsum(rng.normal(0, 2, 48))) for i in range(6)])
    r = forecast_panel(panel, "MS", 4, 2, 2, models=["ets", "gbm", "ensemble"])
    assert {"gbm", "ensemble", "selected"} <= set(r.forecasts["model"])
    assert (r.forecasts[r.forecasts["model"] == "gbm"].groupby("unique_id").size() == 4).all()
    assert (r.backtest[r.backtest["model"] == "gbm"].groupby("unique_id")["cutoff"].nunique() == 2).all()
    assert r.quality.loc[r.quality["model"] == "gbm", "interval_method"].iloc[0] in {"model", "conformal"}


def test_fit_dates_reuse_a_fit_for_cutoffs_at_most_max_stale_periods_later():
    from forecasting.global_backtest import fit_dates
    c = [pd.Timestamp(d) for d in ("2023-01-01", "2023-03-01", "2023-04-01", "2023-05-01", "2023-09-01")]
    got = fit_dates(c, "MS", 2)
    assert [got[x].strftime("%Y-%m") for x in c] == ["2023-01", "2023-01", "2023-04", "2023-04", "2023-09"]


def test_max_origins_trains_on_each_series_latest_origins_only():
    rng = np.random.default_rng(1)
    season = np.tile([0, 2, 4, 6, 4, 2, 0, -2, -4, -6, -4, -2], 6) / 10
    panel = validate_panel(pd.concat([_series(f"s{i}", level * (1 + season + rng.normal(0, 0.02, 72)))
                                      for i, level in enumerate([10, 100, 1000, 5])], ignore_index=True))
    # change the first 24 months: outside the last 12 origins (+ 6 steps) and their 12 lags / 12-point scale
    changed = panel.copy()
    early = changed.groupby("unique_id").cumcount() < 24
    changed.loc[early, "y"] = changed.loc[early, "y"] * 3.0
    recent = GlobalGBM(max_horizon=6, max_origins=12)
    same = recent.fit(panel, "MS").predict(6)
    pd.testing.assert_frame_equal(same, clone(recent).fit(changed, "MS").predict(6))
    # with every origin the early months are training rows, and the forecast moves
    full = GlobalGBM(max_horizon=6)
    assert not np.allclose(full.fit(panel, "MS").predict(6)["y_hat"],
                           clone(full).fit(changed, "MS").predict(6)["y_hat"])


def test_min_points_leaves_out_series_with_too_little_history_and_the_ensemble_keeps_the_others():
    rng = np.random.default_rng(2)
    long_ = [_series(f"g/long_{i}", 100 + np.cumsum(rng.normal(0, 2, 48))) for i in range(4)]
    short = _series("g/short", 100 + np.cumsum(rng.normal(0, 2, 30)), start="2021-07-01")  # ends with the others
    panel = validate_panel(pd.concat([*long_, short], ignore_index=True))
    model = GlobalGBM(max_horizon=3, min_points=36).fit(panel, "MS")
    assert set(model.predict(3)["unique_id"]) == {f"g/long_{i}" for i in range(4)}
    # from each series' own end (the backtest path): the short one has 30 points, still too few
    assert "g/short" not in set(model.predict(3, panel=panel)["unique_id"])
    # the registry's monthly GBM needs 3 seasons: the short series' ensemble is ETS and naive alone
    r = forecast_panel(panel, "MS", 3, 2, 3, models=["naive", "ets", "gbm", "ensemble"])
    f = r.forecasts.set_index(["unique_id", "model", "ds"])["y_hat"]
    assert "g/short" not in set(r.forecasts.loc[r.forecasts["model"] == "gbm", "unique_id"])
    short_ens = f.xs(("g/short", "ensemble"), level=("unique_id", "model"))
    pair = (f.xs(("g/short", "ets"), level=("unique_id", "model")) + f.xs(("g/short", "naive"), level=("unique_id",
                                                                                                   "model"))) / 2
    np.testing.assert_allclose(short_ens.to_numpy(), pair.to_numpy())
    assert (r.forecasts.loc[r.forecasts["model"] == "gbm"].groupby("unique_id").size() == 3).all()
    # quality.model_form says so, and what each ETS fit became
    form = r.quality.set_index(["unique_id", "model"])["model_form"]
    assert form[("g/short", "ensemble")] == "mean of ets + naive"
    assert form[("g/long_0", "ensemble")] == "mean of ets + gbm + naive"
    assert form.xs("ets", level="model").str.match(r"ETS\(A,(N|Ad),N\): AICc -?[\d.]+ < ETS\(A,(N|Ad),N\)").all()
    assert form.xs("naive", level="model").isna().all() and form.xs("gbm", level="model").isna().all()
