"""BLS projections evaluation (issue 5): code groups across SOC changes, exact growths on hand-made rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecasting.projections import Method, code_groups, crosswalk_pairs, evaluate_vintage, summarise

CROSSWALKS = {
    (2000, 2010): pd.DataFrame({"old": ["17-2112", "15-1031", "15-1032"], "new": ["17-2112", "15-1132", "15-1133"]}),
    (2010, 2018): pd.DataFrame({"old": ["17-2112", "15-1132", "15-1133", "15-1133"],
                                "new": ["17-2112", "15-1252", "15-1252", "15-1253"]}),
}


UNCAPPED = Method(trend_cap=None)


def _oews(rows: list[tuple[int, str, int | None]]) -> pd.DataFrame:
    return pd.DataFrame([(y, c, "detailed", e) for y, c, e in rows],
                        columns=["year", "occ_code", "o_group", "tot_emp"]).astype({"tot_emp": "Int64"})


OEWS = _oews([
    (2002, "17-2112", 100), (2002, "15-1031", 50), (2002, "15-1032", 20),
    (2012, "17-2112", 200), (2012, "15-1132", 80), (2012, "15-1133", 40), (2012, "13-1021", 4), (2012, "13-1022", 4),
    (2012, "47-2011", None),
    (2022, "17-2112", 300), (2022, "15-1252", 150), (2022, "15-1253", 30), (2022, "13-1020", 10), (2022, "47-2011", 5),
])
PROJECTIONS = pd.DataFrame(
    [("17-2112", "Industrial engineers", 190_000.0, 209_000.0), ("15-1132", "Software developers, applications", 60.0, 75.0),
     ("15-1133", "Software developers, systems software", 30.0, 45.0), ("13-1021", "Buyers, farm", 1.0, 1.0),
     ("13-1022", "Wholesale buyers", 1.0, 1.2), ("47-2011", "Boilermakers", 10.0, 10.0)],
    columns=["soc_code", "title", "emp_base", "emp_target"])


def _blend(bls_growth: float, trend_growth: float, years: int = 10, span: int = 10) -> float:
    rate = 0.5 * ((1 + bls_growth) ** (1 / years) - 1) + 0.5 * ((1 + trend_growth) ** (1 / span) - 1)
    return (1 + rate) ** span - 1


def test_code_groups_follow_crosswalks_and_aggregate_prefixes() -> None:
    groups = code_groups({"15-1132", "15-1133", "15-1252", "15-1253", "13-1021", "13-1022", "13-1020", "17-2112"},
                         crosswalk_pairs(CROSSWALKS, 2012, 2022))
    assert groups["15-1133"] == groups["15-1252"] == "15-1132+15-1133+15-1252+15-1253"
    # 13-1020 is an OEWS aggregate no crosswalk lists: it joins the codes of its broad group.
    assert groups["13-1021"] == "13-1020+13-1021+13-1022"
    assert groups["17-2112"] == "17-2112"


def test_crosswalks_used_only_when_the_span_crosses_a_soc_change() -> None:
    assert len(crosswalk_pairs(CROSSWALKS, 2012, 2018)) == 0
    assert len(crosswalk_pairs(CROSSWALKS, 2012, 2022)) == 4
    assert len(crosswalk_pairs(CROSSWALKS, 2002, 2012)) == 3
    assert len(crosswalk_pairs(CROSSWALKS, 2021, 2022)) == 0


def test_evaluate_vintage_exact_rows() -> None:
    rows = evaluate_vintage(OEWS, PROJECTIONS, (2012, 2022), 2012, 2022, CROSSWALKS, {"17-2112"}, UNCAPPED)
    # 47-2011 is suppressed in 2012: not comparable, dropped.
    assert rows["soc_code"].tolist() == ["13-1021+13-1022", "15-1132+15-1133", "17-2112"]
    assert rows["emp_base"].tolist() == [8, 120, 200]
    assert rows["emp_target_actual"].tolist() == [10, 180, 300]
    assert rows["growth_actual"].tolist() == pytest.approx([0.25, 0.5, 0.5])
    assert rows["growth_bls"].tolist() == pytest.approx([0.1, 1 / 3, 0.1])
    # the trend projects each 2012 code on its own 2002-12 rate: 80 * 1.6 + 40 * 2.0 = 208
    assert rows["growth_trend"].tolist()[1:] == pytest.approx([208 / 120 - 1, 1.0])
    assert pd.isna(rows["growth_trend"].iloc[0])
    assert rows["growth_talentcast"].tolist() == pytest.approx(
        [0.1, _blend(1 / 3, 208 / 120 - 1), _blend(0.1, 1.0)])  # no trend: BLS alone
    assert rows["codes_target"].tolist() == ["13-1020", "15-1252+15-1253", "17-2112"]
    assert rows["is_ai_mfg"].tolist() == [False, False, True]
    assert set(rows["trend_from_year"]) == {2002}


def test_bls_rate_is_pro_rated_to_a_shorter_span() -> None:
    oews = pd.concat([OEWS, _oews([(2017, "17-2112", 250)])])
    rows = evaluate_vintage(oews, PROJECTIONS, (2012, 2022), 2012, 2017, CROSSWALKS, method=UNCAPPED)
    row = rows.set_index("soc_code").loc["17-2112"]
    assert row["growth_actual"] == pytest.approx(0.25)
    assert row["growth_bls"] == pytest.approx(1.1 ** 0.5 - 1)
    assert row["growth_trend"] == pytest.approx(2 ** 0.5 - 1)
    assert row["growth_talentcast"] == pytest.approx(_blend(0.1, 2 ** 0.5 - 1, span=5))


def test_no_oews_year_after_base_reaches_the_forecast() -> None:
    later = _oews([(2015, "17-2112", 10_000), (2015, "15-1132", 1), (2008, "17-2112", 10_000)])
    before = evaluate_vintage(OEWS, PROJECTIONS, (2012, 2022), 2012, 2022, CROSSWALKS)
    # 2015 data (after B) changes nothing; 2008 is inside the trend window but the earliest year wins.
    after = evaluate_vintage(pd.concat([OEWS, later]), PROJECTIONS, (2012, 2022), 2012, 2022, CROSSWALKS)
    pd.testing.assert_frame_equal(before, after)


def test_trend_rate_is_capped_by_default() -> None:
    rows = evaluate_vintage(OEWS, PROJECTIONS, (2012, 2022), 2012, 2022, CROSSWALKS).set_index("soc_code")
    # 2002-12 doubled (7.18%/yr): the blend uses 5%/yr for the trend; growth_trend stays as measured.
    assert rows.loc["17-2112", "growth_trend"] == pytest.approx(1.0)
    rate = 0.5 * (1.1 ** 0.1 - 1) + 0.5 * 0.05
    assert rows.loc["17-2112", "growth_talentcast"] == pytest.approx((1 + rate) ** 10 - 1)


def test_method_weight_and_missing_years_fail_loudly() -> None:
    only_bls = evaluate_vintage(OEWS, PROJECTIONS, (2012, 2022), 2012, 2022, CROSSWALKS, method=Method(bls_weight=1.0))
    assert only_bls["growth_talentcast"].tolist() == pytest.approx(only_bls["growth_bls"].tolist())
    with pytest.raises(ValueError, match="no OEWS data for year 2023"):
        evaluate_vintage(OEWS, PROJECTIONS, (2012, 2022), 2012, 2023, CROSSWALKS)
    with pytest.raises(ValueError, match="target year 2012 must be after base year 2012"):
        evaluate_vintage(OEWS, PROJECTIONS, (2012, 2022), 2012, 2012, CROSSWALKS)


def test_summarise_exact() -> None:
    rows = pd.DataFrame({"growth_actual": [0.21, -0.1], "growth_bls": [0.1, 0.1], "growth_talentcast": [0.21, -0.19],
                         "growth_trend": [np.nan, -0.19], "is_ai_mfg": [True, False]})
    summary = summarise(rows, 2).set_index(["subset", "method"])
    bls = summary.loc[("all", "bls")]
    assert bls["occupations"] == 2
    assert bls["mae_growth"] == pytest.approx((0.11 + 0.2) / 2)
    # annualised over 2 years: 1.21 -> 10%/yr, 1.1 -> 4.88%/yr, 0.9 -> -5.13%/yr
    a1, b1, a2 = 0.1, 1.1 ** 0.5 - 1, 0.9 ** 0.5 - 1
    assert bls["mae_annual_pts"] == pytest.approx((abs(b1 - a1) + abs(b1 - a2)) / 2 * 100)
    assert bls["direction_right"] == 0.5
    assert summary.loc[("all", "talentcast"), "direction_right"] == 1.0
    assert summary.loc[("all", "trend"), "occupations"] == 1
    assert summary.loc[("ai_mfg", "no_change"), "mae_growth"] == pytest.approx(0.21)
