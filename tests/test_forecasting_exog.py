"""Exogenous regressors: checked against the panel, read by arima (regression with ARIMA errors) and gbm,
known in every backtest window, and required for the forecast's horizon.

fixtures/forecasting/indeed_us_total_postings_monthly.csv: monthly means (complete months) of the Indeed
Hiring Lab US "total postings" index, seasonally adjusted (CC BY 4.0; aggregate_job_postings_US.csv),
2020-02 .. 2026-07: the regressor of the six US sector series of indeed_us_sectors_monthly.csv, which end
in 2024-08, so its later months are real future values.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from statsmodels.tsa.arima.model import ARIMA
from typer.testing import CliRunner

from forecasting.arima import AutoARIMA
from forecasting.backtest import backtest_and_forecast
from forecasting.evaluate_file import backtest_panel, forecast_file, read_panel_file
from forecasting.exog import check_exog, exog_by_series, split_exog
from forecasting.global_model import GlobalGBM, build_features
from forecasting.models import Naive
from forecasting.panel import validate_panel
from forecasting.run import forecast_panel

FIXTURES = Path(__file__).parent / "fixtures" / "forecasting"
SECTORS = FIXTURES / "indeed_us_sectors_monthly.csv"
TOTAL = FIXTURES / "indeed_us_total_postings_monthly.csv"

RNG = np.random.default_rng(11)
N = 60
# a regressor that moves (a slow cycle) and a step dummy from point 40 on
X = np.c_[np.sin(np.arange(N + 6) / 4.0) * 5, (np.arange(N + 6) >= 40).astype(float)]
# y = random walk + 3 x cycle + 8 x dummy: regression with ARIMA(0,1,0) errors, coefficients 3 and 8
Y = 100 + np.cumsum(RNG.normal(0, 0.5, N)) + 3 * X[:N, 0] + 8 * X[:N, 1]


def _sectors_with_total() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the six US sectors (2020-02 .. 2024-08) and the total index for every sector and month."""
    sectors = read_panel_file(SECTORS)
    total = pd.read_csv(TOTAL, parse_dates=["ds"])
    exog = sectors[["unique_id"]].drop_duplicates().merge(total, how="cross")
    return sectors, exog


def _panel(y: np.ndarray, uid: str = "a") -> pd.DataFrame:
    return pd.DataFrame({"unique_id": uid, "ds": pd.date_range("2019-01-01", periods=len(y), freq="MS"), "y": y})


def _exog(x: np.ndarray, uid: str = "a") -> pd.DataFrame:
    return pd.DataFrame({"unique_id": uid, "ds": pd.date_range("2019-01-01", periods=len(x), freq="MS"),
                         "cycle": x[:, 0], "policy": x[:, 1]})


# --- the contract: checked regressors -------------------------------------------------------------------

def test_check_exog_keeps_the_panel_points_and_the_horizon_and_names_what_is_missing():
    panel = validate_panel(_panel(Y))
    exog = _exog(X)
    out = check_exog(exog.sample(frac=1.0, random_state=0), panel, "MS", horizon=4)
    assert len(out) == N + 4 and out["ds"].is_monotonic_increasing  # 2 of the 6 future rows not needed
    np.testing.assert_array_equal(exog_by_series(out)["a"], X[: N + 4])
    with pytest.raises(ValueError, match=r"'policy' has no value for unique_id 'a' at 2023-12-01, a date of the panel"):
        check_exog(exog.assign(policy=exog["policy"].where(exog["ds"] != "2023-12-01")), panel, "MS", 4)
    with pytest.raises(ValueError, match=r"at 2024-05-01, a forecast date: pass the regressors' future values"):
        check_exog(exog.iloc[: N + 4], panel, "MS", horizon=5)
    with pytest.raises(ValueError, match="repeat for unique_id 'a' at ds 2019-01-01"):
        check_exog(pd.concat([exog, exog.iloc[:1]]), panel, "MS", 4)
    with pytest.raises(ValueError, match="'cycle' is infinite for unique_id 'a' at 2019-02-01"):
        check_exog(exog.assign(cycle=exog["cycle"].where(exog.index != 1, np.inf)), panel, "MS", 4)
    # a series of the panel with no regressor rows at all
    two = validate_panel(pd.concat([_panel(Y), _panel(Y, "b")]))
    with pytest.raises(ValueError, match="for unique_id 'b' at 2019-01-01"):
        check_exog(exog, two, "MS", 4)


