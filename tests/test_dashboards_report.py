"""The static HTML report built from a real published file: sections, escaping, embedded specs."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from dashboards.report import build_report

SPEC_BLOCK = re.compile(r'<script type="application/json" data-chart="(chart-\d+)">(.*?)</script>', re.DOTALL)


@pytest.fixture()
def page(published: Path, tmp_path: Path) -> str:
    out = build_report(published, tmp_path / "site" / "report.html")
    assert out == tmp_path / "site" / "report.html"
    return out.read_text(encoding="utf-8")


class _Scripts(HTMLParser):
    """Collects every <script> element the browser would see, with its attributes and text."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._open: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self._open = dict(attrs)
            self.scripts.append((self._open, ""))

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._open = None


def _specs(page: str) -> dict[str, dict]:
    return {chart: json.loads(body) for chart, body in SPEC_BLOCK.findall(page)}


def _rows(spec: dict) -> list[dict]:
    return [row for rows in spec["datasets"].values() for row in rows]


def test_report_has_every_section(page: str) -> None:
    assert page.startswith("<!DOCTYPE html>")
    assert '<meta name="generator" content="talentcast">' in page
    for heading in ("AI x manufacturing demand", "Model quality", "Coherent totals", "Skill gap", "Program outlook",
                    "How postings are tagged", "Rising and falling skills", "Data freshness"):
        assert f"<h2>{heading}</h2>" in page
    assert "<dd>run-1</dd>" in page and "<dd>snap-2025-01-15</dd>" in page and "<dd>2025-01-15 06:00</dd>" in page
    assert "<noscript>" in page
    header = page.split("<h2>")[0]
    assert "<a " not in header


def test_report_escapes_markup_from_the_data(page: str) -> None:
    assert "<script>alert(1)</script>" not in page
    assert "Robotics &lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page
    parser = _Scripts()
    parser.feed(page)
    # Only the three vendored Vega scripts (inlined, so charts draw offline), the chart specs and our
    # own embed script: no injected element.
    kinds = [attrs.get("type") or ("src" if attrs.get("src") else "inline") for attrs, _ in parser.scripts]
    assert kinds.count("src") == 0 and kinds.count("inline") == 4
    assert sum("vegaEmbed" in text for attrs, text in parser.scripts if not attrs.get("type")) >= 2
    assert kinds.count("application/json") == 3  # two fan charts and the gap heat map
    assert not any("alert(1)" in text for attrs, text in parser.scripts if attrs.get("type") != "application/json")


def test_report_embeds_the_fan_chart_specs_with_forecast_rows(page: str) -> None:
    specs = _specs(page)
    assert list(specs) == ["chart-0", "chart-1"]  # de then zh: the two AI x manufacturing series
    zh = specs["chart-1"]
    assert zh["$schema"].startswith("https://vega.github.io/schema/vega-lite/v6")
    assert zh["title"]["text"] == "AI x manufacturing postings, Zurich"
    assert "postings/month" in zh["title"]["subtitle"] and "model: ETS" in zh["title"]["subtitle"]
    assert [layer["mark"]["type"] for layer in zh["layer"]] == ["area", "area", "line"]
    rows = _rows(zh)
    forecast = [r for r in rows if r["kind"] == "forecast"]
    assert [r["y"] for r in forecast] == [124.0 + i for i in range(12)]
    assert [(r["lo_80"], r["hi_80"], r["lo_95"], r["hi_95"]) for r in forecast[:1]] == [(119.0, 129.0, 114.0, 134.0)]
    assert forecast[0]["ds"].startswith("2025-01-01") and forecast[-1]["ds"].startswith("2025-12-01")
    assert len([r for r in rows if r["kind"] == "history"]) == 24
    de = specs["chart-0"]
    assert de["title"]["text"] == "Robotics <script>alert(1)</script> & co"  # raw in JSON, escaped in HTML


