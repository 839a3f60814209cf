"""forecast_panel end to end: defaults, selection rows, clipping, short series, validation, workers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecasting import forecast_panel

OUT_COLS = ["unique_id", "ds", "model", "y_hat", "lo_80", "hi_80", "lo_95", "hi_95", "selected_model"]


def _series(uid: str, y, start: str = "2019-01-01", freq: str = "MS") -> pd.DataFrame:
    return pd.DataFrame({"unique_id": uid, "ds": pd.date_range(start, periods=len(y), freq=freq),
                         "y": np.asarray(y, dtype=float)})


def _trend(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return 200 + 1.5 * np.arange(n) + rng.normal(0, 4, n)


@pytest.fixture(scope="module")
def monthly_panel() -> pd.DataFrame:
    counts = np.random.default_rng(5).poisson(0.6, 40)
    return pd.concat([_series("trend_a", _trend(60, 1)), _series("trend_b", _trend(36, 2)),
                      _series("counts", counts), _series("tiny", [3, 4, 5, 4, 6, 7])], ignore_index=True)


@pytest.fixture(scope="module")
def monthly_result(monthly_panel):
    return forecast_panel(monthly_panel, "MS", horizon=6, backtest_windows=3, step=3, nonnegative={"counts"})


def test_monthly_defaults_and_output_shape(monthly_result):
    f = monthly_result.forecasts
    assert list(f.columns) == OUT_COLS
    assert set(f["model"]) == {"naive", "seasonal_naive", "ets", "tsb", "gbm", "ensemble", "selected"}
    assert (f.groupby(["unique_id", "model"]).size() == 6).all()
    assert f.loc[f["unique_id"] == "trend_a", "ds"].min() == pd.Timestamp("2024-01-01")
    assert list(monthly_result.backtest.columns) == [
        "unique_id", "cutoff", "ds", "y", "model", "y_hat", "lo_80", "hi_80", "lo_95", "hi_95"]


def test_selected_rows_copy_the_chosen_model(monthly_result):
    f, q = monthly_result.forecasts, monthly_result.quality
    chosen = q[q["is_selected"]].set_index("unique_id")["model"]
    assert chosen.index.tolist() == ["counts", "tiny", "trend_a", "trend_b"]  # one choice per series
    sel = f[f["model"] == "selected"]
    assert (sel["selected_model"] == sel["unique_id"].map(chosen)).all()
    assert f.loc[f["model"] != "selected", "selected_model"].isna().all()
    for uid, model in chosen.items():
        a = sel.loc[sel["unique_id"] == uid, ["ds", "y_hat", "lo_95", "hi_95"]].to_numpy()
        b = f.loc[(f["unique_id"] == uid) & (f["model"] == model), ["ds", "y_hat", "lo_95", "hi_95"]].to_numpy()
        np.testing.assert_array_equal(a, b)


def test_too_short_series_is_reported_and_gets_naive_without_seasons_to_test(monthly_result):
    q = monthly_result.quality.set_index(["unique_id", "model"])
    assert q.loc[("tiny", "naive"), "is_selected"]
    assert q.loc[("tiny", "ets"), "n_windows"] == 0 and np.isnan(q.loc[("tiny", "ets"), "mase"])
    assert q.loc[("tiny", "ets"), "reason"] == ("too short to backtest: naive (6 points, fewer than the 36"
                                                " (3 seasons) that could show seasonality)")
    assert "tiny" not in set(monthly_result.backtest["unique_id"])
    # 36 points: h = 6 fits, and 36 - 6 - 24 = 6 leaves room for all 3 windows, 3 periods apart
    assert q.loc[("trend_b", "ets"), "horizon"] == 6 and q.loc[("trend_b", "ets"), "n_windows"] == 3


def test_short_series_gets_naive_and_keeps_the_baseline_without_it():
    season = 20 * np.sin(2 * np.pi * np.arange(60) / 12)
    parts = [_series(f"g/long_{i}", _trend(60, i) + season) for i in range(3)]
    parts.append(_series("g/short", (_trend(60, 9) + season)[-24:], start="2022-01-01"))  # 2 seasons: no window
    panel = pd.concat(parts, ignore_index=True)
    q = forecast_panel(panel, "MS", horizon=6, backtest_windows=2, step=3).quality
    q = q[q["is_selected"]].set_index("unique_id")
    assert q.loc["g/short", "model"] == "naive"
    assert q.loc["g/long_0", "reason"].startswith("group g: ")  # the siblings are chosen as before
    # without naive in the model list the baseline stays
    q = forecast_panel(panel, "MS", horizon=6, backtest_windows=2, step=3, models=["ets"]).quality
    assert q[q["is_selected"]].set_index("unique_id").loc["g/short", "reason"] == (
        "too short to backtest: seasonal_naive kept")


def test_a_count_with_no_event_yet_gets_an_upper_bound_above_zero():
    from forecasting.intervals import zero_history_upper

    # 11 zeros: the rate's upper limit is ln(10) / 11 = 0.21 (80%: P(0) 0.81 < 0.90, so 1) and ln(40) / 11 =
    # 0.34 (95%: P(<= 1) 0.955 < 0.975, so 2)
    assert zero_history_upper(11, 80) == 1.0 and zero_history_upper(11, 95) == 2.0
    assert zero_history_upper(30, 80) == 0.0 and zero_history_upper(30, 95) == 1.0  # ln(10)/30: P(0) > 0.9
    panel = pd.concat([_series("z/none", np.zeros(30)), _series("z/late", np.r_[np.zeros(27), [2, 0, 1]]),
                       _series("z/short", np.zeros(11), start="2020-07-01")], ignore_index=True)
    r = forecast_panel(panel, "MS", 3, 2, 3, nonnegative={"z/none", "z/late", "z/short"})
    sel = r.forecasts[r.forecasts["model"] == "selected"].set_index("unique_id")
    assert (sel.loc["z/short", "hi_80"] == 1.0).all() and (sel.loc["z/short", "hi_95"] == 2.0).all()
    assert (sel.loc["z/none", "hi_95"] >= 1.0).all() and (sel.loc[:, "lo_80"] >= 0).all()
    bt = r.backtest.set_index("unique_id")
    assert (bt.loc["z/none", "hi_95"] >= 1.0).all()  # every cutoff of a series still without an event
    # the history is read up to each row's cutoff: before z/late's first event its bounds are raised, after it not
    from forecasting.intervals import widen_zero_histories

    rows = pd.DataFrame({"unique_id": "z/late", "cutoff": pd.to_datetime(["2021-03-01", "2021-07-01"]),
                         "ds": pd.to_datetime(["2021-04-01", "2021-08-01"]), "y_hat": 0.0,
                         "lo_80": 0.0, "hi_80": 0.0, "lo_95": 0.0, "hi_95": 0.0})
    out = widen_zero_histories(rows, panel, {"z/late"}, (80, 95), at="cutoff")
    assert out["hi_95"].tolist() == [1.0, 0.0] and out["hi_80"].tolist() == [0.0, 0.0]  # 27 zeros, then an event
    assert widen_zero_histories(rows, panel, {"z/none"}, (80, 95), at="cutoff").equals(rows)  # not a listed id


def test_nonnegative_clips_only_the_named_count_series(monthly_result):
    f, bt = monthly_result.forecasts, monthly_result.backtest
    cols = ["y_hat", "lo_80", "hi_80", "lo_95", "hi_95"]
    assert (f.loc[f["unique_id"] == "counts", cols] >= 0).all().all()
    assert (bt.loc[bt["unique_id"] == "counts", cols] >= 0).all().all()
    assert (f.loc[f["unique_id"] == "counts", "lo_95"] == 0).any()  # clipping actually happened
    tiny = forecast_panel(_series("tiny", [3, 4, 5, 4, 6, 7]), "MS", 24, 1, 1).forecasts
    assert (tiny["lo_95"] < 0).any()  # unclipped by default


def test_quality_by_horizon_has_steps_and_selection(monthly_result):
    qh = monthly_result.quality_by_horizon
    a = qh[(qh["unique_id"] == "trend_a") & (qh["model"] == "ets")]
    assert a["step"].tolist() == [1, 2, 3, 4, 5, 6] and (a["n_windows"] == 3).all()
    assert qh["is_selected"].dtype == bool


def test_quality_by_cutoff_has_one_row_per_window_and_averages_back(monthly_result):
    qc, q = monthly_result.quality_by_cutoff, monthly_result.quality.set_index(["unique_id", "model"])
    a = qc[(qc["unique_id"] == "trend_a") & (qc["model"] == "ets")]
    assert len(a) == 3 and a["cutoff"].is_monotonic_increasing and (a["n_windows"] == 1).all()
    assert a["coverage_80"].mean() == pytest.approx(q.loc[("trend_a", "ets"), "coverage_80"])
    assert qc["is_selected"].dtype == bool and qc.loc[qc["is_selected"], "unique_id"].nunique() == 3  # not tiny


def test_ets_beats_naive_on_a_trending_series():
    r = forecast_panel(_series("ai_jobs", _trend(80, 11)), "MS", horizon=12, backtest_windows=3, step=3)
    q = r.quality.set_index("model")
    assert q.loc["ets", "mase"] < q.loc["naive", "mase"] < q.loc["seasonal_naive", "mase"]
    # the ensemble (ETS + GBM + naive) is preferred once it beats the baseline (forecasting/select.py)
    assert q.loc["ensemble", "mase"] < q.loc["seasonal_naive", "mase"] and q.loc["ensemble", "is_selected"]
    assert q.loc["ets", "reason"].startswith("group ai_jobs: ensemble mean MASE ")


def test_short_annual_series_gets_forecasts_with_intervals():
    ipeds = _series("ipeds_cip_11", [120, 135, 128, 150, 161], start="2020-01-01", freq="YS")
    r = forecast_panel(ipeds, "YS", horizon=3, backtest_windows=3, step=1)
    f = r.forecasts
    # no total in the panel: constant_share has no rows, so the annual ensemble (drift + constant_share) has
    # one member and is not formed
    assert set(f["model"]) == {"naive", "drift", "ets", "selected"}
    assert f["ds"].drop_duplicates().tolist() == list(pd.to_datetime(["2025-01-01", "2026-01-01", "2027-01-01"]))
    assert f[["lo_80", "hi_80", "lo_95", "hi_95"]].notna().all().all()
    assert (f["lo_95"] < f["y_hat"]).all() and (f["y_hat"] < f["hi_95"]).all()
    # 4 training points are needed, so one window with a backtest horizon of 1
    assert r.backtest["cutoff"].unique().tolist() == [pd.Timestamp("2023-01-01")]
    assert (r.quality["horizon"] == 1).all()


def test_baseline_is_always_added_and_unknown_models_fail():
    r = forecast_panel(_series("x", _trend(40, 3)), "MS", 3, 1, 1, models=["ets"])
    assert set(r.quality["model"]) == {"seasonal_naive", "ets"}
    with pytest.raises(ValueError, match="unknown model"):
        forecast_panel(_series("x", _trend(40, 3)), "MS", 3, 1, 1, models=["arima_typo"])


def test_validation_errors_name_the_series():
    gappy = pd.concat([_series("ok", _trend(30, 1)), _series("jobs_mi", _trend(30, 2)).drop(index=[10])])
    with pytest.raises(ValueError, match="series 'jobs_mi' has a gap: MS ds 2019-11-01 is missing"):
        forecast_panel(gappy, "MS", 3, 1, 1)
    with pytest.raises(ValueError, match="not in the panel: \\['nope'\\]"):
        forecast_panel(_series("ok", _trend(30, 1)), "MS", 3, 1, 1, nonnegative={"nope"})


def test_two_workers_give_identical_frames(monthly_panel, monthly_result):
    r2 = forecast_panel(monthly_panel, "MS", horizon=6, backtest_windows=3, step=3, nonnegative={"counts"},
                        workers=2)
    for name in ("forecasts", "backtest", "quality", "quality_by_horizon", "quality_by_cutoff"):
        pd.testing.assert_frame_equal(getattr(r2, name), getattr(monthly_result, name))


def test_settings_model_list_applies_to_monthly_series_only(monkeypatch):
    from core.settings import Settings
    from forecasting.warehouse import ForecastPlan, forecast_frames

    monkeypatch.setenv("TALENTCAST_MODELS", "naive, tsb,")
    names = Settings().model_names()
    assert names == ("naive", "tsb") and Settings(models="").model_names() is None
    panel = pd.concat([_series("m/a", _trend(40, 1)),
                       _series("y/b", [120, 135, 128, 150, 161, 170], start="2018-01-01", freq="YS")])
    series = pd.DataFrame({"unique_id": ["m/a", "y/b"], "freq": ["MS", "YS"], "nonnegative": [False, False]})
    r = forecast_frames(panel, series, ForecastPlan(horizon_months=3, horizon_years=2, backtest_windows=1,
                                                    models_monthly=names))
    models = r.forecasts.groupby("unique_id")["model"].agg(set)
    assert models["m/a"] == {"seasonal_naive", "naive", "tsb", "selected"}  # the baseline is always run
    assert {"drift", "ets"} <= models["y/b"]  # annual series keep the registry's defaults


def test_weekly_series_get_the_plans_weeks_not_its_years(monkeypatch):
    from core.settings import Settings
    from forecasting.warehouse import ForecastPlan, forecast_frames

    monkeypatch.setenv("TALENTCAST_HORIZON_WEEKS", "6")
    monkeypatch.setenv("TALENTCAST_BACKTEST_STEP_WEEKS", "4")
    settings = Settings()
    assert (settings.horizon_weeks, settings.backtest_step_weeks) == (6, 4)
    plan = ForecastPlan(horizon_years=2, backtest_windows=2, horizon_weeks=settings.horizon_weeks,
                        step_weeks=settings.backtest_step_weeks, models_monthly=("naive", "tsb"))
    assert plan.for_freq("W-MON") == (6, 4) and plan.for_freq("YS") == (2, 1)
    assert ForecastPlan().for_freq("W-MON") == (13, 4)
    panel = _series("w/a", _trend(120, 1), start="2022-01-03", freq="W-MON")  # 2 seasons (104) to train
    series = pd.DataFrame({"unique_id": ["w/a"], "freq": ["W-MON"], "nonnegative": [False]})
    r = forecast_frames(panel, series, plan)
    selected = r.forecasts[r.forecasts["model"] == "selected"]
    assert len(selected) == 6 and selected["ds"].min() == panel["ds"].max() + pd.Timedelta(weeks=1)
    cutoffs = sorted(r.backtest["cutoff"].unique())
    assert len(cutoffs) == 2 and cutoffs[1] - cutoffs[0] == pd.Timedelta(weeks=4)