def test_split_exog_reads_every_other_column_as_a_number_and_rejects_text():
    frame = _panel(Y).assign(policy=X[:N, 1] > 0, cycle=X[:N, 0].astype(str))
    panel, exog = split_exog(frame)
    assert list(panel.columns) == ["unique_id", "ds", "y"]
    assert list(exog.columns) == ["unique_id", "ds", "policy", "cycle"]
    assert exog["policy"].dtype == "float64" and exog["policy"].sum() == N - 40
    np.testing.assert_allclose(exog["cycle"], X[:N, 0], rtol=1e-12)
    assert split_exog(_panel(Y))[1] is None
    with pytest.raises(ValueError, match=r"in\.csv: column 'note' is not numeric \(e\.g\. 'strike'\)"):
        split_exog(_panel(Y).assign(note="strike"), where="in.csv: ")


# --- arima: regression with ARIMA errors ------------------------------------------------------------------

def test_arima_with_regressors_is_statsmodels_regression_with_arima_errors():
    model = AutoARIMA(max_order=1, d=1)
    params = model.get_params()
    fitted = model.fit(Y, X=pd.DataFrame(X[:N], columns=["cycle", "policy"]))
    assert fitted is model and model.get_params() == params and clone(model).get_params() == params
    assert model.n_exog_ == 2 and list(model.feature_names_in_) == ["cycle", "policy"]
    p, d, q = model.order_
    same = ARIMA(Y, order=(p, d, q), trend="t" if model.constant_ else "n", exog=X[:N],
                 concentrate_scale=p + q + int(model.constant_) + 3 > 1).fit(cov_type="none")
    assert model.result_.aicc == pytest.approx(same.aicc)
    k = int(same.model.k_trend)
    cycle, policy = np.asarray(same.params)[k:k + 2]
    assert cycle == pytest.approx(3, abs=0.5) and policy == pytest.approx(8, abs=1.5)
    fc = model.predict(6, levels=(80,), X=X[N:])
    np.testing.assert_allclose(fc["y_hat"], same.get_forecast(6, exog=X[N:]).predicted_mean)
    np.testing.assert_allclose(fc["hi_80"] - fc["lo_80"], np.diff(same.get_forecast(6, exog=X[N:]).conf_int(alpha=0.2),
                                                                  axis=1)[:, 0])
    # the future regressors move the forecast: the cycle's path, not a flat line
    assert np.ptp(fc["y_hat"]) > 5
    assert f" + {cycle:.4g} * cycle + {policy:.4g} * policy: AICc " in model.fitted_form()
    with pytest.raises(ValueError, match=r"fitted with 2 regressor\(s\): predict needs their 6 future values"):
        model.predict(6)
    with pytest.raises(ValueError, match=r"X must have 6 rows of 2 regressor\(s\)"):
        model.predict(6, X=X[N:N + 5])
    # a refit without regressors forgets them (scikit-learn's rule: fit resets what was learned)
    model.fit(Y)
    assert not hasattr(model, "n_exog_") and "cycle" not in model.fitted_form()
    assert len(model.predict(3)) == 3


def test_arima_leaves_out_a_regressor_constant_over_its_fit_window():
    # the policy dummy starts at point 40: a fit on the first 30 points cannot estimate it
    model = AutoARIMA(max_order=1, d=1).fit(Y[:30], X=pd.DataFrame(X[:30], columns=["cycle", "policy"]))
    assert model.exog_used_.tolist() == [0] and model.exog_dropped_.tolist() == [1]
    assert "(policy constant: left out)" in model.fitted_form()
    p, d, q = model.order_
    same = ARIMA(Y[:30], order=(p, d, q), trend="t" if model.constant_ else "n", exog=X[:30, :1],
                 concentrate_scale=True).fit(cov_type="none")
    np.testing.assert_allclose(model.predict(4, X=X[30:34])["y_hat"], same.forecast(4, exog=X[30:34, :1]))


