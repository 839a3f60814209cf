"""Reconciliation over a (parent, child) hierarchy: bottom-up, top-down, MinT, per-level scores, the pipeline step."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from forecasting.hierarchy import choose, node_levels, reconcile_backtest, reconcile_hierarchies
from forecasting.reconcile import (METHODS, hierarchy_from_ids, mint_matrix, reconcile, shrunk_covariance,
                                   tree_order)

D1, D2 = pd.Timestamp("2025-01-01"), pd.Timestamp("2025-02-01")


def _fc(rows):
    frame = pd.DataFrame(rows, columns=["unique_id", "ds", "model", "y_hat", "lo_80", "hi_80"])
    return frame.astype({"y_hat": float, "lo_80": float, "hi_80": float})


def test_hierarchy_from_ids_links_only_known_parents():
    h = hierarchy_from_ids(["US", "US/a", "US/a/x", "US/a/y", "US/b", "GB/c"])
    assert h.values.tolist() == [["US", "US/a"], ["US", "US/b"], ["US/a", "US/a/x"], ["US/a", "US/a/y"]]


def test_bottom_up_sums_bottoms_at_every_level_and_keeps_aggregate_widths():
    h = hierarchy_from_ids(["US", "US/a", "US/a/x", "US/a/y", "US/b"])
    fc = _fc([
        ("US", D1, "m", 50.0, 40.0, 70.0),    # base 50, width -10 / +20
        ("US/a", D1, "m", 20.0, 15.0, 25.0),
        ("US/a/x", D1, "m", 8.0, 6.0, 10.0),
        ("US/a/y", D1, "m", -1.0, -3.0, 1.0),  # negative count: clipped to 0 first
        ("US/b", D1, "m", 30.0, 25.0, 35.0),
        ("US/a/x", D2, "m", 9.0, 7.0, 11.0),   # a slice without every node: left out
    ])
    got = reconcile(fc, h, "bottom_up", levels=(80,)).set_index(["unique_id", "ds"])
    assert got.loc[("US/a", D1), ["y_hat", "lo_80", "hi_80"]].tolist() == [8.0, 3.0, 13.0]   # 8 + 0
    assert got.loc[("US", D1), ["y_hat", "lo_80", "hi_80"]].tolist() == [38.0, 28.0, 58.0]   # 8 + 0 + 30
    assert got.loc[("US/a/y", D1), ["y_hat", "lo_80", "hi_80"]].tolist() == [0.0, 0.0, 1.0]
    assert len(got) == 5 and D2 not in got.index.get_level_values("ds")


def test_bottom_up_clips_aggregate_lower_bounds_and_refuses_bad_trees():
    h = hierarchy_from_ids(["T", "T/a", "T/b"])
    fc = _fc([("T", D1, "m", 10.0, 2.0, 20.0), ("T/a", D1, "m", 1.0, 0.0, 2.0), ("T/b", D1, "m", 2.0, 1.0, 3.0)])
    got = reconcile(fc, h, "bottom_up", levels=(80,)).set_index("unique_id")
    assert got.loc["T", ["y_hat", "lo_80", "hi_80"]].tolist() == [3.0, 0.0, 13.0]  # lo 2 - 7 -> 0
    assert reconcile(fc[fc["unique_id"] != "T/b"], h, "bottom_up", levels=(80,)).empty  # no slice is complete
    with pytest.raises(ValueError, match="more than one parent: \\['T/a'\\]"):
        reconcile(fc, pd.concat([h, pd.DataFrame({"parent": ["T/b"], "child": ["T/a"]})]), "bottom_up", levels=(80,))
    with pytest.raises(ValueError, match="cycle through 'T'"):
        reconcile(fc, pd.DataFrame({"parent": ["T", "T/a"], "child": ["T/a", "T"]}), "bottom_up", levels=(80,))


# --- top-down, MinT with shrinkage, backtest scoring per level, and the pipeline step (issue 4) ---

TREE = hierarchy_from_ids(["T", "T/a", "T/b"])


def _sums_hold(frame, hierarchy, keys):
    wide = frame.pivot_table(index=keys, columns="unique_id", values="y_hat")
    for parent, kids in hierarchy.groupby("parent")["child"]:
        np.testing.assert_allclose(wide[parent], wide[list(kids)].sum(axis=1), rtol=1e-9, atol=1e-9)


def _ordered_nonnegative(frame):
    cols = ["lo_95", "lo_80", "y_hat", "hi_80", "hi_95"]
    values = frame[cols].to_numpy()
    assert (np.diff(values, axis=1) >= -1e-12).all() and (values >= 0).all()


def _fc95(rows):
    frame = pd.DataFrame(rows, columns=["unique_id", "ds", "model", "y_hat"])
    frame["y_hat"] = frame["y_hat"].astype(float)
    return frame.assign(lo_80=frame["y_hat"] - 2, hi_80=frame["y_hat"] + 2, lo_95=frame["y_hat"] - 4,
                        hi_95=frame["y_hat"] + 4)


def test_tree_order_puts_parents_first_and_builds_the_summing_matrix():
    nodes, bottoms, S = tree_order(hierarchy_from_ids(["US", "US/a", "US/a/x", "US/a/y", "US/b"]))
    assert nodes == ["US", "US/a", "US/a/x", "US/a/y", "US/b"] and bottoms == ["US/a/x", "US/a/y", "US/b"]
    assert S.tolist() == [[1, 1, 1], [1, 1, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]]


def test_top_down_splits_the_root_by_forecast_proportions_and_evenly_when_children_are_zero():
    h = hierarchy_from_ids(["US", "US/a", "US/a/x", "US/a/y", "US/b"])
    fc = _fc95([("US", D1, "m", 50), ("US/a", D1, "m", 20), ("US/a/x", D1, "m", 8), ("US/a/y", D1, "m", -1),
                ("US/b", D1, "m", 30),
                ("US", D2, "m", 10), ("US/a", D2, "m", 0), ("US/a/x", D2, "m", 0), ("US/a/y", D2, "m", 0),
                ("US/b", D2, "m", 0)])
    got = reconcile(fc, h, "top_down").set_index(["unique_id", "ds"])["y_hat"]
    assert [got[(u, D1)] for u in ["US", "US/a", "US/a/x", "US/a/y", "US/b"]] == [50.0, 20.0, 20.0, 0.0, 30.0]
    assert [got[(u, D2)] for u in ["US", "US/a", "US/a/x", "US/a/y", "US/b"]] == [10.0, 5.0, 2.5, 2.5, 5.0]
    _sums_hold(reconcile(fc, h, "top_down"), h, ["ds"])


def test_mint_is_ols_with_identity_weights_and_bottom_up_when_the_total_is_noisy():
    _, _, S = tree_order(TREE)
    y_hat = np.array([10.0, 3.0, 4.0])  # T, a, b: incoherent by 3
    ols = S @ mint_matrix(S, np.eye(3)) @ y_hat  # Hyndman et al. (2011): b = (T + 2a - b, T - a + 2b) / 3
    np.testing.assert_allclose(ols, [9.0, 4.0, 5.0])
    np.testing.assert_allclose(S @ mint_matrix(S, np.diag([1e9, 1.0, 1.0])) @ y_hat, [7.0, 3.0, 4.0], atol=1e-6)
    coherent = np.array([7.0, 3.0, 4.0])
    np.testing.assert_allclose(S @ mint_matrix(S, np.diag([5.0, 1.0, 2.0])) @ coherent, coherent)


def test_mint_without_residuals_uses_structural_weights():
    fc = _fc95([("T", D1, "m", 10), ("T/a", D1, "m", 3), ("T/b", D1, "m", 4)])
    got = reconcile(fc, TREE, "mint_shrink").set_index("unique_id")["y_hat"]
    _, _, S = tree_order(TREE)
    want = S @ mint_matrix(S, np.diag([2.0, 1.0, 1.0])) @ np.array([10.0, 3.0, 4.0])
    np.testing.assert_allclose(got[["T", "T/a", "T/b"]].to_numpy(), want)


def test_shrinkage_intensity_is_high_for_independent_errors_and_low_for_correlated_ones():
    rng = np.random.default_rng(0)
    assert shrunk_covariance(np.ones((1, 3))) is None
    assert shrunk_covariance(np.array([[1.0, np.nan], [2.0, 1.0]])) is None  # one complete row left
    independent = rng.normal(size=(400, 4))
    w, lam = shrunk_covariance(independent)
    assert lam > 0.5 and np.allclose(w, w.T)
    common = rng.normal(size=(400, 1))
    _, lam_corr = shrunk_covariance(common + 0.1 * rng.normal(size=(400, 4)))
    assert lam_corr < 0.05


def test_every_method_is_coherent_non_negative_and_ordered_at_every_ds():
    h = hierarchy_from_ids(["US", "US/a", "US/a/x", "US/a/y", "US/b"])
    rng = np.random.default_rng(1)
    rows = [(u, pd.Timestamp("2025-01-01") + pd.DateOffset(months=i), "m", v)
            for i in range(6) for u, v in zip(["US", "US/a", "US/a/x", "US/a/y", "US/b"],
                                              rng.normal([40, 12, 10, -2, 25], 5))]
    fc = _fc95(rows)
    residuals = pd.DataFrame(rng.normal(size=(20, 5)) * [5, 2, 1, 1, 3],
                             columns=["US", "US/a", "US/a/x", "US/a/y", "US/b"])
    for method in METHODS:
        got = reconcile(fc, h, method, levels=(80, 95), residuals=residuals)
        assert len(got) == len(fc), method
        _sums_hold(got, h, ["ds"])
        _ordered_nonnegative(got)


def test_mint_clips_negative_bottoms_and_reaggregates():
    fc = _fc95([("T", D1, "m", 0), ("T/a", D1, "m", 10), ("T/b", D1, "m", 0)])
    got = reconcile(fc, TREE, "mint_shrink", residuals=None).set_index("unique_id")
    assert got.loc["T/b", "y_hat"] == 0.0 and got.loc["T", "y_hat"] == pytest.approx(got.loc["T/a", "y_hat"])
    with pytest.raises(ValueError, match="unknown reconciliation method 'mint'"):
        reconcile(fc, TREE, "mint")


def _backtest():
    """Two cutoffs of a T = a + b hierarchy whose base total is 20% high and whose bottoms are exact."""
    rows = []
    for cutoff, dates in [(pd.Timestamp("2024-12-01"), [D1, D2]), (pd.Timestamp("2025-01-01"), [D2])]:
        for ds in dates:
            a, b = 10.0 + ds.month, 20.0
            for uid, y, y_hat in [("T", a + b, 1.2 * (a + b)), ("T/a", a, a), ("T/b", b, b)]:
                rows.append((uid, cutoff, ds, y, "m", y_hat))
    bt = pd.DataFrame(rows, columns=["unique_id", "cutoff", "ds", "y", "model", "y_hat"])
    return bt.assign(lo_80=bt["y_hat"] - 1, hi_80=bt["y_hat"] + 1, lo_95=bt["y_hat"] - 2, hi_95=bt["y_hat"] + 2)


def _panel():
    ds = pd.date_range("2023-01-01", "2025-02-01", freq="MS")
    a, b = 10.0 + ds.month + np.arange(len(ds)) % 5, np.full(len(ds), 20.0) + np.arange(len(ds)) % 7
    return pd.concat([pd.DataFrame({"unique_id": u, "ds": ds, "y": y}) for u, y in
                      [("T", a + b), ("T/a", a), ("T/b", b)]], ignore_index=True)


def test_backtest_is_reconciled_per_cutoff_and_scored_per_level():
    h = TREE.assign(hierarchy="T", parent_level="total", child_level="part", child_depth=1)
    cv = reconcile_backtest(_backtest(), h)
    assert sorted(cv["model"].unique()) == ["base", "bottom_up", "mint_shrink", "top_down"]
    assert (cv.groupby("model").size() == 9).all()
    for method in METHODS:
        _sums_hold(cv[cv["model"] == method], h, ["cutoff", "ds"])
    bu = cv[cv["model"] == "bottom_up"].set_index(["unique_id", "cutoff", "ds"])
    assert (bu["y_hat"] == bu["y"]).all()  # exact bottoms add up to the exact total
    fc = _fc95([("T", D2 + pd.DateOffset(months=1), "m", 40), ("T/a", D2 + pd.DateOffset(months=1), "m", 13),
                ("T/b", D2 + pd.DateOffset(months=1), "m", 20)]).drop(columns="model")
    reconciled, quality = reconcile_hierarchies(fc, _backtest().drop(columns="model"), _panel(), h, season_length=12)
    q = quality.set_index(["level", "method"])
    assert q.loc[(0, "base"), "wape"] == pytest.approx(0.2) and q.loc[(0, "bottom_up"), "wape"] == 0.0
    assert q.loc[(1, "base"), "mase"] == 0.0 and q.loc[(1, "top_down"), "mase"] > 0  # top-down spreads the error
    assert q.loc[(0, "bottom_up"), "coverage_80"] == 1.0 and q.loc[(0, "base"), "coverage_95"] == 0.0
    assert q.loc[(0, "bottom_up"), "is_chosen"] and q["is_chosen"].sum() == 2  # one method, both levels
    assert q["reason"].iloc[0].startswith("lowest mean backtest MASE over the hierarchy's series: bottom_up 0.000")
    assert set(reconciled["method"]) == set(METHODS) and len(reconciled) == 9
    assert reconciled.loc[reconciled["is_chosen"], "method"].unique().tolist() == ["bottom_up"]
    assert node_levels(h)[["unique_id", "level", "level_name"]].values.tolist() == [
        ["T", 0, "total"], ["T/a", 1, "part"], ["T/b", 1, "part"]]


def test_choose_defaults_to_bottom_up_without_backtest_and_prefers_the_simpler_method_on_ties():
    assert choose(pd.DataFrame(columns=["model", "mase"]), "H")[0] == "bottom_up"
    tie = pd.DataFrame({"model": ["top_down", "mint_shrink", "bottom_up", "base"], "mase": [0.5, 0.5, 0.7, 0.9]})
    method, reason = choose(tie, "H")
    assert method == "mint_shrink" and reason.endswith("base (incoherent) 0.900")


OCCUPATIONS = ("soc_code,title,family,legacy_codes\n17-2112,Industrial Engineers,mfg,\n"
               "17-2141,Mechanical Engineers,mfg,\n15-2051,Data Scientists,ai,\n")


def _feature_rows(con):
    """Hand-made zh and OEWS feature tables: CN = BJ + SH + 2 other postings a month; the AI occupation is new."""
    cols = "unique_id, ds, y, freq, source, measure, region, label, unit, is_ai_mfg, description"
    months = pd.date_range("2023-01-01", periods=30, freq="MS")
    rng = np.random.default_rng(4)
    bj, sh = rng.poisson(6, 30).astype(float), rng.poisson(3, 30).astype(float)
    zh = pd.concat([pd.DataFrame({"unique_id": f"demand/{r}/zh_postings/{s}", "ds": months, "y": y, "region": r})
                    for r, s, y in [("CN", "all", bj + sh + 2), ("CN-BJ", "all", bj), ("CN-SH", "all", sh),
                                    ("CN", "ai", np.ones(30))]], ignore_index=True)
    years = pd.date_range("2008-01-01", "2022-01-01", freq="YS")
    oews = pd.concat([pd.DataFrame({"unique_id": "employment/US/oews/" + soc, "ds": ds, "y": y, "region": "US"})
                      for soc, ds, y in [("17-2112", years, 1000.0 + 10 * np.arange(15)),
                                         ("17-2141", years, 2000.0 + rng.normal(0, 20, 15).round()),
                                         ("15-2051", years[-2:], np.array([100.0, 120.0]))]], ignore_index=True)
    for name, frame, freq, source, measure in [("feat_demand_zh__monthly", zh, "MS", "zh_postings", "demand"),
                                               ("feat_employment_oews__annual", oews, "YS", "oews", "employment")]:
        con.register("_f", frame.assign(freq=freq, source=source, measure=measure, label=frame["unique_id"],
                                         unit="count", is_ai_mfg=False, description=""))
        con.execute(f"CREATE TABLE features.{name} AS SELECT unique_id, ds::DATE AS ds, y, freq, source, measure, "
                    f"region, label, unit, is_ai_mfg, description FROM _f")
        con.unregister("_f")
    # every other source table series.sql and feat_panel.sql read, empty (found in the SQL: others get added)
    from features.build import SQL_DIR

    sql = "".join((SQL_DIR / "features" / f).read_text(encoding="utf-8") for f in ("series.sql", "feat_panel.sql"))
    for name in sorted(set(re.findall(r"features\.(feat_\w+)", sql)) - {
            "feat_demand_zh__monthly", "feat_employment_oews__annual", "feat_totals__hierarchy"}):
        con.execute(f"CREATE TABLE features.{name} AS SELECT {cols} FROM features.feat_demand_zh__monthly WHERE false")


def test_pipeline_step_publishes_coherent_reconciled_forecasts_and_quality_per_level(seeded_warehouse, tmp_path):
    from core.db import connect, connect_reader, set_variables
    from features.build import CHECKS_DIR, FEATURES, MARTS, build_models
    from flows.steps import publish_warehouse
    from forecasting.warehouse import ForecastPlan, run_forecasts

    # a cursor: load_seeds' fetchone() leaves a result open, which DuckDB 2.0 refuses register() over
    base = seeded_warehouse({"occupations_of_interest.csv": OCCUPATIONS})
    con = base.cursor()
    _feature_rows(con)
    wanted = ("int_hierarchy__links", "feat_totals__hierarchy", "series", "feat_panel", "feat_hierarchy")
    build_models(con, [m for m in FEATURES if m.table in wanted])
    totals = con.execute("SELECT unique_id, count(*), min(y), max(y) FROM features.feat_totals__hierarchy "
                         "GROUP BY ALL ORDER BY ALL").fetchall()
    assert totals == [("demand/CN-other/zh_postings/all", 30, 2.0, 2.0),
                      ("employment/US/oews/ai", 2, 100.0, 120.0),  # only years where every occupation has a value
                      ("employment/US/oews/mfg", 15, totals[2][2], totals[2][3])]
    links = con.execute("SELECT hierarchy, child, child_level FROM features.feat_hierarchy ORDER BY ALL").fetchall()
    assert links == [("demand/CN/zh_postings/all", "demand/CN-BJ/zh_postings/all", "province"),
                     ("demand/CN/zh_postings/all", "demand/CN-SH/zh_postings/all", "province"),
                     ("demand/CN/zh_postings/all", "demand/CN-other/zh_postings/all", "province"),
                     ("employment/US/oews/ai", "employment/US/oews/15-2051", "occupation"),
                     ("employment/US/oews/mfg", "employment/US/oews/17-2112", "occupation"),
                     ("employment/US/oews/mfg", "employment/US/oews/17-2141", "occupation")]
    # a parent whose children stop adding up in the panel is left out of the companion table
    con.execute("UPDATE features.feat_panel SET y = y + 1 WHERE unique_id = 'employment/US/oews/mfg' "
                "AND ds = DATE '2015-01-01'")
    base.close()  # features/ registers Python functions once per open database: reopen for each build
    con = connect(tmp_path / "wh.duckdb")
    build_models(con, [m for m in FEATURES if m.table == "feat_hierarchy"])
    parents = con.execute("SELECT DISTINCT parent FROM features.feat_hierarchy").fetchall()
    assert "employment/US/oews/mfg" not in {r[0] for r in parents}
    con.close()
    con = connect(tmp_path / "wh.duckdb")
    build_models(con, [m for m in FEATURES if m.table in ("feat_panel", "feat_hierarchy")])
    con.close()

    counts = run_forecasts(tmp_path / "wh.duckdb", "run-t", ForecastPlan(horizon_months=3, horizon_years=2,
                                                                          backtest_windows=2, step_months=2))
    assert counts["forecasts.reconciled"] == 3 * (4 * 3 + 5 * 2)  # methods x (zh nodes x 3 months + OEWS x 2 years)
    con = connect(tmp_path / "wh.duckdb")
    try:
        set_variables(con, {"run_id": "run-t", "as_of": "2026-11-27 00:00:00", "snapshot_id": "snap-t"})
        build_models(con, [m for m in MARTS if m.table in ("reconciliation_quality", "reconciled_forecast",
                                                               "demand_forecast")])
        check = (CHECKS_DIR / "check_reconciled_sums.sql").read_text(encoding="utf-8")
        assert con.execute(check).fetchall() == []
        # what planners read adds up too: the national count is the sum of its provinces in demand_forecast
        sums = con.execute("""
            SELECT d.ds, max(d.y_hat) FILTER (WHERE d.unique_id = 'demand/CN/zh_postings/all') AS total,
                   sum(d.y_hat) FILTER (WHERE h.child IS NOT NULL) AS provinces,
                   count(*) FILTER (WHERE d.reconciled_by IS NULL AND (h.child IS NOT NULL
                                    OR d.unique_id = 'demand/CN/zh_postings/all')) AS unreconciled
            FROM marts.demand_forecast AS d
            LEFT JOIN features.feat_hierarchy AS h
                ON h.child = d.unique_id AND h.parent = 'demand/CN/zh_postings/all'
            WHERE d.unique_id LIKE 'demand/CN%' GROUP BY d.ds ORDER BY d.ds""").fetchall()
        assert len(sums) == 3 and all(u == 0 for *_, u in sums)
        assert all(t == pytest.approx(p, rel=1e-9) for _, t, p, _ in sums)
    finally:
        con.close()
    pub = tmp_path / "published.duckdb"
    assert publish_warehouse(tmp_path / "wh.duckdb", pub)["marts.reconciled_forecast"] == 4 * 3 + 5 * 2
    reader = connect_reader(pub)
    try:
        quality = reader.execute("SELECT hierarchy, level, method, n_series, mase, is_chosen, reason "
                                 "FROM marts.reconciliation_quality").df()
        published = reader.execute("SELECT hierarchy, count(*) AS n, count(DISTINCT method) AS methods, min(lo_95) "
                                   "FROM marts.reconciled_forecast GROUP BY ALL ORDER BY ALL").fetchall()
    finally:
        reader.close()
    con = connect(tmp_path / "wh.duckdb")
    try:
        con.execute("UPDATE forecasts.reconciled SET y_hat = y_hat + 1 WHERE parent IS NULL")
        assert len(con.execute(check).fetchall()) == 3 * (3 + 2 + 2)  # every root row of every method now fails
    finally:
        con.close()
    assert set(quality["method"]) == {"base", "bottom_up", "top_down", "mint_shrink"}
    assert (quality.groupby("hierarchy")["level"].nunique() == 2).all()
    chosen = quality[quality["is_chosen"]].groupby("hierarchy")["method"].nunique()
    assert (chosen == 1).all() and len(chosen) == 3
    zh = quality[(quality["hierarchy"] == "demand/CN/zh_postings/all") & (quality["method"] == "base")]
    assert zh.set_index("level")["n_series"].to_dict() == {0: 1, 1: 3} and zh["mase"].notna().all()
    ai = quality[quality["hierarchy"] == "employment/US/oews/ai"]
    assert ai["n_series"].eq(0).all() and ai["reason"].str.contains("bottom_up by default").all()
    assert [(h, n, m) for h, n, m, _ in published] == [("demand/CN/zh_postings/all", 12, 1),
                                                      ("employment/US/oews/ai", 4, 1),
                                                      ("employment/US/oews/mfg", 6, 1)]
    assert all(lo >= 0 for *_, lo in published)
