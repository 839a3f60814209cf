"""One self-contained static HTML report of the published run: fan charts and plain HTML tables."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd

from core.db import connect_reader
from dashboards.charts import chart_spec, gap_heatmap_spec
from dashboards.htmltable import (
    col, esc, fmt_date, fmt_num, fmt_pct, fmt_text, fmt_time, html_table, missing,
)
from dashboards.queries import run_named

DEFAULT_SERIES = 6  # AI x manufacturing series charted when none are named
# Vega scripts are vendored (dashboards/static, BSD-3) and inlined so charts draw offline; where a
# copy is missing the page falls back to the CDN, and every number is still in a plain table.
STATIC = Path(__file__).parent / "static"
VEGA_SCRIPTS = (
    ("vega.min.js", f"https://cdn.jsdelivr.net/npm/vega@{alt.VEGA_VERSION}"),
    ("vega-lite.min.js", f"https://cdn.jsdelivr.net/npm/vega-lite@{alt.VEGALITE_VERSION}"),
    ("vega-embed.min.js", f"https://cdn.jsdelivr.net/npm/vega-embed@{alt.VEGAEMBED_VERSION}"),
)


def _vega_scripts() -> str:
    """Return the Vega script elements: inlined vendored copies, or CDN links where none is bundled."""
    parts = []
    for name, url in VEGA_SCRIPTS:
        local = STATIC / name
        if local.exists():
            # A minified library never contains "</script"; guard anyway so the page cannot break.
            parts.append("<script>" + local.read_text(encoding="utf-8").replace("</script", "<\\/script") + "</script>")
        else:
            parts.append(f'<script src="{esc(url)}"></script>')
    return "\n".join(parts)

CSS = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #222;
       max-width: 1100px; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .3rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #ccc; }
dl.run { display: grid; grid-template-columns: max-content auto; gap: .15rem 1rem; }
dl.run dt { font-weight: 600; } dl.run dd { margin: 0; font-family: ui-monospace, monospace; }
table { border-collapse: collapse; margin: .6rem 0 1rem; font-size: 14px; }
th, td { border-bottom: 1px solid #ddd; padding: .3rem .6rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.muted, caption { color: #666; font-size: 13px; } caption { text-align: left; caption-side: bottom; }
figure.chart { margin: 1.2rem 0 1.8rem; } .vega { min-height: 60px; }
details summary { cursor: pointer; color: #444; }
"""

EMBED_JS = """
document.querySelectorAll('script[type="application/json"][data-chart]').forEach(function (node) {
  var target = document.getElementById(node.getAttribute('data-chart'));
  if (typeof vegaEmbed !== 'function') {
    target.textContent = 'Chart not drawn: the Vega scripts could not be loaded. The numbers are in the table below.';
    return;
  }
  vegaEmbed(target, JSON.parse(node.textContent), {actions: false}).catch(function (err) {
    target.textContent = 'Chart not drawn: ' + err;
  });
});
"""


def _script_json(spec: dict[str, Any]) -> str:
    # Escape <, > and & so no string in the data (a label, a posting) can close the script element.
    text = json.dumps(spec, ensure_ascii=False, allow_nan=False, default=str)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def choose_series(catalog: pd.DataFrame, series: Sequence[str] | None, strict: bool = True) -> list[str]:
    """Return the unique_ids to chart: up to DEFAULT_SERIES AI x manufacturing series, then `series`.

    An unknown id in `series` is an error when strict, else skipped (configured defaults).
    """
    default = catalog.loc[catalog["is_ai_mfg"].fillna(False) & catalog["has_forecast"], "unique_id"]
    chosen = [str(u) for u in default.head(DEFAULT_SERIES)]
    known = set(catalog["unique_id"].astype(str))
    for unique_id in series or []:
        if unique_id not in known and not strict:
            continue
        if unique_id not in known:
            sample = ", ".join(sorted(known)[:20])
            raise ValueError(f"unknown series {unique_id!r}; known series include: {sample}")
        if unique_id not in chosen:
            chosen.append(unique_id)
    return chosen