# --- the backtest: regressors known in each window ----------------------------------------------------------

def test_backtest_fits_arima_on_each_window_with_the_regressors_actual_values():
    panel = validate_panel(_panel(Y))
    exog = check_exog(_exog(X), panel, "MS", horizon=6)
    models = {"arima": AutoARIMA(max_order=1, d=1), "naive": Naive()}
    bt, fc = backtest_and_forecast(panel, models, 6, 2, 3, "MS", (80,), horizon=6, describe=True, exog=exog)
    plain, _ = backtest_and_forecast(panel, {"naive": Naive()}, 6, 2, 3, "MS", (80,), horizon=6)
    for cut in (50, 53):  # the cutoffs: h + 3 and h points before the last
        rows = bt[(bt["model"] == "arima") & (bt["cutoff"] == panel["ds"].iloc[cut])]
        direct = AutoARIMA(max_order=1, d=1).fit(Y[: cut + 1], X=X[: cut + 1]).predict(6, (80,), X=X[cut + 1: cut + 7])
        np.testing.assert_allclose(rows["y_hat"], direct["y_hat"])
    # a model that does not read regressors is unchanged by them
    pd.testing.assert_frame_equal(bt[bt["model"] == "naive"].reset_index(drop=True), plain)
    ahead = AutoARIMA(max_order=1, d=1).fit(Y, X=X[:N]).predict(6, (80,), X=X[N:])
    np.testing.assert_allclose(fc.loc[fc["model"] == "arima", "y_hat"], ahead["y_hat"])
    assert "* policy" in fc.loc[fc["model"] == "arima", "model_form"].iloc[0]
    # the regressor is what makes arima win here: its errors beat naive's at both cutoffs
    err = bt.assign(e=(bt["y"] - bt["y_hat"]).abs()).groupby("model")["e"].mean()
    assert err["arima"] < 0.5 * err["naive"]


# --- gbm: the regressors' change since the origin as features ---------------------------------------------

def test_gbm_features_add_each_regressors_change_since_the_origin():
    panel = validate_panel(_panel(Y))
    feats = build_features(panel, "MS", n_lags=3, max_step=2, exog=_exog(X)).set_index(["pos", "step"])
    # origin pos 39 (0-based 38) to step 2 (0-based 40): the dummy's step and the cycle's move
    row = feats.loc[(39, 2)]
    assert row["exog_policy_change"] == 1.0
    assert row["exog_cycle_change"] == pytest.approx(X[40, 0] - X[38, 0])
    # the forecast rows after the last point read the future values
    assert feats.loc[(N, 1), "exog_cycle_change"] == pytest.approx(X[N, 0] - X[N - 1, 0])
    assert "exog_cycle_change" not in build_features(panel, "MS", n_lags=3, max_step=2).columns


def test_gbm_learns_a_regressor_shared_by_the_panel_and_needs_it_to_predict():
    # 12 series whose every step up or down follows a known-in-advance regressor (a scenario path)
    rng = np.random.default_rng(5)
    n = 48
    path = np.cumsum(rng.normal(0, 1, n + 3))
    series, exog = [], []
    for i in range(12):
        y = 50 + 10 * i + 4 * path[:n] + rng.normal(0, 0.2, n)
        series.append(_panel(y, f"s{i:02d}"))
        exog.append(pd.DataFrame({"unique_id": f"s{i:02d}", "ds": pd.date_range("2019-01-01", periods=n + 3, freq="MS"),
                                  "path": path}))
    panel = validate_panel(pd.concat(series))
    x = check_exog(pd.concat(exog), panel, "MS", 3)
    with_x = GlobalGBM(max_horizon=3, min_samples_leaf=5).fit(panel, "MS", exog=x)
    without = GlobalGBM(max_horizon=3, min_samples_leaf=5).fit(panel, "MS")
    assert "exog_path_change" in with_x.feature_names_
    truth = np.concatenate([50 + 10 * i + 4 * path[n:] for i in range(12)])
    err_x = np.abs(with_x.predict(3)["y_hat"].to_numpy() - truth).mean()
    err = np.abs(without.predict(3)["y_hat"].to_numpy() - truth).mean()
    assert err_x < 0.5 * err
    with pytest.raises(ValueError, match=r"fitted with regressors \['path'\]: predict from a panel needs exog"):
        with_x.predict(3, panel=panel)
    np.testing.assert_allclose(with_x.predict(3, panel=panel, exog=x)["y_hat"], with_x.predict(3)["y_hat"])


