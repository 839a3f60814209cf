"""AutoARIMA follows sklearn's estimator rules, picks sensible orders by AICc and keeps statsmodels' intervals."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import lfilter
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from statsmodels.tsa.arima.model import ARIMA

from forecasting.arima import AutoARIMA
from forecasting.models import Naive
from forecasting.registry import MODEL_REGISTRY

RNG = np.random.default_rng(7)
# AR(1), phi = 0.7, around 50: stationary, so KPSS keeps d = 0 and AICc should find p = 1, q = 0.
AR1 = 50 + lfilter([1.0], [1.0, -0.7], RNG.normal(0, 1, 150))
# random walk with drift 0.5: KPSS rejects level stationarity, so d = 1.
WALK = 100 + np.cumsum(RNG.normal(0.5, 1, 60))


def test_follows_sklearn_rules_and_is_registered():
    model = MODEL_REGISTRY["arima"](12)
    assert isinstance(model, AutoARIMA)
    params = model.get_params()
    assert clone(model).get_params() == params
    with pytest.raises(NotFittedError):
        model.predict(3)
    before = set(vars(model))
    assert model.fit(WALK) is model
    learned = set(vars(model)) - before
    assert {"result_", "order_", "constant_", "n_fits_", "fallback_", "n_obs_"} <= learned
    assert all(a.endswith("_") and not a.startswith("_") for a in learned)
    assert model.get_params() == params
    with pytest.raises(NotFittedError):
        clone(model).predict(3)


def test_aicc_picks_ar1_on_a_simulated_ar1():
    model = AutoARIMA().fit(AR1)
    assert model.order_ == (1, 0, 0) and model.constant_ and model.fallback_ is None
    # the grid p + q <= 2 plus the constant toggled at the best order
    assert model.n_fits_ == 7
    phi = model.result_.params[list(model.result_.model.param_names).index("ar.L1")]
    assert 0.5 < phi < 0.9
    # the registry's setting: d fixed at 1, p + q <= 1, drift toggled: 4 fits
    fixed = MODEL_REGISTRY["arima"](12).fit(AR1)
    assert fixed.order_[1] == 1 and fixed.order_[0] + fixed.order_[2] <= 1 and fixed.n_fits_ == 4


@pytest.fixture(scope="module")
def walk_model() -> AutoARIMA:
    return AutoARIMA().fit(WALK)


def test_differences_a_random_walk_with_drift(walk_model):
    model = walk_model
    assert model.order_[1] == 1 and model.constant_  # drift kept: the walk climbs 0.5 a step
    assert (np.diff(model.predict(6)["y_hat"]) > 0).all()


def test_intervals_are_statsmodels_own_ordered_and_widening(walk_model):
    model = walk_model
    fc = model.predict(6, levels=(80, 95))
    assert list(fc.columns) == ["y_hat", "lo_80", "hi_80", "lo_95", "hi_95"]
    assert (fc["lo_95"] < fc["lo_80"]).all() and (fc["lo_80"] < fc["y_hat"]).all()
    assert (fc["y_hat"] < fc["hi_80"]).all() and (fc["hi_80"] < fc["hi_95"]).all()
    assert (np.diff(fc["hi_80"] - fc["lo_80"]) > 0).all()
    p, d, q = model.order_
    trend = ("t" if d == 1 else "c") if model.constant_ else "n"
    direct = ARIMA(WALK, order=(p, d, q), trend=trend, concentrate_scale=p + q + model.constant_ > 0).fit()
    bounds = direct.get_forecast(6).conf_int(alpha=0.05)
    np.testing.assert_allclose(fc["lo_95"], bounds[:, 0], rtol=1e-3)
    np.testing.assert_allclose(fc["hi_95"], bounds[:, 1], rtol=1e-3)


def test_falls_back_to_naive_when_every_fit_fails():
    y = np.array([3.0, 5.0, 4.0])
    model = AutoARIMA().fit(y)
    assert model.order_ is None and model.fallback_.endswith("naive used")
    np.testing.assert_allclose(model.predict(2).to_numpy(), Naive().fit(y).predict(2).to_numpy())


def test_rejects_bad_parameters_at_fit():
    with pytest.raises(ValueError, match="max_p"):
        AutoARIMA(max_p=-1).fit(WALK)
    with pytest.raises(ValueError, match="kpss_alpha"):
        AutoARIMA(kpss_alpha=1.5).fit(WALK)