def _header(run: pd.DataFrame) -> str:
    if run.empty:
        return '<p class="muted">No forecast run is published in this file.</p>'
    r = run.iloc[0]
    items = [
        ("Run", fmt_text(r["run_id"])),
        ("As of", fmt_time(r["as_of"])),
        ("Data snapshot", fmt_text(r["snapshot_id"])),
        ("Run status", fmt_text(r["status"])),
        ("Series forecast", fmt_num(r["n_series"])),
    ]
    return '<dl class="run">' + "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in items) + "</dl>"


def _charts(fan: pd.DataFrame, ids: Sequence[str]) -> str:
    if not ids:
        return '<p class="muted">No AI x manufacturing series with a forecast in this run.</p>'
    parts = []
    for i, unique_id in enumerate(ids):
        frame = fan[fan["unique_id"] == unique_id]
        if frame.empty:
            parts.append(f'<p class="muted">No history or forecast for {esc(unique_id)}.</p>')
            continue
        forecast = frame[frame["kind"] == "forecast"]
        numbers_table = html_table(
            forecast,
            [
                col("Period", "ds", fmt_date),
                col("Forecast", "y", fmt_num, True),
                col("80% low", "lo_80", fmt_num, True),
                col("80% high", "hi_80", fmt_num, True),
                col("95% low", "lo_95", fmt_num, True),
                col("95% high", "hi_95", fmt_num, True),
            ],
        )
        parts.append(
            f'<figure class="chart" id="series-{i}">'
            f'<div class="vega" id="chart-{i}"></div>'
            f'<script type="application/json" data-chart="chart-{i}">{_script_json(chart_spec(frame))}</script>'
            f"<figcaption><details><summary>Forecast numbers: {esc(frame.iloc[0]['label'])} "
            f"({esc(fmt_text(frame.iloc[0]['unit']))})</summary>{numbers_table}</details></figcaption>"
            "</figure>"
        )
    return "".join(parts)


def _quality(quality: pd.DataFrame) -> str:
    return html_table(
        quality,
        [
            ("Series", lambda r: f"{fmt_text(r['label'])} ({r['unique_id']})", fmt_text, False),
            col("Selected model", "model"),
            col("MASE", "mase", fmt_num, True),
            ("Baseline", lambda r: r["baseline_model"], fmt_text, False),
            col("Baseline MASE", "baseline_mase", fmt_num, True),
            col("sMAPE", "smape", fmt_num, True),
            col("Coverage 80%", "coverage_80", fmt_pct, True),
            col("Coverage 95%", "coverage_95", fmt_pct, True),
            col("Windows", "n_windows", fmt_num, True),
            col("Horizon", "horizon", fmt_num, True),
            col("Reason", "reason"),
            # what the fit became (ETS form, ARIMA order and regressors, ensemble members); older files lack it
            *([col("Fit", "model_form")] if "model_form" in quality.columns else []),
        ],
        caption="Backtest scores of the selected model per series, read against the seasonal-naive "
        "baseline (MASE below the baseline's means the model beat it). Interval coverage should sit "
        "near 80% and 95%.",
    )


def _quality_by_cutoff(by_cutoff: pd.DataFrame | None) -> str:
    if by_cutoff is None or by_cutoff.empty:
        return ""
    return html_table(
        by_cutoff,
        [
            ("Cutoff", lambda r: fmt_text(pd.Timestamp(r["cutoff"]).strftime("%Y-%m-%d")), str, False),
            col("Series", "n_series", fmt_num, True),
            col("Mean MASE", "mase", fmt_num, True),
            col("Coverage 80%", "coverage_80", fmt_pct, True),
            col("Coverage 95%", "coverage_95", fmt_pct, True),
        ],
        caption="The selected models per backtest cutoff, mean over series (marts.model_quality_by_cutoff). "
        "Errors of all series move together, so coverage swings from one cutoff to the next; a few cutoffs "
        "are a few draws of time, and the totals above average over them.",
    )


