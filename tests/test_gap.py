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
