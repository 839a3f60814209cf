"""Racing (forecasting/race.py): expensive models skipped where a group's sample shows they lose, kept elsewhere."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecasting import forecast_panel
from forecasting.race import RaceRule, race_samples, race_verdict, raced_models

MODELS = ["naive", "seasonal_naive", "ets", "ensemble"]  # ensemble = ets + naive here (no gbm: keeps tests fast)
RULE = RaceRule(sample=10, min_group=20, z=2.0, seed=0)
ARGS = {"freq": "MS", "horizon": 3, "backtest_windows": 2, "step": 3, "models": MODELS}


def _panel(kind: str, n: int = 24, length: int = 40) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    t = np.arange(length)
    ds = pd.date_range("2020-01-01", periods=length, freq="MS")
    parts = []
    for i in range(n):
        if kind == "seasonal":  # seasonal naive is near perfect; non-seasonal ETS and naive are not
            y = 100 + 20 * np.sin(2 * np.pi * (t + i) / 12) + rng.normal(0, 1, length)
        else:  # a steady trend: ETS follows it, (seasonal) naive lags behind
            y = 50 + (2 + 0.05 * i) * t + rng.normal(0, 1, length)
        parts.append(pd.DataFrame({"unique_id": f"race/{i:02d}", "ds": ds, "y": y}))
    return pd.concat(parts, ignore_index=True)


@pytest.fixture(scope="module")
def seasonal() -> pd.DataFrame:
    return _panel("seasonal")


@pytest.fixture(scope="module")
def seasonal_raced(seasonal):
    return forecast_panel(seasonal, **ARGS, race=RULE)


@pytest.fixture(scope="module")
def seasonal_full(seasonal):
    return forecast_panel(seasonal, **ARGS, race=None)


def _picks(result) -> pd.Series:
    q = result.quality
    return q[q["is_selected"]].set_index("unique_id")["model"].sort_index()


def test_race_skips_ets_and_its_ensemble_where_seasonal_naive_wins(seasonal_raced, seasonal_full):
    q = seasonal_raced.quality
    sample = race_samples({f"race/{i:02d}": "race" for i in range(24)}, RULE)["race"]
    skipped = q[q["skip_reason"].notna()]
    assert set(skipped["model"]) == {"ets", "ensemble"}
    assert set(skipped["unique_id"]) == {f"race/{i:02d}" for i in range(24)} - set(sample)
    assert skipped["mase"].isna().all() and (skipped["n_windows"] == 0).all() and not skipped["is_selected"].any()
    assert skipped["skip_reason"].str.startswith("raced on a sample of 10 of the 24 series of group race").all()
    assert skipped["skip_reason"].str.contains(r"ets [\d.]+ vs seasonal_naive [\d.]+ \(worse by > 2 s\.e\.\)").all()
    assert q.loc[q["unique_id"].isin(skipped["unique_id"]), "reason"].str.contains("not fitted").all()
    # a model not fitted has no form; the sample's fitted ETS and ensemble have theirs
    assert skipped["model_form"].isna().all()
    fitted = q[q["unique_id"].isin(sample) & q["model"].isin(["ets", "ensemble"])]
    assert fitted["model_form"].notna().all() and (fitted.loc[fitted["model"] == "ensemble", "model_form"]
                                                   .str.startswith("mean of ets")).all()
    # the sample keeps every model; the rest has no rows of the skipped ones, and no two-member "ensemble"
    for frame in (seasonal_raced.backtest, seasonal_raced.forecasts):
        assert set(frame.loc[frame["model"].isin(["ets", "ensemble"]), "unique_id"]) == set(sample)
    # what selection publishes is what the full run publishes
    pd.testing.assert_series_equal(_picks(seasonal_raced), _picks(seasonal_full))
    assert set(_picks(seasonal_full)) == {"seasonal_naive"}
    cols = ["unique_id", "ds", "model", "y_hat", "lo_80", "hi_80", "lo_95", "hi_95"]
    a = seasonal_raced.forecasts[seasonal_raced.forecasts["model"] == "selected"][cols].reset_index(drop=True)
    b = seasonal_full.forecasts[seasonal_full.forecasts["model"] == "selected"][cols].reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)


def test_race_keeps_every_model_where_ets_wins():
    panel = _panel("trend")
    raced = forecast_panel(panel, **ARGS, race=RULE)
    full = forecast_panel(panel, **ARGS, race=None)
    assert raced.quality["skip_reason"].isna().all()
    assert set(_picks(full)) - {"seasonal_naive", "naive"}  # ETS or the ensemble is chosen somewhere
    for name in ("forecasts", "backtest", "quality", "quality_by_horizon", "quality_by_cutoff"):
        pd.testing.assert_frame_equal(getattr(raced, name), getattr(full, name))


def test_small_group_is_not_raced(seasonal, seasonal_full):
    r = forecast_panel(seasonal, **ARGS, race=RaceRule(sample=10, min_group=25))
    assert r.quality["skip_reason"].isna().all()
    pd.testing.assert_frame_equal(r.forecasts, seasonal_full.forecasts)


def test_two_workers_race_identically(seasonal, seasonal_raced):
    r = forecast_panel(seasonal, **ARGS, race=RULE, workers=2)
    for name in ("forecasts", "backtest", "quality"):
        pd.testing.assert_frame_equal(getattr(r, name), getattr(seasonal_raced, name))


def test_race_samples_are_seeded_per_group():
    groups = {f"a/{i}": "a" for i in range(30)} | {f"b/{i}": "b" for i in range(15)}
    s = race_samples(groups, RULE)
    assert list(s) == ["a"] and len(s["a"]) == 10 and set(s["a"]) <= {f"a/{i}" for i in range(30)}
    more = groups | {f"c/{i}": "c" for i in range(40)}
    assert race_samples(more, RULE)["a"] == s["a"]  # other groups do not move a group's sample
    assert race_samples(groups, RaceRule(sample=10, min_group=20, seed=1))["a"] != s["a"]


def _quality(ets_minus_base: np.ndarray) -> pd.DataFrame:
    base = np.linspace(0.8, 1.2, ets_minus_base.size)
    uids = [f"g/{i}" for i in range(base.size)]
    return pd.DataFrame({"unique_id": uids * 2, "model": ["seasonal_naive"] * base.size + ["ets"] * base.size,
                         "mase": np.concatenate([base, base + ets_minus_base])})


def test_race_verdict_needs_a_clear_loss():
    rng = np.random.default_rng(0)
    lost, why = race_verdict(_quality(0.3 + np.tile([0.05, -0.05], 10)), "seasonal_naive", ["ets"], RULE)
    assert lost and "ets 1.30 vs seasonal_naive 1.00 (worse by > 2 s.e.)" in why
    noisy = 0.02 + rng.normal(0, 0.5, 20)  # worse on average, but well within the noise
    assert not race_verdict(_quality(noisy), "seasonal_naive", ["ets"], RULE)[0]
    assert not race_verdict(_quality(np.full(20, -0.1)), "seasonal_naive", ["ets"], RULE)[0]  # ets wins
    lost, why = race_verdict(_quality(np.full(5, 0.5)), "seasonal_naive", ["ets"], RULE)
    assert not lost and "too few" in why


def test_raced_models_and_rule_validation():
    assert raced_models(["naive", "ets", "gbm", "ensemble"], {"ets"}, "ensemble", ["ets", "gbm"]) == ["ets", "ensemble"]
    assert raced_models(["naive", "gbm", "ensemble"], {"ets"}, "ensemble", ["ets", "gbm"]) == []
    with pytest.raises(ValueError, match="min_group > sample"):
        RaceRule(sample=50, min_group=50)