# --- the engine and the files, on real series --------------------------------------------------------------

def test_forecast_panel_adds_arima_to_the_defaults_not_the_ensemble_and_rejects_a_set_that_ignores_them():
    sectors, exog = _sectors_with_total()
    two = sectors[sectors["unique_id"].str.endswith(("software_development", "production_manufacturing"))]
    r = forecast_panel(two, "MS", 3, 2, 3, exog=exog)
    q = r.quality
    assert "arima" in set(q["model"])
    arima_form = q.loc[q["model"] == "arima", "model_form"]
    assert arima_form.str.contains(r" \+ [-0-9.e]+ \* total_postings: AICc ").all()
    # a candidate, not a member (registry.EXOG_MODELS); gbm, a member, reads the regressor
    assert (q.loc[q["model"] == "ensemble", "model_form"] == "mean of ets + gbm + naive").all()
    assert len(r.forecasts[r.forecasts["model"] == "selected"]) == 2 * 3
    # the process pool gets each batch's regressors: the same frames as in-process
    pooled = forecast_panel(two, "MS", 3, 2, 3, exog=exog, workers=2)
    pd.testing.assert_frame_equal(pooled.forecasts, r.forecasts)
    with pytest.raises(ValueError, match=r"none of the models \['seasonal_naive', 'ets'\] reads exogenous regressors"
                                         r" \(\['arima', 'gbm'\] do\)"):
        forecast_panel(two, "MS", 3, 2, 3, models=["ets"], exog=exog)
    with pytest.raises(ValueError, match="a forecast date"):
        forecast_panel(two, "MS", 3, 2, 3, exog=exog[exog["ds"] <= "2024-10-01"])


def test_the_total_postings_index_makes_arima_more_accurate_on_the_us_sectors():
    # the regressor's actual values in each window (conditional accuracy: a planner's scenario of the total)
    sectors, exog = _sectors_with_total()
    with_x = forecast_panel(sectors, "MS", 6, 3, 3, models=["arima"], exog=exog).quality
    without = forecast_panel(sectors, "MS", 6, 3, 3, models=["arima"]).quality
    mase_x = with_x.loc[with_x["model"] == "arima", "mase"].mean()
    mase = without.loc[without["model"] == "arima", "mase"].mean()
    assert mase_x < 0.9 * mase


