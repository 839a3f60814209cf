"""Conformal intervals, Winkler scores, the backtest-weighted ensemble, Theta and TSB: exact numbers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from forecasting import forecast_panel
from forecasting.ensemble import add_ensemble
from forecasting.evaluate_file import read_panel_file
from forecasting.intervals import calibrate, conformal_quantile, naive_mae_at
from forecasting.local_models import TSB, Theta, is_sparse
from forecasting.metrics import evaluate

Y = pd.Timestamp
INDEED = Path(__file__).parent / "fixtures" / "forecasting" / "indeed_us_sectors_monthly.csv"
COLS = ["unique_id", "cutoff", "ds", "y", "model", "y_hat", "lo_80", "hi_80", "lo_95", "hi_95"]


def test_conformal_quantile_uses_the_finite_sample_rank():
    scores = np.arange(9, 0, -1, dtype=float)  # 9 .. 1, unsorted on purpose
    assert conformal_quantile(scores, 80) == 8.0  # rank ceil(10 * 0.8) = 8
    assert conformal_quantile(scores, 95) == 9.0  # rank 10 > 9: the largest
    assert np.isnan(conformal_quantile(np.array([]), 80))


def test_weighted_conformal_quantile_leans_on_heavy_scores():
    scores = np.arange(9, 0, -1, dtype=float)
    assert conformal_quantile(scores, 80, np.ones(9)) == 8.0  # equal weights: the plain rank
    # weights 1 on 1..6 (recent, small errors), 0.1 on 7..9; the new point weighs 1: total 7.3.
    # The cumulative share reaches 0.8 at score 6 (6 / 7.3 = 0.82; 5 / 7.3 = 0.68), not at 8
    w = np.where(scores <= 6, 1.0, 0.1)
    assert conformal_quantile(scores, 80, w) == 6.0
    assert conformal_quantile(scores, 95, w) == 9.0  # never reached (6.3 / 7.3 = 0.86): the largest


def test_naive_mae_at_uses_only_data_up_to_the_cutoff():
    panel = pd.DataFrame({"unique_id": "a", "ds": pd.date_range("2020-01-01", periods=4, freq="MS"),
                          "y": [1.0, 3.0, 2.0, 6.0]})
    cuts = pd.DataFrame({"unique_id": ["a", "a"], "cutoff": [Y("2020-03-01"), Y("2020-04-01")]})
    got = naive_mae_at(panel, cuts)
    assert got.loc[("a", Y("2020-03-01"))] == pytest.approx(1.5)
    assert got.loc[("a", Y("2020-04-01"))] == pytest.approx(7 / 3)
    recent = naive_mae_at(panel, cuts, last=2)  # changes 2, 1, 4: the last two up to each cutoff
    assert recent.loc[("a", Y("2020-03-01"))] == pytest.approx(1.5)
    assert recent.loc[("a", Y("2020-04-01"))] == pytest.approx(2.5)


def test_winkler_score_exact():
    rows = [("a", Y("2022-01-01"), Y("2023-01-01"), 13.0, "m", 11.0, 10.0, 13.0, 9.0, 14.0),   # inside: width
            ("a", Y("2022-01-01"), Y("2024-01-01"), 15.0, "m", 11.0, 10.0, 13.0, 9.0, 14.0)]   # 2 and 1 above
    panel = pd.DataFrame({"unique_id": "a", "ds": pd.date_range("2019-01-01", periods=6, freq="YS"),
                          "y": [10.0, 12.0, 11.0, 13.0, 15.0, 16.0]})
    q = evaluate(pd.DataFrame(rows, columns=COLS), panel, season_length=1).iloc[0]
    assert q["winkler_80"] == pytest.approx((3 + (3 + 2 / 0.2 * 2)) / 2)
    assert q["winkler_95"] == pytest.approx((5 + (5 + 2 / 0.05 * 1)) / 2)


def test_ensemble_weights_use_only_earlier_errors():
    # inverse-MAE weights (power 1) show which errors count; the default, power 0, is an equal-weight mean
    a = [("a", Y("2020-01-01"), Y("2021-01-01"), 10.0), ("a", Y("2021-01-01"), Y("2022-01-01"), 10.0)]
    rows = []
    for (uid, cut, ds, y), yh1, yh2 in zip(a, (12.0, 11.0), (9.0, 14.0), strict=True):
        rows += [(uid, cut, ds, y, "m1", yh1, yh1, yh1, yh1, yh1), (uid, cut, ds, y, "m2", yh2, yh2, yh2, yh2, yh2)]
    bt = pd.DataFrame(rows, columns=COLS)
    fc = pd.DataFrame({"unique_id": "a", "ds": Y("2023-01-01"), "model": ["m1", "m2"], "y_hat": [20.0, 12.0]})
    for c in COLS[6:]:
        fc[c] = fc["y_hat"]
    fc2, bt2 = add_ensemble(fc, bt, ["m1", "m2"], (80, 95), power=1.0)
    ens = bt2[bt2["model"] == "ensemble"].sort_values("cutoff")
    # first window: no earlier errors, equal weights; second: MAE 2 vs 1 up to its cutoff -> 1/3, 2/3
    assert ens["y_hat"].tolist() == pytest.approx([10.5, 11 / 3 + 28 / 3])
    assert ens["y"].tolist() == [10.0, 10.0]
    # forecast: MAE 1.5 vs 2.5 over both windows -> weights 0.625, 0.375
    assert fc2.loc[fc2["model"] == "ensemble", "y_hat"].item() == pytest.approx(0.625 * 20 + 0.375 * 12)
    fc3, bt3 = add_ensemble(fc, bt, ["m1", "m2"], (80, 95))
    assert fc3.loc[fc3["model"] == "ensemble", "y_hat"].item() == pytest.approx(16.0)
    assert bt3.loc[bt3["model"] == "ensemble", "y_hat"].tolist() == pytest.approx([10.5, 12.5])


def _too_wide_backtest(n_series: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(3)
    panels, rows, fcs = [], [], []
    for i in range(n_series):
        uid = f"s{i}"
        y = 100 + np.cumsum(rng.normal(0, 1, 30))
        ds = pd.date_range("2020-01-01", periods=30, freq="MS")
        panels.append(pd.DataFrame({"unique_id": uid, "ds": ds, "y": y}))
        for cut in (20, 24):
            for s in range(1, 4):
                rows.append((uid, ds[cut], ds[cut + s], y[cut + s], "m", y[cut], y[cut] - 50, y[cut] + 50,
                             y[cut] - 90, y[cut] + 90))
        fcs.append(pd.DataFrame({"unique_id": uid, "ds": pd.date_range("2022-07-01", periods=3, freq="MS"),
                                 "model": "m", "y_hat": y[-1], "lo_80": y[-1] - 50, "hi_80": y[-1] + 50,
                                 "lo_95": y[-1] - 90, "hi_95": y[-1] + 90}))
    return pd.concat(fcs, ignore_index=True), pd.DataFrame(rows, columns=COLS), pd.concat(panels, ignore_index=True)


def test_calibrate_replaces_intervals_that_cover_everything():
    fc, bt, panel = _too_wide_backtest(20)
    fc2, bt2, methods = calibrate(fc, bt, panel, (80, 95))
    assert methods == {"m": "conformal"}
    q = evaluate(bt2, panel, season_length=1)
    assert 0.7 <= q["coverage_80"].mean() <= 0.9 and 0.85 <= q["coverage_95"].mean() <= 1.0
    width = (fc2["hi_80"] - fc2["lo_80"]).to_numpy()
    assert (width < 100).all() and (width > 0).all()
    np.testing.assert_array_equal(fc2["y_hat"], fc["y_hat"])  # only the bounds move
    # a single series cannot be cross-fitted: its own intervals stay
    one_fc, one_bt = fc[fc["unique_id"] == "s0"], bt[bt["unique_id"] == "s0"]
    assert calibrate(one_fc, one_bt, panel, (80, 95))[2] == {"m": "model"}


def test_real_indeed_run_reports_interval_method_and_calibrates():
    r = forecast_panel(read_panel_file(INDEED), "MS", horizon=6, backtest_windows=4, step=3)
    q = r.quality
    assert set(q["interval_method"]) <= {"model", "conformal"}
    assert q.loc[q["model"] == "ets", "interval_method"].iloc[0] == "conformal"
    ets = q[q["model"] == "ets"]
    # model-based ETS intervals covered ~99% at 80%; the cross-fitted conformal ones come close to nominal
    assert 0.65 <= ets["coverage_80"].mean() <= 0.9
    assert (q["winkler_80"] > 0).all()


def test_tsb_exact_and_sparse_rule():
    m = TSB(alpha=0.5, beta=0.5).fit(np.array([0, 2, 0, 0, 4]))
    assert m.prob_ == pytest.approx(0.575) and m.size_ == pytest.approx(3.0)
    fc = m.predict(3)
    assert fc["y_hat"].tolist() == pytest.approx([1.725] * 3)
    assert (fc["lo_95"] >= 0).all()
    assert is_sparse(np.array([0, 2, 0, 0, 4])) and not is_sparse(np.array([1, 2, 3]))
    with pytest.raises(ValueError, match="alpha must be in \\(0, 1\\], got 1.5"):
        TSB(alpha=1.5).fit(np.array([1.0, 0.0]))


def test_theta_on_a_real_series_and_fallback():
    panel = read_panel_file(INDEED)
    y = panel.loc[panel["unique_id"] == "demand/US/indeed/software_development", "y"].to_numpy()
    fc = clone(Theta(season_length=12)).fit(y).predict(6)
    assert np.isfinite(fc.to_numpy()).all() and (fc["lo_95"] < fc["lo_80"]).all()
    assert (fc["lo_80"] < fc["y_hat"]).all() and (fc["y_hat"] < fc["hi_80"]).all()
    short = Theta().fit(np.array([1.0, 2.0, 3.0]))
    assert short.fallback_ == "3 points too few: naive used" and short.predict(2)["y_hat"].tolist() == [3.0, 3.0]


def test_ensemble_of_a_series_without_one_members_rows_is_the_mean_of_the_others():
    # constant_share has no rows for a series without a total: the ensemble must not shrink towards 0
    rows = [("a", Y("2020-01-01"), Y("2021-01-01"), 10.0, m, v, v, v, v, v)
            for m, v in (("m1", 12.0), ("m2", 8.0), ("m3", 11.0))]
    rows += [("b", Y("2020-01-01"), Y("2021-01-01"), 10.0, m, v, v, v, v, v) for m, v in (("m1", 12.0), ("m2", 8.0))]
    bt = pd.DataFrame(rows, columns=COLS)
    fc = bt.drop(columns=["cutoff", "y"]).assign(ds=Y("2022-01-01"))
    fc2, bt2 = add_ensemble(fc, bt, ["m1", "m2", "m3"], (80, 95))
    ens = bt2[bt2["model"] == "ensemble"].set_index("unique_id")["y_hat"]
    assert ens.to_dict() == pytest.approx({"a": 31 / 3, "b": 10.0})
    ens_fc = fc2[fc2["model"] == "ensemble"].set_index("unique_id")
    assert ens_fc["y_hat"].to_dict() == pytest.approx({"a": 31 / 3, "b": 10.0})
    assert (ens_fc["lo_80"] <= ens_fc["hi_80"]).all()
