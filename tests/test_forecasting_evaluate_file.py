"""Bring your own series: file in, backtest with honest 'selected' rows and scores out.

fixtures/forecasting/indeed_us_sectors_monthly.csv: monthly means of six US sectors of the Indeed
Hiring Lab postings index (data/snapshots/indeed, CC BY 4.0), 2020-02 .. 2024-08 (55 months each).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from flows.cmd_backtest import backtest, forecast
from forecasting.evaluate_file import (FORECAST_FILES, OUTPUT_FILES, backtest_file, backtest_panel, forecast_file,
                                     read_panel_file)
from forecasting.run import forecast_panel

from pathlib import Path

INDEED = Path(__file__).parent / "fixtures" / "forecasting" / "indeed_us_sectors_monthly.csv"
BT_COLS = ["unique_id", "cutoff", "ds", "y", "model", "y_hat", "lo_80", "hi_80", "lo_95", "hi_95"]


def _annual(uid: str, y) -> pd.DataFrame:
    return pd.DataFrame({"unique_id": uid, "ds": pd.date_range("2010-01-01", periods=len(y), freq="YS"),
                         "y": np.asarray(y, dtype=float)})


def test_windows_and_exact_naive_rows():
    # 7 points, 4 needed to train, h = 1: two cutoffs one year apart, the last at the 6th point.
    bt, sel = backtest_panel(_annual("a", [1, 2, 3, 4, 5, 7, 10]), "YS", horizon=1, windows=2, step=1,
                             models=["naive"])
    assert list(bt.columns) == BT_COLS
    naive = bt[bt["model"] == "naive"]
    assert naive["cutoff"].dt.year.tolist() == [2014, 2015]
    assert naive["ds"].dt.year.tolist() == [2015, 2016]
    assert naive["y"].tolist() == [7.0, 10.0] and naive["y_hat"].tolist() == [5.0, 7.0]
    # the one-step residuals up to 2014 are all 1: sd = 1, lo_80 = 5 - 1.2816
    assert naive["lo_80"].iloc[0] == pytest.approx(5 - 1.2815516)
    selected = bt[bt["model"] == "selected"].reset_index(drop=True)
    pd.testing.assert_frame_equal(selected.drop(columns="model"), naive.reset_index(drop=True).drop(columns="model"))
    assert sel["selected_model"].tolist() == ["naive", "naive"]


def test_selected_rows_use_only_data_up_to_their_cutoff():
    panel = read_panel_file(INDEED)
    uid = "demand/US/indeed/software_development"
    one = panel[panel["unique_id"] == uid].reset_index(drop=True)
    bt, sel = backtest_panel(one, "MS", horizon=6, windows=2, step=3)
    first_cut = sel["cutoff"].min()
    # what forecast_panel publishes when run on the data up to the first cutoff, with the pipeline's inner
    # backtest (3 windows 3 months apart; backtest_panel's default), is the 'selected' row
    published = forecast_panel(one[one["ds"] <= first_cut], "MS", 6, 3, 3).forecasts
    expect = published[published["model"] == "selected"]["y_hat"].to_numpy()
    got = bt[(bt["model"] == "selected") & (bt["cutoff"] == first_cut)]["y_hat"].to_numpy()
    np.testing.assert_allclose(got, expect)
    # changing everything after the first cutoff changes neither the choice nor the forecast there
    shocked = one.copy()
    shocked.loc[shocked["ds"] > first_cut, "y"] *= 3.0
    bt2, sel2 = backtest_panel(shocked, "MS", horizon=6, windows=2, step=3)
    assert sel2.iloc[0]["selected_model"] == sel.iloc[0]["selected_model"]
    np.testing.assert_allclose(bt2[(bt2["model"] == "selected") & (bt2["cutoff"] == first_cut)]["y_hat"], got)


def test_backtest_file_on_real_indeed_sectors(tmp_path):
    result = backtest_file(INDEED, "MS", horizon=6, windows=4, step=3, output=tmp_path)
    assert sorted(result["files"]) == sorted(OUTPUT_FILES) and result["series"] == 6 and result["skipped"] == []
    bt = pd.read_csv(tmp_path / "backtest.csv")
    assert list(bt.columns) == BT_COLS
    # 6 series x 4 cutoffs x 6 steps, for each default model and 'selected'
    assert bt.groupby("model").size().to_dict() == {
        m: 144 for m in ("ensemble", "ets", "gbm", "naive", "seasonal_naive", "selected", "tsb")}
    assert sorted(bt["cutoff"].unique()) == ["2023-05-01", "2023-08-01", "2023-11-01", "2024-02-01"]
    assert bt.loc[bt["cutoff"] == "2024-02-01", "ds"].max() == "2024-08-01"
    by_h = pd.read_csv(tmp_path / "scores_by_horizon.csv")
    assert by_h["step"].tolist()[:6] == [1, 2, 3, 4, 5, 6] and (by_h["n_windows"] == 4).all()
    by_cut = pd.read_csv(tmp_path / "scores_by_cutoff.csv")
    assert len(by_cut) == 6 * 7 * 4 and (by_cut["n_windows"] == 1).all() and (by_cut["horizon"] == 6).all()
    # the per-cutoff coverage averages back to the overall coverage of each series and model
    back = by_cut.groupby(["unique_id", "model"])["coverage_80"].mean()
    scores = pd.read_csv(tmp_path / "scores.csv").set_index(["unique_id", "model"])["coverage_80"]
    np.testing.assert_allclose(back.sort_index().to_numpy(), scores.sort_index().to_numpy(), rtol=1e-5)  # %.6g
    cut_cov = result["selected_by_cutoff"]
    assert list(cut_cov.columns) == ["coverage_80", "coverage_95"] and len(cut_cov) == 4
    summary = pd.read_csv(tmp_path / "summary.csv").set_index("model")
    # on these trending indices the engine's own pick beats both naive baselines on later data
    assert summary.loc["selected", "mase"] < summary.loc["naive", "mase"] < summary.loc["seasonal_naive", "mase"]
    sel = pd.read_csv(tmp_path / "selection.csv")
    assert len(sel) == 24 and set(sel["selected_model"]) <= {"ensemble", "ets", "gbm", "naive", "seasonal_naive", "tsb"}


def test_read_errors_name_the_file_and_value(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.csv"):
        read_panel_file(tmp_path / "nope.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("unique_id,ds,y\na,2020-01-01,1\na,someday,2\n")
    with pytest.raises(ValueError, match="'someday'"):
        read_panel_file(bad)
    bad.write_text("id,ds,y\na,2020-01-01,1\n")
    with pytest.raises(ValueError, match=r"missing column\(s\) \['unique_id'\]"):
        read_panel_file(bad)
    (tmp_path / "p.json").write_text("{}")
    with pytest.raises(ValueError, match="'p.json' must end in"):
        read_panel_file(tmp_path / "p.json")


def test_inner_windows_set_the_engines_backtest_apart_from_the_scored_cutoffs(tmp_path):
    panel = read_panel_file(INDEED)
    models = ["naive", "ets"]
    bt, sel = backtest_panel(panel, "MS", horizon=3, windows=3, step=2, inner_windows=1, inner_step=2,
                             models=models)
    assert sel["cutoff"].nunique() == 3
    # the selected rows at the first cutoff are what the engine publishes with ONE inner window
    first_cut = sel["cutoff"].min()
    got = bt[(bt["model"] == "selected") & (bt["cutoff"] == first_cut)].sort_values(["unique_id", "ds"])
    train = panel[panel["ds"] <= first_cut]
    for inner, same in ((1, True), (3, False)):
        fc = forecast_panel(train, "MS", 3, inner, 2, models=models).forecasts
        fc = fc[fc["model"] == "selected"].sort_values(["unique_id", "ds"])
        assert np.allclose(got["lo_80"].to_numpy(), fc["lo_80"].to_numpy()) == same  # conformal: windows matter
    # by default the engine's inner backtest is the pipeline's (3 windows 3 months apart), whatever the outer step
    default, _ = backtest_panel(panel, "MS", horizon=3, windows=1, step=2, models=models)
    last_cut = sel["cutoff"].max()
    fc = forecast_panel(panel[panel["ds"] <= last_cut], "MS", 3, 3, 3, models=models).forecasts
    fc = fc[fc["model"] == "selected"].sort_values(["unique_id", "ds"])
    dflt = default[default["model"] == "selected"].sort_values(["unique_id", "ds"])
    np.testing.assert_allclose(dflt[["y_hat", "lo_80", "hi_95"]].to_numpy(), fc[["y_hat", "lo_80", "hi_95"]].to_numpy())
    panel.to_csv(tmp_path / "p.csv", index=False)
    backtest_file(tmp_path / "p.csv", "MS", 3, 3, 2, tmp_path / "out", models=models, inner_windows=1)
    written = pd.read_csv(tmp_path / "out" / "backtest.csv", parse_dates=["cutoff", "ds"])
    assert written["cutoff"].nunique() == 3 and len(written) == len(bt)


def test_parquet_input_and_too_short_series(tmp_path):
    panel = pd.concat([_annual("long", [3, 4, 5, 4, 6, 7, 8]), _annual("short", [1, 2, 3])])
    panel.to_parquet(tmp_path / "p.parquet")
    result = backtest_file(tmp_path / "p.parquet", "YS", 1, 2, 1, tmp_path / "out")
    assert result["series"] == 1 and result["skipped"] == ["short"]
    with pytest.raises(ValueError, match="no series is long enough"):
        backtest_panel(_annual("short", [1, 2, 3]), "YS", 1, 2, 1)


def test_cli_command(tmp_path):
    app = typer.Typer()
    app.command("backtest")(backtest)
    app.command("noop")(lambda: None)  # two commands, so the name is part of the call as in talentcast
    panel = _annual("a", [1, 2, 3, 4, 5, 7, 10])
    panel.to_csv(tmp_path / "a.csv", index=False)
    args = ["backtest", "--input", str(tmp_path / "a.csv"), "--freq", "YS", "--horizon", "1", "--windows", "2",
            "--step", "1", "--output", str(tmp_path / "out"), "--models", "naive,drift"]
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 0, r.output
    assert "1 series backtested, 6 rows written" in r.output
    assert "its own backtest of 3 window(s) 1 period(s) apart" in " ".join(r.output.split())  # the annual plan
    assert "coverage by cutoff" in r.output and "2015-01-01  80% " in r.output
    assert set(pd.read_csv(tmp_path / "out" / "backtest.csv")["model"]) == {"naive", "drift", "selected"}
    r = CliRunner().invoke(app, [*args[:3], "--freq", "M", *args[5:]])
    assert r.exit_code == 1 and "unsupported freq 'M'" in r.output


def test_forecast_file_is_what_the_backtest_would_have_published(tmp_path):
    panel = read_panel_file(INDEED)
    # forecast from data up to six months before the end: the backtest's last cutoff sees the same data
    kept = panel[panel.groupby("unique_id").cumcount(ascending=False) >= 6]
    kept.to_csv(tmp_path / "kept.csv", index=False)
    result = forecast_file(tmp_path / "kept.csv", "MS", 6, tmp_path / "out", windows=3, step=3)
    assert set(result["files"]) == set(FORECAST_FILES) and result["series"] == 6 and result["too_short"] == []
    fc = pd.read_csv(tmp_path / "out" / "forecast.csv", parse_dates=["ds"])
    sel = fc[fc["model"] == "selected"].sort_values(["unique_id", "ds"], ignore_index=True)
    assert len(sel) == 36 and sel["selected_model"].notna().all()
    assert sum(result["selected"].values()) == 6 and set(result["selected"]) == set(sel["selected_model"])
    bt, _ = backtest_panel(panel, "MS", 6, 1, 3)  # the engine's inner backtest: the pipeline's, as forecast's
    then = bt[bt["model"] == "selected"].sort_values(["unique_id", "ds"], ignore_index=True)
    np.testing.assert_allclose(sel[["y_hat", "lo_80", "hi_80", "lo_95", "hi_95"]].to_numpy(),
                               then[["y_hat", "lo_80", "hi_80", "lo_95", "hi_95"]].to_numpy(), rtol=1e-5)
    assert (sel["ds"].to_numpy() == then["ds"].to_numpy()).all()
    q = pd.read_csv(tmp_path / "out" / "quality.csv")
    chosen = q[q["is_selected"]]
    assert len(chosen) == 6 and chosen["reason"].str.startswith("group demand/US/indeed").all()
    assert q.loc[q["model"] == "ets", "model_form"].str.startswith("ETS(A,").all()
    assert {"interval_method", "coverage_80", "mase"} <= set(q.columns)


def test_forecast_cli_command(tmp_path):
    app = typer.Typer()
    app.command("forecast")(forecast)
    app.command("noop")(lambda: None)
    panel = pd.concat([_annual("a", [1, 2, 3, 4, 5, 7, 10]), _annual("b", [4, 4, 5])])
    panel.to_csv(tmp_path / "a.csv", index=False)
    args = ["forecast", "--input", str(tmp_path / "a.csv"), "--freq", "YS", "--horizon", "2",
            "--output", str(tmp_path / "out"), "--models", "naive,drift"]
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 0, r.output
    assert "2 series forecast 2 periods ahead" in r.output and "too short to backtest, no track record: b" in r.output
    fc = pd.read_csv(tmp_path / "out" / "forecast.csv")
    assert set(fc["model"]) == {"naive", "drift", "selected"} and (fc["model"] == "selected").sum() == 4
    r = CliRunner().invoke(app, [*args[:3], "--freq", "M", *args[5:]])
    assert r.exit_code == 1 and "unsupported freq 'M'" in r.output
