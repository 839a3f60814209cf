"""Gap simulation (issue 5): exact rows when intervals are points, normal percentiles otherwise."""

from __future__ import annotations

import pandas as pd
import pytest

from forecasting.gap import GapAssumptions, normal_sd, simulate_gap

KEYS = ["program_code", "year"]


def test_point_forecasts_give_exact_percentiles() -> None:
    demand = pd.DataFrame({"program_code": ["14.4201", "14.4201"], "year": [2025, 2026],
                           "y_hat": [1000.0, 1200.0], "lo_80": [1000.0, 1200.0], "hi_80": [1000.0, 1200.0]})
    supply = pd.DataFrame({"program_code": ["14.4201"], "year": [2025],
                           "y_hat": [400.0], "lo_80": [400.0], "hi_80": [400.0]})
    out = simulate_gap(demand, supply, KEYS, GapAssumptions(new_graduate_share=0.5, retention_share=0.8, draws=50))
    # only 2025 has both sides; demand 1000 * 0.5, supply 400 * 0.8
    assert out.to_dict("records") == [{
        "program_code": "14.4201", "year": 2025,
        "demand_p10": 500.0, "demand_p50": 500.0, "demand_p90": 500.0,
        "supply_p10": 320.0, "supply_p50": 320.0, "supply_p90": 320.0,
        "gap_p10": 180.0, "gap_p50": 180.0, "gap_p90": 180.0,
        "ratio_p10": 1.5625, "ratio_p50": 1.5625, "ratio_p90": 1.5625,
    }]


def test_interval_becomes_a_normal_whose_p10_p90_are_the_80_bounds() -> None:
    assert normal_sd([80.0], [120.0])[0] == pytest.approx(20 / 1.2815515655446004)
    demand = pd.DataFrame({"program_code": ["x"], "year": [2025], "y_hat": [100.0], "lo_80": [80.0], "hi_80": [120.0]})
    supply = pd.DataFrame({"program_code": ["x"], "year": [2025], "y_hat": [50.0], "lo_80": [50.0], "hi_80": [50.0]})
    row = simulate_gap(demand, supply, KEYS, GapAssumptions(draws=200_000)).iloc[0]
    assert row["demand_p10"] == pytest.approx(80.0, abs=0.3)
    assert row["demand_p90"] == pytest.approx(120.0, abs=0.3)
    assert row["gap_p50"] == pytest.approx(50.0, abs=0.3)
    assert row["ratio_p90"] == pytest.approx(2.4, abs=0.01)


def test_reversed_interval_is_named() -> None:
    with pytest.raises(ValueError, match=r"hi_80 < lo_80: widths \[-5.0\]"):
        normal_sd([10.0], [5.0])


def _points(value: float, code: str = "x") -> pd.DataFrame:
    return pd.DataFrame({"program_code": [code], "year": [2025], "y_hat": [value], "lo_80": [value], "hi_80": [value]})


def test_assumption_ranges_are_drawn_triangular_and_can_be_held_fixed() -> None:
    ranged = GapAssumptions(new_graduate_share=0.5, draws=200_000, ranges={"new_graduate_share": (0.3, 0.7)})
    assert ranged.uncertainty == "forecast+assumptions"
    row = simulate_gap(_points(1000.0), _points(100.0), KEYS, ranged).iloc[0]
    # symmetric triangular(0.3, 0.5, 0.7): P10 solves (x - 0.3)^2 = 0.1 * 0.4 * 0.2
    p10 = 0.3 + (0.1 * 0.4 * 0.2) ** 0.5
    assert row["demand_p10"] == pytest.approx(1000 * p10, abs=1.0)
    assert row["demand_p50"] == pytest.approx(500.0, abs=1.0)
    assert row["demand_p90"] == pytest.approx(1000 * (1 - p10), abs=1.0)
    assert row["supply_p10"] == row["supply_p90"] == 100.0  # forecast is a point, retention has no range
    fixed = GapAssumptions(new_graduate_share=0.5, draws=50, ranges={"new_graduate_share": (0.3, 0.7)},
                           draw_assumptions=False)
    assert fixed.uncertainty == "forecast"
    row = simulate_gap(_points(1000.0), _points(100.0), KEYS, fixed).iloc[0]
    assert (row["demand_p10"], row["demand_p90"]) == (500.0, 500.0)


def test_occupation_share_scale_and_retention_range_multiply_their_side() -> None:
    a = GapAssumptions(retention_share=1.0, occupation_share_scale=0.8, draws=100_000,
                       ranges={"retention_share": (0.8, 1.0)})
    row = simulate_gap(_points(100.0), _points(100.0), KEYS, a).iloc[0]
    assert row["demand_p50"] == pytest.approx(80.0)
    # triangular(0.8, 1.0, 1.0): P50 solves (x - 0.8)^2 = 0.5 * 0.2 * 0.2
    assert row["supply_p50"] == pytest.approx(100 * (0.8 + 0.2 * 0.5 ** 0.5), abs=0.2)


def test_a_value_outside_its_range_is_named() -> None:
    with pytest.raises(ValueError, match=r"new_graduate_share: value 0.9 is outside its range \[0.3, 0.7\]"):
        GapAssumptions(new_graduate_share=0.9, ranges={"new_graduate_share": (0.3, 0.7)})
    with pytest.raises(ValueError, match="'draws'"):
        GapAssumptions(ranges={"draws": (1, 2)})


def test_clusters_split_demand_by_weight_and_supply_equally() -> None:
    clusters = pd.DataFrame({"program_code": ["x", "x"], "cluster": ["ml_dl", "mechanical"],
                             "count": [29_999.5, 9_999.5]})
    out = simulate_gap(_points(1000.0), _points(400.0), KEYS, GapAssumptions(draws=20_000), clusters)
    assert out["skill_cluster"].tolist() == ["all", "ml_dl", "mechanical"]
    whole, ml, mech = (out.iloc[i] for i in range(3))
    assert (whole["demand_p50"], whole["gap_p50"], whole["demand_weight_p50"]) == (1000.0, 600.0, 1.0)
    # Dirichlet(30000, 10000): weights 0.75 / 0.25 with a tiny spread; supply 400 / 2 clusters
    assert ml["demand_weight_p50"] == pytest.approx(0.75, abs=0.005)
    assert ml["demand_p50"] == pytest.approx(750.0, abs=5) and ml["supply_p50"] == 200.0
    assert mech["gap_p50"] == pytest.approx(250.0 - 200.0, abs=5)
    assert mech["ratio_p50"] == pytest.approx(1.25, abs=0.03)
    # a program without forecast rows gets no cluster rows
    other = clusters.assign(program_code="y")
    alone = simulate_gap(_points(1000.0), _points(400.0), KEYS, GapAssumptions(draws=10), other)
    assert alone["skill_cluster"].tolist() == ["all"]