def test_forecast_file_reads_regressor_columns_and_their_future_values(tmp_path):
    sectors, exog = _sectors_with_total()
    inp = tmp_path / "panel.csv"
    sectors.merge(exog, on=["unique_id", "ds"]).to_csv(inp, index=False)
    future = tmp_path / "future.csv"
    exog[(exog["ds"] > "2024-08-01") & (exog["ds"] <= "2025-01-01")].to_csv(future, index=False)
    result = forecast_file(inp, "MS", 5, tmp_path / "out", models=["naive", "arima"], future=future)
    assert result["regressors"] == ["total_postings"] and result["series"] == 6
    fc = pd.read_csv(tmp_path / "out" / "forecast.csv", parse_dates=["ds"])
    arima = fc[(fc["model"] == "arima") & (fc["unique_id"] == "demand/US/indeed/software_development")]
    assert arima["ds"].dt.strftime("%Y-%m").tolist() == ["2024-09", "2024-10", "2024-11", "2024-12", "2025-01"]
    # the same fit as AutoARIMA on the file's values, with the future file's regressor path
    one = sectors[sectors["unique_id"] == "demand/US/indeed/software_development"]
    x = exog[exog["unique_id"] == "demand/US/indeed/software_development"].set_index("ds")["total_postings"]
    direct = AutoARIMA(max_order=1, d=1).fit(one["y"].to_numpy(), X=x.loc[one["ds"]].to_numpy()[:, None])
    ahead = direct.predict(5, X=x.loc["2024-09-01":"2025-01-01"].to_numpy())
    np.testing.assert_allclose(arima["y_hat"], ahead["y_hat"], rtol=1e-8)
    q = pd.read_csv(tmp_path / "out" / "quality.csv")
    assert q.loc[q["model"] == "arima", "model_form"].str.contains(r"\* total_postings").all()

    with pytest.raises(ValueError, match=r"regressor column\(s\) \['total_postings'\]: forecasting needs their values"
                                         r" for the 5 period\(s\).*--future FILE"):
        forecast_file(inp, "MS", 5, tmp_path / "o2", models=["arima"])
    with pytest.raises(ValueError, match="'total_postings' has no value for unique_id .* at 2025-02-01, a forecast"):
        forecast_file(inp, "MS", 6, tmp_path / "o3", models=["arima"], future=future)
    bad = tmp_path / "bad_future.csv"
    pd.read_csv(future).assign(extra=1).to_csv(bad, index=False)
    with pytest.raises(ValueError, match=r"column\(s\) \['extra'\] that are not regressors of the input"):
        forecast_file(inp, "MS", 5, tmp_path / "o4", models=["arima"], future=bad)
    with pytest.raises(ValueError, match="a future file was given, but the input has no regressor column"):
        forecast_file(SECTORS, "MS", 5, tmp_path / "o5", models=["arima"], future=future)


def test_cli_forecast_takes_future_and_backtest_reads_regressors_in_its_windows(tmp_path):
    from flows.cli import app

    sectors, exog = _sectors_with_total()
    one = sectors[sectors["unique_id"] == "demand/US/indeed/production_manufacturing"]
    inp = tmp_path / "panel.csv"
    one.merge(exog, on=["unique_id", "ds"]).to_csv(inp, index=False)
    future = tmp_path / "future.csv"
    exog[exog["ds"] > "2024-08-01"].to_csv(future, index=False)  # more months than needed: fine
    runner = CliRunner()
    out = runner.invoke(app, ["forecast", "--input", str(inp), "--freq", "MS", "--horizon", "3", "--output",
                              str(tmp_path / "fc"), "--models", "arima", "--future", str(future)])
    assert out.exit_code == 0, out.output
    assert "regressors: total_postings" in out.output
    missing = runner.invoke(app, ["forecast", "--input", str(inp), "--freq", "MS", "--horizon", "3", "--output",
                                  str(tmp_path / "fc2"), "--models", "arima"])
    assert missing.exit_code == 1 and "--future FILE" in missing.output
    scored = runner.invoke(app, ["backtest", "--input", str(inp), "--freq", "MS", "--horizon", "3", "--windows", "2",
                                 "--step", "3", "--output", str(tmp_path / "bt"), "--models", "arima"])
    assert scored.exit_code == 0, scored.output
    assert "regressors: total_postings, their actual values in every window" in " ".join(scored.output.split())
    # backtest: the selected rows at a cutoff are what the engine publishes from the data up to it, with the
    # regressor's actual values in the window
    bt, sel = backtest_panel(one, "MS", 3, 2, 3, models=["arima"], exog=exog)
    cut = sel["cutoff"].min()
    published = forecast_panel(one[one["ds"] <= cut], "MS", 3, 3, 3, models=["arima"], exog=exog).forecasts
    np.testing.assert_allclose(bt.loc[(bt["model"] == "selected") & (bt["cutoff"] == cut), "y_hat"],
                               published.loc[published["model"] == "selected", "y_hat"])
