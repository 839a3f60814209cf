"""Forecasters follow sklearn's estimator rules and give exact baseline forecasts and intervals."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy.stats import norm
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from forecasting.models import ETS, Drift, Naive, SeasonalNaive
from forecasting.registry import MODEL_REGISTRY, build_models

Z80, Z95 = norm.ppf(0.9), norm.ppf(0.975)
TREND = 50 + 0.8 * np.arange(60) + np.random.default_rng(3).normal(0, 2, 60)


@pytest.mark.parametrize("name", sorted(MODEL_REGISTRY))
def test_registry_models_follow_sklearn_rules(name):
    model = MODEL_REGISTRY[name](12)
    params = model.get_params()
    twin = clone(model)
    assert twin is not model and twin.get_params() == params
    with pytest.raises(NotFittedError):
        model.predict(3)
    before = set(vars(model))
    assert model.fit(TREND) is model
    learned = set(vars(model)) - before
    assert learned and all(a.endswith("_") and not a.startswith("_") for a in learned)
    assert model.get_params() == params  # fit never rewrites parameters
    with pytest.raises(NotFittedError):
        clone(model).predict(3)  # a clone drops what was learned
    fc = model.predict(4)
    assert list(fc.columns) == ["y_hat", "lo_80", "hi_80", "lo_95", "hi_95"] and len(fc) == 4


def test_naive_exact_forecast_and_sqrt_h_intervals():
    fc = Naive().fit(np.array([1.0, 2.0, 4.0, 7.0])).predict(3)
    sigma = np.sqrt((1 + 4 + 9) / 3)  # RMS of one-step residuals 1, 2, 3
    np.testing.assert_allclose(fc["y_hat"], [7, 7, 7])
    np.testing.assert_allclose(fc["hi_95"] - fc["y_hat"], Z95 * sigma * np.sqrt([1, 2, 3]))
    np.testing.assert_allclose(fc["y_hat"] - fc["lo_80"], Z80 * sigma * np.sqrt([1, 2, 3]))


def test_seasonal_naive_exact_forecast_and_seasonal_scaling():
    y = np.array([1.0, 2.0, 3.0, 5.0, 4.0, 6.0])
    model = SeasonalNaive(season_length=2).fit(y)
    fc = model.predict(5)
    sigma = np.sqrt((4 + 9 + 1 + 1) / 4)  # y[t] - y[t-2] = 2, 3, 1, 1
    assert model.fallback_ is None and model.season_length_ == 2
    np.testing.assert_allclose(fc["y_hat"], [4, 6, 4, 6, 4])
    np.testing.assert_allclose(fc["hi_95"] - fc["y_hat"], Z95 * sigma * np.sqrt([1, 1, 2, 2, 3]))


def test_seasonal_naive_falls_back_to_naive_below_two_seasons():
    y = np.arange(20, dtype=float) ** 1.5
    model = SeasonalNaive(season_length=12).fit(y)
    assert model.fallback_ == "naive" and model.season_length_ == 1
    assert model.get_params() == {"season_length": 12}
    np.testing.assert_allclose(model.predict(3).to_numpy(), Naive().fit(y).predict(3).to_numpy())


def test_drift_exact_forecast_and_intervals():
    fc = Drift().fit(np.array([1.0, 3.0, 4.0, 8.0])).predict(2)
    slope = 7 / 3
    sigma = np.sqrt(((1 / 3) ** 2 + (4 / 3) ** 2 + (5 / 3) ** 2) / 3)  # diffs 2, 1, 4 minus the slope
    np.testing.assert_allclose(fc["y_hat"], [8 + slope, 8 + 2 * slope])
    h = np.array([1, 2])
    np.testing.assert_allclose(fc["hi_80"] - fc["y_hat"], Z80 * sigma * np.sqrt(h * (1 + h / 3)))


def test_custom_levels_name_the_columns():
    fc = Naive().fit(np.array([1.0, 2.0, 3.0])).predict(2, levels=(50,))
    assert list(fc.columns) == ["y_hat", "lo_50", "hi_50"]
    with pytest.raises(ValueError, match="level"):
        Naive().fit(np.array([1.0, 2.0])).predict(2, levels=(100,))


def test_single_point_series_has_undefined_intervals():
    fc = Naive().fit(np.array([5.0])).predict(2)
    assert fc["y_hat"].tolist() == [5.0, 5.0] and fc["lo_95"].isna().all()


def test_ets_fits_damped_trend_with_nested_widening_intervals():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # statsmodels warnings are silenced inside the model
        model = ETS().fit(TREND)
        fc = model.predict(6)
    assert model.spec_ == "AAdN" and model.fallback_ is None
    assert (fc["lo_95"] < fc["lo_80"]).all() and (fc["lo_80"] < fc["y_hat"]).all()
    assert (fc["y_hat"] < fc["hi_80"]).all() and (fc["hi_80"] < fc["hi_95"]).all()
    assert np.all(np.diff(fc["hi_95"] - fc["lo_95"]) > 0)
    assert fc["y_hat"].iloc[0] > TREND[-10:].mean()  # follows the upward trend


@pytest.mark.parametrize("spec", [{}, {"damped_trend": False}, {"trend": None},
                                  {"seasonal": "add", "season_length": 12}])
def test_ets_fast_intervals_equal_statsmodels_get_prediction(spec):
    # predict_values reads statsmodels' exact variance directly (a private method): pin it to the public path
    import pandas as pd
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    y = TREND + 5 * np.sin(np.arange(60) * np.pi / 6)
    model = ETS(**spec).fit(y)
    trend, damped = spec.get("trend", "add"), spec.get("damped_trend", True) and spec.get("trend", "add") is not None
    seasonal = spec.get("seasonal")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = ETSModel(pd.Series(y), error="add", trend=trend, damped_trend=damped, seasonal=seasonal,
                       seasonal_periods=12 if seasonal else None).fit(disp=False)
        pred = ref.get_prediction(start=60, end=65)
    expected = [np.asarray(pred.predicted_mean)]
    for level in (80, 95):
        frame = pred.summary_frame(alpha=1 - level / 100.0)
        expected += [frame["pi_lower"].to_numpy(), frame["pi_upper"].to_numpy()]
    np.testing.assert_allclose(model.predict_values(6, (80, 95)), np.column_stack(expected), rtol=1e-12)
    np.testing.assert_array_equal(model.predict(6).to_numpy(), model.predict_values(6, (80, 95)))


def test_ets_warm_start_refits_from_the_previous_parameters():
    cold = ETS().fit(TREND)
    warm = ETS(warm_start=True).fit(TREND[:50])
    assert warm.fit(TREND) is warm and warm.spec_ == "AAdN"
    assert warm.result_.mle_retvals["iterations"] < cold.result_.mle_retvals["iterations"]
    np.testing.assert_allclose(warm.predict(6).to_numpy(), cold.predict(6).to_numpy(), rtol=1e-3)
    assert clone(warm).get_params()["warm_start"] is True and not hasattr(clone(warm), "result_")


def test_ets_falls_back_and_records_why_on_a_short_series():
    y = np.array([120.0, 135.0, 128.0, 150.0, 161.0])
    model = ETS().fit(y)
    assert model.spec_ == "naive" and "AAdN: 5 points too few" in model.fallback_
    np.testing.assert_allclose(model.predict(3).to_numpy(), Naive().fit(y).predict(3).to_numpy())


def test_ets_drops_seasonality_when_under_two_seasons():
    model = ETS(seasonal="add", season_length=12).fit(TREND[:20])
    assert model.spec_ == "AAdN" and model.fallback_.startswith("AAdA")


def test_ets_rejects_multiplicative_components():
    with pytest.raises(ValueError, match="trend must be None or 'add'"):
        ETS(trend="mul").fit(TREND)


def test_build_models_names_unknown_models():
    with pytest.raises(ValueError, match="prophet"):
        build_models(["naive", "prophet"], "MS")
    assert build_models(["seasonal_naive"], "YS")["seasonal_naive"].season_length == 1


def test_ets_max_points_fits_the_last_points_only():
    recent = ETS(max_points=36).fit(TREND)
    alone = ETS().fit(TREND[-36:])
    assert recent.n_obs_ == 36 and recent.spec_ == alone.spec_ == "AAdN"
    np.testing.assert_allclose(recent.predict(6).to_numpy(), alone.predict(6).to_numpy())
    # more points than the series has: the whole series
    np.testing.assert_allclose(ETS(max_points=500).fit(TREND).predict(3).to_numpy(),
                               ETS().fit(TREND).predict(3).to_numpy())
    with pytest.raises(ValueError, match="max_points"):
        ETS(max_points=0).fit(TREND)


def test_monthly_defaults_learn_from_the_recent_past_only():
    from forecasting.registry import (RECENT_ETS_POINTS, RECENT_ETS_WEEKS, RECENT_GBM_ORIGINS, RECENT_GBM_WEEKS,
                                      build_global_models)

    monthly, weekly, annual = (build_models(["ets"], f)["ets"] for f in ("MS", "W-MON", "YS"))
    assert monthly.max_points == RECENT_ETS_POINTS == 36 and monthly.select_trend
    assert weekly.max_points == RECENT_ETS_WEEKS == 156 and weekly.select_trend  # three years, as monthly
    assert annual.max_points is None and not annual.select_trend  # not measured there: whole history
    assert build_global_models(["gbm"], "MS", 6)["gbm"].max_origins == RECENT_GBM_ORIGINS == 12
    assert build_global_models(["gbm"], "W-MON", 6)["gbm"].max_origins == RECENT_GBM_WEEKS == 52  # a year
    assert build_global_models(["gbm"], "YS", 6)["gbm"].max_origins is None


def test_ets_select_trend_keeps_the_form_with_the_lower_aicc():
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    level = 100 + np.random.default_rng(7).normal(0, 2, 40)  # no trend to extrapolate
    for y, winner, twin in ((TREND, "AAdN", ETS()), (level, "ANN", ETS(trend=None))):
        model = ETS(select_trend=True).fit(y)
        assert set(model.aicc_) == {"AAdN", "ANN"} and model.spec_ == winner
        assert min(model.aicc_, key=model.aicc_.get) == winner
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ann = ETSModel(y, error="add", trend=None).fit(disp=False)
        assert model.aicc_["ANN"] == pytest.approx(ann.aicc)
        np.testing.assert_allclose(model.predict(6).to_numpy(), twin.fit(y).predict(6).to_numpy(), rtol=1e-9)
    # without select_trend only the requested form is fitted; the registry chooses the form for monthly series
    assert set(ETS().fit(level).aicc_) == {"AAdN"}
    assert MODEL_REGISTRY["ets"](12).select_trend and not MODEL_REGISTRY["ets"](1).select_trend


def test_ets_select_trend_warm_starts_both_candidates():
    warm = ETS(select_trend=True, warm_start=True).fit(TREND[:50])
    first = {k: v.copy() for k, v in warm.start_params_.items()}
    assert set(first) == {"AAdN", "ANN"}
    warm.fit(TREND)
    cold = ETS(select_trend=True).fit(TREND)
    assert warm.spec_ == cold.spec_ == "AAdN"
    assert warm.result_.mle_retvals["iterations"] < cold.result_.mle_retvals["iterations"]
    np.testing.assert_allclose(warm.predict(6).to_numpy(), cold.predict(6).to_numpy(), rtol=1e-3)
    assert not np.allclose(first["ANN"], warm.start_params_["ANN"])  # refitted, not carried over


def test_fitted_form_names_what_the_fit_became():
    from forecasting.arima import AutoARIMA
    from forecasting.local_models import Theta

    model = ETS(select_trend=True).fit(TREND)
    assert model.fitted_form() == (f"ETS(A,Ad,N): AICc {model.aicc_['AAdN']:.1f} < ETS(A,N,N) "
                                   f"{model.aicc_['ANN']:.1f}")
    assert ETS().fit(TREND).fitted_form() == "ETS(A,Ad,N)"
    short = ETS().fit(np.array([120.0, 135.0, 128.0, 150.0, 161.0]))
    assert short.fitted_form().startswith("naive: AAdN: 5 points too few")
    seasonal = ETS(seasonal="add", season_length=12).fit(TREND[:20])  # under two seasons: non-seasonal
    assert seasonal.fitted_form().startswith("ETS(A,Ad,N) (fell back: AAdA: 20 points too few")
    arima = AutoARIMA(max_order=1, d=1).fit(TREND)
    p, d, q = arima.order_
    assert arima.fitted_form().startswith(f"ARIMA({p},1,{q}) with")
    assert Theta().fit(TREND[:3]).fitted_form() == "fell back: 3 points too few: naive used"
    assert Naive().fit(TREND).fitted_form() is None
