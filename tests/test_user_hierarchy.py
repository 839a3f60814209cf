"""`talentcast forecast --hierarchy`: a user's totals reconciled as the pipeline reconciles its own.

The panel is the six US Indeed sector series of tests/fixtures/forecasting (CC BY 4.0) under their sum,
`demand/US/indeed`, an exact total; a second family, `other`, does not add up.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from flows.cmd_backtest import forecast
from forecasting.evaluate_file import forecast_file, read_panel_file
from forecasting.user_hierarchy import companion_table, links_from_ids, read_links

INDEED = Path(__file__).parent / "fixtures" / "forecasting" / "indeed_us_sectors_monthly.csv"
TOTAL = "demand/US/indeed"


def _panel() -> pd.DataFrame:
    sectors = read_panel_file(INDEED)
    total = sectors.groupby("ds", as_index=False)["y"].sum().assign(unique_id=TOTAL)
    a = sectors[sectors["unique_id"] == sectors["unique_id"].iloc[0]]
    other = pd.concat([a.assign(unique_id="other"), a.assign(unique_id="other/a", y=a["y"] / 2),
                       a.assign(unique_id="other/b", y=a["y"] / 3)])  # halves and thirds: 5/6 of the total
    return pd.concat([sectors, total, other], ignore_index=True)[["unique_id", "ds", "y"]]


def test_ids_reconcile_the_families_that_add_up_and_list_the_others(tmp_path):
    _panel().to_csv(tmp_path / "p.csv", index=False)
    result = forecast_file(tmp_path / "p.csv", "MS", 6, tmp_path / "out", hierarchy="ids")
    assert set(result["reconciled"]) == {TOTAL}
    assert result["reconciled"][TOTAL] in {"bottom_up", "top_down", "mint_shrink"}
    assert list(result["left_out"]) == ["other"] and result["left_out"]["other"].startswith("children sum to")
    rec = pd.read_csv(tmp_path / "out" / "reconciled.csv", parse_dates=["ds"])
    assert set(rec["method"]) == {"bottom_up", "top_down", "mint_shrink"} and len(rec) == 3 * 7 * 6
    assert rec.groupby("hierarchy")["method"].apply(lambda m: m[rec.loc[m.index, "is_chosen"]].nunique()).eq(1).all()
    # every method's total is the sum of its children's means (bounds are each series' own, moved with its mean)
    parent = rec[rec["level"] == 0].set_index(["method", "ds"])["y_hat"].sort_index()
    kids = rec[rec["level"] == 1].groupby(["method", "ds"])["y_hat"].sum().sort_index()
    np.testing.assert_allclose(parent.to_numpy(), kids.to_numpy(), rtol=1e-9)
    assert (rec["lo_80"] <= rec["y_hat"]).all() and (rec["y_hat"] <= rec["hi_80"]).all()
    q = pd.read_csv(tmp_path / "out" / "reconciliation_quality.csv")
    assert set(q["method"]) == {"base", "bottom_up", "top_down", "mint_shrink"}
    assert set(q["level_name"]) == {"level 0", "level 1"} and q["mase"].notna().all()
    assert q.loc[q["is_chosen"], "method"].unique().tolist() == [result["reconciled"][TOTAL]]


def test_a_file_hierarchy_must_add_up_and_name_known_series(tmp_path):
    panel = _panel()
    panel.to_csv(tmp_path / "p.csv", index=False)
    links = links_from_ids(panel)
    assert len(links) == 8 and set(links["parent"]) == {TOTAL, "other"}
    links[links["parent"] == "other"].to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(ValueError, match=r"family of 'other' does not add up in the panel: children sum to"):
        forecast_file(tmp_path / "p.csv", "MS", 6, tmp_path / "out", hierarchy=tmp_path / "bad.csv")
    pd.DataFrame({"parent": [TOTAL], "child": ["nowhere"]}).to_csv(tmp_path / "unknown.csv", index=False)
    with pytest.raises(ValueError, match=r"not in the panel: \['nowhere'\]"):
        companion_table(read_links(tmp_path / "unknown.csv"), panel, strict=True)
    pd.DataFrame({"child": [TOTAL]}).to_csv(tmp_path / "cols.csv", index=False)
    with pytest.raises(ValueError, match=r"missing column\(s\) \['parent'\]"):
        read_links(tmp_path / "cols.csv")
    # level names from the file; depth from the links
    named = links[links["parent"] == TOTAL].assign(parent_level="all sectors", child_level="sector")
    table, left_out = companion_table(named, panel, strict=True)
    assert left_out == {} and set(table["hierarchy"]) == {TOTAL} and set(table["child_depth"]) == {1}
    assert set(table["parent_level"]) == {"all sectors"} and set(table["child_level"]) == {"sector"}


def test_forecast_cli_with_hierarchy(tmp_path):
    app = typer.Typer()
    app.command("forecast")(forecast)
    app.command("noop")(lambda: None)
    _panel().to_csv(tmp_path / "p.csv", index=False)
    r = CliRunner().invoke(app, ["forecast", "--input", str(tmp_path / "p.csv"), "--freq", "MS", "--horizon", "3",
                                 "--output", str(tmp_path / "out"), "--models", "naive,seasonal_naive,ets",
                                 "--hierarchy", "ids"])
    assert r.exit_code == 0, r.output
    assert f"hierarchy {TOTAL}: reconciled by" in r.output and "not reconciled, other: children sum to" in r.output
    assert (tmp_path / "out" / "reconciled.csv").is_file()