def test_report_tables_show_latest_run_values_with_units(page: str) -> None:
    quality = page.split('id="model-quality"')[1].split("</section>")[0]
    assert "<td>ETS</td>" in quality and '<td class="num">0.8</td>' in quality
    assert '<td class="num">95%</td>' in quality and "beats SeasonalNaive on MASE" in quality
    assert "old run" not in page
    gap = page.split('id="skill-gap"')[1].split("</section>")[0]
    assert "130 (120–140) postings/year" in gap and "133.5 (130–137) graduates/year" in gap
    assert '<td class="num">-3.5</td>' in gap and "=HYPERLINK(&quot;x&quot;)" in gap
    # per cutoff: the selected rows of the latest run, mean over series (2024-06: (1.0 + 0.5) / 2)
    assert "<td>2024-06-01</td>" in quality and '<td class="num">75%</td>' in quality
    assert "<td>2024-09-01</td>" in quality and '<td class="num">25%</td>' in quality
    assert "2023-06-01" not in quality and "7.77" not in quality and "9.0" not in quality
    recon = page.split('id="reconciliation"')[1].split("</section>")[0]
    assert "mint_shrink (published)" in recon and '<td class="num">0.57</td>' in recon and "9.99" not in recon
    assert recon.index("<td>base</td>") < recon.index("mint_shrink (published)")  # before, then after
    fresh = page.split('id="data-freshness"')[1].split("</section>")[0]
    assert "<td>2025-01-15 05:00</td>" in fresh and '<td class="num">1,200</td>' in fresh and "CC BY 4.0" in fresh


def test_report_of_a_database_published_before_the_by_cutoff_mart(published: Path, tmp_path: Path) -> None:
    import duckdb

    con = duckdb.connect(str(published))
    con.execute("DROP TABLE marts.model_quality_by_cutoff")
    con.close()
    page = build_report(published, tmp_path / "old.html").read_text(encoding="utf-8")
    quality = page.split('id="model-quality"')[1].split("</section>")[0]
    assert "beats SeasonalNaive on MASE" in quality and "model_quality_by_cutoff" not in quality


def test_report_shows_what_each_selected_fit_became_and_reads_files_without_it(page: str, published: Path,
                                                                               tmp_path: Path) -> None:
    import duckdb

    quality = page.split('id="model-quality"')[1].split("</section>")[0]
    assert "<th>Fit</th>" in quality and "<td>ETS(A,N,N): AICc 81.0 &lt; ETS(A,Ad,N) 87.6</td>" in quality
    assert "old form" not in quality  # run-0's
    con = duckdb.connect(str(published))
    con.execute("ALTER TABLE marts.model_quality DROP COLUMN model_form")
    con.close()
    older = build_report(published, tmp_path / "older.html").read_text(encoding="utf-8")
    quality = older.split('id="model-quality"')[1].split("</section>")[0]
    assert "<th>Fit</th>" not in quality and "beats SeasonalNaive on MASE" in quality


def test_report_publishes_the_tagger_accuracy_and_the_definition(page: str) -> None:
    tagger = page.split('<section id="tagger">')[1].split("</section>")[0]
    assert "one and the same position" in tagger
    # the held-out split first, the development split left out, an undefined score shown as missing
    assert tagger.index("<td>holdout</td>") < tagger.index("<td>all</td>") and "<td>dev</td>" not in tagger
    assert "AI x manufacturing (both)" in tagger and '<td class="num">0.8</td>' in tagger
    assert '<td class="num">0.911</td>' in tagger or '<td class="num">0.91</td>' in tagger


def test_named_series_are_added_and_unknown_refused(published: Path, tmp_path: Path) -> None:
    out = build_report(published, tmp_path / "r.html", series=["supply/ch/grads", "demand/zh/ai_mfg"])
    specs = _specs(out.read_text(encoding="utf-8"))
    assert len(specs) == 3
    grads = _rows(specs["chart-2"])
    # a supply series: history from the panel, its forecast from marts.supply_forecast (not demand_forecast)
    assert [(r["kind"], r["y"]) for r in grads] == [("history", 300.0), ("history", 310.0), ("history", 320.0),
                                                    ("history", 330.0), ("forecast", 340.0), ("forecast", 350.0)]
    with pytest.raises(ValueError, match="unknown series 'demand/xx'"):
        build_report(published, tmp_path / "r2.html", series=["demand/xx"])
    assert not (tmp_path / "r2.html").exists()