def _reconciliation(recon: pd.DataFrame) -> str:
    return html_table(
        recon,
        [
            col("Hierarchy", "hierarchy"),
            ("Level", lambda r: f"{fmt_num(r['level'])} {fmt_text(r['level_name'])}", str, False),
            ("Method", lambda r: fmt_text(r["method"]) + (" (published)" if r["is_chosen"] is True else ""),
             str, False),
            col("Series", "n_series", fmt_num, True),
            col("MASE", "mase", fmt_num, True),
            col("WAPE", "wape", fmt_num, True),
            col("Coverage 80%", "coverage_80", fmt_pct, True),
            col("Coverage 95%", "coverage_95", fmt_pct, True),
        ],
        caption="Backtest accuracy per hierarchy level before reconciliation (base: each series' selected "
        "model, totals need not add up) and after it (bottom_up, top_down, mint_shrink); the published method "
        "has the lowest mean MASE over the hierarchy's series (marts.reconciliation_quality).",
    )


def _with_band(value: Any, lo: Any, hi: Any, unit: Any) -> str:
    band = "" if missing(lo) or missing(hi) else f" ({fmt_num(lo)}–{fmt_num(hi)})"
    return f"{fmt_num(value)}{band} {fmt_text(unit)}"


def default_programs(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the rows of the 'default' assumption set and whole programs (skill_cluster 'all'), where the columns exist."""
    if "assumption_set" in frame:
        frame = frame[frame["assumption_set"] == "default"]
    if "skill_cluster" in frame:
        frame = frame[frame["skill_cluster"] == "all"]
    return frame.reset_index(drop=True)


def _skill_gap(gap: pd.DataFrame) -> str:
    # The per-year rows are long (units in words); folded so the heat map and outlook stay in view.
    return f"<details><summary>Every program and year ({len(gap)} rows)</summary>{_skill_gap_table(gap)}</details>"


def _skill_gap_table(gap: pd.DataFrame) -> str:
    return html_table(
        gap,
        [
            col("Programme", "program_code"),
            col("Title", "program_title"),
            col("System", "system"),
            col("Region", "region"),
            col("Year", "year"),
            col("Demand measure", "demand_measure"),
            ("Demand (80% band) unit", lambda r: _with_band(
                r["demand_value"], r["demand_lo_80"], r["demand_hi_80"], r["demand_unit"]), str, True),
            ("Supply (80% band) unit", lambda r: _with_band(
                r["supply_value"], r["supply_lo_80"], r["supply_hi_80"], r["supply_unit"]), str, True),
            col("Gap", "gap", fmt_num, True),
            col("Ratio", "ratio", fmt_num, True),
            col("Note", "note"),
        ],
        caption="Demand and supply are in the units shown in each cell (value and P10-P90 band); gap and "
        "ratio are P50s, left empty where the units differ (see the note).",
    )


def _gap_heatmap(gap: pd.DataFrame) -> str:
    """Return the program x year heat map of the gap (US programs, where gap is defined)."""
    frame = gap[gap["gap"].notna()] if "gap" in gap else gap.iloc[:0]
    if frame.empty:
        return ""
    frame = frame.assign(gap_lo=frame.get("gap_p10", frame["gap"]), gap_hi=frame.get("gap_p90", frame["gap"]))
    spec = gap_heatmap_spec(frame)
    return ('<figure class="chart"><div class="vega" id="chart-gap"></div>'
            f'<script type="application/json" data-chart="chart-gap">{_script_json(spec)}</script></figure>')


def _outlook(outlook: pd.DataFrame) -> str:
    if outlook.empty:
        return '<p class="muted">No program outlook in this published file.</p>'
    return html_table(
        outlook,
        [
            col("Programme", "program_code"),
            col("Title", "program_title"),
            col("Region", "region"),
            col("Years", "years"),
            col("Outlook", "outlook"),
            col("Gap low (P10)", "gap_low", fmt_num, True),
            col("Gap high (P90)", "gap_high", fmt_num, True),
            col("Demand unit", "demand_unit"),
            col("Supply unit", "supply_unit"),
            col("Caveats", "caveats"),
            ("Top skills (source)", lambda r: " ".join(
                str(r[k]) for k in ("top_skills", "skills_source") if k in r and isinstance(r[k], str)), str, False),
        ],
        caption="marts.program_outlook: the gap band over the next years under the default assumption set "
        "(seeds/gap_assumptions.csv; bands include the assumptions' ranges where the caveats say so); "
        "`talentcast gap --program CODE --assumptions NAME` prints one programme under any set, and "
        "marts.skill_gap splits each programme over its skill clusters.",
    )


TREND_SOURCES = {"zh_postings": "谁在招人", "hn": "HN Who is hiring? (live)"}


def _trends(trends: pd.DataFrame) -> str:
    if trends.empty:
        return '<p class="muted">No skill trends in this published file.</p>'
    moving = trends[trends["is_rising"].fillna(False) | trends["is_falling"].fillna(False)]
    shown = moving if not moving.empty else trends.head(20)
    return html_table(
        shown.head(40),
        [
            col("Source", "source", lambda s: TREND_SOURCES.get(s, s)),
            col("Level", "level"),
            col("Skill or cluster", "name"),
            col("Kind", "kind"),
            col("Month", "ds", fmt_date),
            col("Share, last 12 months", "share_12m", fmt_pct, True),
            col("Growth 3 months", "growth_3m", fmt_pct, True),
            col("Growth 12 months", "growth_12m", fmt_pct, True),
            ("Trend", lambda r: "rising" if r["is_rising"] else ("falling" if r["is_falling"] else ""), str, False),
        ],
        caption="marts.skill_trends, each source's latest month: share of its tagged postings mentioning the skill; "
        "rising and falling flags follow seeds/postings_rules.csv.",
    )


TAG_NAMES = {"ai_mfg": "AI x manufacturing (both)", "ai": "AI", "mfg": "manufacturing", "is_posting": "is a posting"}


def _tagger(tagger: pd.DataFrame) -> str:
    definition = (
        "<p>A posting counts as <strong>AI x manufacturing</strong> when one and the same position in it requires "
        "AI skills (machine learning, computer vision, NLP or LLMs, robot perception) and is in or for manufacturing "
        "(the employer makes physical products, or the work is industrial automation, embedded or hardware, "
        "production, semiconductors). Skills marked optional (“...者优先”, "
        "“nice to have”) do not count. Rules: data/eval/LABELLING.md; every tagged posting keeps its "
        "matched terms and evidence spans (features.int_postings__tagged).</p>"
    )
    if tagger.empty:
        return definition + '<p class="muted">No labelled postings in this published file.</p>'
    return definition + html_table(
        tagger,
        [
            col("Labelled split", "split"),
            col("Language", "lang"),
            ("Tag", lambda r: TAG_NAMES.get(r["tag"], r["tag"]), fmt_text, False),
            col("Postings", "n", fmt_num, True),
            col("Labelled positive", "positives", fmt_num, True),
            col("Precision", "precision", fmt_num, True),
            col("Recall", "recall", fmt_num, True),
            col("F1", "f1", fmt_num, True),
        ],
        caption="marts.tagger_quality: the tags this run published, scored against hand-labelled postings "
        "(holdout: never tuned on, though the rule reviews saw some of its rows; all: every labelled posting). "
        "Few labelled positives make these ranges wide: one posting moves a small F1 by about 0.1.",
    )


def _freshness(fresh: pd.DataFrame) -> str:
    return html_table(
        fresh,
        [
            col("Source", "source"),
            col("Title", "title"),
            col("Fetched at", "fetched_at", fmt_time),
            col("First period", "first_period", fmt_date),
            col("Last period", "last_period", fmt_date),
            col("Rows", "rows", fmt_num, True),
            col("Rejects", "rejects", fmt_num, True),
            col("Licence", "licence"),
            col("Mode", "mode"),
            col("Batch", "batch_id"),
        ],
        caption="Latest batch per source.",
    )


def render_report(
    run: pd.DataFrame, fan: pd.DataFrame, ids: Sequence[str], quality: pd.DataFrame,
    gap: pd.DataFrame, fresh: pd.DataFrame, generated_at: dt.datetime,
    outlook: pd.DataFrame | None = None, trends: pd.DataFrame | None = None,
    recon: pd.DataFrame | None = None, tagger: pd.DataFrame | None = None,
    by_cutoff: pd.DataFrame | None = None,
) -> str:
    """Return the report page as one HTML string from the named-query frames."""
    scripts = _vega_scripts()
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="talentcast">
<title>talentcast report</title>
<style>{CSS}</style>
{scripts}
</head>
<body>
<header>
<h1>talentcast: demand for AI x manufacturing talent</h1>
<p class="muted">Generated {esc(generated_at.strftime("%Y-%m-%d %H:%M UTC"))} from the published database.</p>
{_header(run)}
</header>
<section id="demand">
<h2>AI x manufacturing demand</h2>
<noscript><p class="muted">Charts need JavaScript; every number is also in the tables on this
page.</p></noscript>
{_charts(fan, ids)}
</section>
<section id="model-quality">
<h2>Model quality</h2>
{_quality(quality)}
{_quality_by_cutoff(by_cutoff)}
</section>
<section id="reconciliation">
<h2>Coherent totals</h2>
{_reconciliation(recon if recon is not None else pd.DataFrame())}
</section>
<section id="skill-gap">
<h2>Skill gap</h2>
{_gap_heatmap(gap)}
{_skill_gap(gap)}
</section>
<section id="program-outlook">
<h2>Program outlook</h2>
{_outlook(outlook if outlook is not None else pd.DataFrame())}
</section>
<section id="tagger">
<h2>How postings are tagged</h2>
{_tagger(tagger if tagger is not None else pd.DataFrame())}
</section>
<section id="skill-trends">
<h2>Rising and falling skills</h2>
{_trends(trends if trends is not None else pd.DataFrame())}
</section>
<section id="data-freshness">
<h2>Data freshness</h2>
{_freshness(fresh)}
</section>
<script>{EMBED_JS}</script>
</body>
</html>
"""


def build_report(db_path: Path | str, output: Path | str, series: list[str] | None = None,
                 strict: bool = True) -> Path:
    """Write the HTML report of the published run to `output` atomically and return its path.

    `series` are charted after the AI x manufacturing ones; unknown ids fail when strict, else are skipped.
    """
    con = connect_reader(db_path)
    try:
        run = run_named(con, "latest_run")
        ids = choose_series(run_named(con, "series"), series, strict)
        fan = run_named(con, "fan_chart_series", {"ids": ids})
        quality = run_named(con, "model_quality")
        # a database published before this mart existed still gets its report, without the table
        tables = run_named(con, "tables")
        has_by_cutoff = ((tables["schema"] == "marts") & (tables["table"] == "model_quality_by_cutoff")).any()
        by_cutoff = run_named(con, "model_quality_by_cutoff") if has_by_cutoff else None
        gap = default_programs(run_named(con, "skill_gap"))
        fresh = run_named(con, "data_freshness")
        outlook = default_programs(run_named(con, "program_outlook"))
        trends = run_named(con, "skill_trends")
        recon = run_named(con, "reconciliation_quality")
        tagger = run_named(con, "tagger_quality")
    finally:
        con.close()
    page = render_report(run, fan, ids, quality, gap, fresh, dt.datetime.now(dt.UTC), outlook, trends, recon, tagger,
                         by_cutoff)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(f".{output.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(page, encoding="utf-8")
        os.replace(tmp, output)
    finally:
        tmp.unlink(missing_ok=True)
    return output
