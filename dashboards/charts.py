"""Altair fan charts: history line, forecast line and 80%/95% interval bands for one series."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

CHART_WIDTH = 640  # pixels
CHART_HEIGHT = 240  # pixels
HISTORY_COLOUR = "#1f4e79"
FORECAST_COLOUR = "#c0504d"


def fan_chart(frame: pd.DataFrame) -> alt.LayerChart:
    """Return a layered fan chart for one series from rows of the `fan_chart_series` query."""
    ids = frame["unique_id"].unique()
    if len(ids) != 1:
        raise ValueError(f"fan_chart takes one series, got {len(ids)}: {list(ids)[:5]}")
    first = frame.iloc[0]
    forecast_models = frame.loc[frame["kind"] == "forecast", "model"].dropna().unique()
    model = ", ".join(map(str, forecast_models)) or "no forecast"
    unit = str(first["unit"]) if pd.notna(first["unit"]) else ""
    data = frame[["kind", "ds", "y", "lo_80", "hi_80", "lo_95", "hi_95"]]

    x = alt.X("ds:T", title=None)
    base = alt.Chart(data)
    is_forecast = alt.datum.kind == "forecast"
    band_95 = (
        base.transform_filter(is_forecast)
        .mark_area(color=FORECAST_COLOUR, opacity=0.15)
        .encode(x=x, y=alt.Y("lo_95:Q", title=unit), y2="hi_95:Q")
    )
    band_80 = (
        base.transform_filter(is_forecast)
        .mark_area(color=FORECAST_COLOUR, opacity=0.3)
        .encode(x=x, y="lo_80:Q", y2="hi_80:Q")
    )
    lines = base.mark_line(point=alt.OverlayMarkDef(size=12)).encode(
        x=x,
        y=alt.Y("y:Q", title=unit),
        color=alt.Color(
            "kind:N",
            title=None,
            scale=alt.Scale(domain=["history", "forecast"], range=[HISTORY_COLOUR, FORECAST_COLOUR]),
        ),
        strokeDash=alt.StrokeDash(
            "kind:N", legend=None, scale=alt.Scale(domain=["history", "forecast"], range=[[1, 0], [5, 3]])
        ),
        tooltip=[
            alt.Tooltip("ds:T", title="period"),
            alt.Tooltip("kind:N"),
            alt.Tooltip("y:Q", format=",.2f"),
            alt.Tooltip("lo_80:Q", format=",.2f", title="80% low"),
            alt.Tooltip("hi_80:Q", format=",.2f", title="80% high"),
            alt.Tooltip("lo_95:Q", format=",.2f", title="95% low"),
            alt.Tooltip("hi_95:Q", format=",.2f", title="95% high"),
        ],
    )
    title = alt.TitleParams(
        text=str(first["label"]),
        subtitle=f"{ids[0]} · {unit} · model: {model} · bands: 80% and 95% intervals",
        anchor="start",
    )
    return (band_95 + band_80 + lines).properties(width=CHART_WIDTH, height=CHART_HEIGHT, title=title)


def chart_spec(frame: pd.DataFrame) -> dict[str, Any]:
    """Return the Vega-Lite spec (data inlined) of the fan chart for one series."""
    return fan_chart(frame).to_dict()


def gap_heatmap_spec(gap: pd.DataFrame) -> dict[str, Any]:
    """Return the Vega-Lite spec of a program x year heat map of the median gap, bands in the tooltip."""
    data = gap[["program_code", "program_title", "year", "gap", "gap_lo", "gap_hi", "demand_unit"]].copy()
    data["program"] = data["program_code"].astype(str) + " " + data["program_title"].astype(str)
    chart = alt.Chart(data).mark_rect().encode(
        x=alt.X("year:O", title=None),
        y=alt.Y("program:N", title=None, sort=None),
        color=alt.Color("gap:Q", title="gap (P50)", scale=alt.Scale(scheme="redblue", domainMid=0)),
        tooltip=[
            alt.Tooltip("program:N"), alt.Tooltip("year:O"),
            alt.Tooltip("gap_lo:Q", format=",.0f", title="gap P10"),
            alt.Tooltip("gap:Q", format=",.0f", title="gap P50"),
            alt.Tooltip("gap_hi:Q", format=",.0f", title="gap P90"),
        ],
    )
    text = alt.Chart(data).mark_text(fontSize=10).encode(
        x="year:O", y=alt.Y("program:N", sort=None),
        text=alt.Text("gap:Q", format=",.0f"),
    )
    title = alt.TitleParams(text="Gap = demand - supply (P50; hover for P10-P90)",
                            subtitle="red: supply exceeds demand; blue: demand exceeds supply", anchor="start")
    return (chart + text).properties(width=CHART_WIDTH // 2, title=title).to_dict()
