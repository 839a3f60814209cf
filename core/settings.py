"""All run-time settings in one place; only flows and the CLI read them (STYLE.md, convention 4)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[1]


class Settings(BaseSettings):
    """talentcast settings; every field can be set as TALENTCAST_<NAME> in the environment."""

    model_config = SettingsConfigDict(env_prefix="TALENTCAST_", extra="ignore")

    home: Path = Field(REPO_ROOT / "data", description="Folder holding raw landing, warehouse and published files.")
    snapshot_dir: Path = Field(REPO_ROOT / "data" / "snapshots", description="Bundled source snapshots (offline mode).")
    seeds_dir: Path = Field(REPO_ROOT / "seeds", description="Versioned reference CSVs loaded into schema ref.")
    mode: Literal["offline", "live"] = Field("offline", description="offline reads bundled snapshots; live fetches public URLs.")
    sources: str = Field("all", description="Comma-separated source names to ingest, or 'all'.")
    http_timeout_s: float = Field(30.0, description="Timeout of one HTTP request in live mode.")
    http_retries: int = Field(3, description="Retries of a failed live fetch (Prefect task retries).")
    github_token: str | None = Field(None, description="Optional GitHub token for the live posting threads (never logged).")
    usajobs_key: str | None = Field(None, description="USAJOBS search API key for live mode (never logged).")
    usajobs_email: str | None = Field(None, description="E-mail the USAJOBS API asks for as User-Agent (live mode).")
    feed_dirs: str = Field("", description="Comma-separated folders each holding a feed.json: extra postings feeds.")
    drop_raw_text: bool = Field(False, description="After staging, keep only redacted text in raw.* and delete the "
                                "landed files of live text batches (issue 3: the raw layer keeps what the source "
                                "published unless this is set).")

    horizon_months: int = Field(12, description="Forecast horizon for monthly series.")
    horizon_years: int = Field(5, description="Forecast horizon for annual series.")
    backtest_windows: int = Field(3, description="Rolling-origin backtest windows per series.")
    backtest_step_months: int = Field(3, description="Months between backtest cutoffs (monthly series).")
    horizon_weeks: int = Field(13, description="Forecast horizon for weekly series.")
    backtest_step_weeks: int = Field(4, description="Weeks between backtest cutoffs (weekly series).")
    workers: int = Field(2, description="Processes used to fit series in parallel.")
    models: str = Field("", description="Comma-separated models for monthly and weekly series, empty for the "
                        "defaults (forecasting/registry.py); e.g. 'naive,seasonal_naive,tsb,gbm' is ~4x cheaper "
                        "than the default set on 10,000 series (benchmarks/forecast_scale.py).")
    race: bool = Field(True, description="Race expensive models (ETS, ARIMA, Theta) on a sample of each selection "
                       "group of 400+ series and skip them for the rest where they clearly lose (forecasting/race.py); "
                       "false fits every model on every series.")

    report_series: str = Field(
        "demand/CN/zh_postings/ai_mfg,demand/CN/zh_postings/ai,demand/CN/zh_postings/mfg,"
        "demand/US/indeed/industrial_engineering,demand/GLOBAL/hn/computer_vision,supply/US/ipeds/14.4201",
        description="Comma-separated series charted in the report (AI x manufacturing ones are added).")
    query_timeout_s: float = Field(10.0, description="Time limit of one read-only query (seconds).")
    query_max_rows: int = Field(10_000, description="Most rows a read-only query returns.")

    cron_postings: str = Field("0 6 * * 1", description="Schedule of the postings refresh (weekly, Monday 06:00).")
    cron_forecast: str = Field("0 7 2 * *", description="Schedule of the full pipeline (monthly, day 2 07:00).")
    cron_education: str = Field("0 8 15 10 *", description="Schedule of the education refresh (yearly, 15 October).")
    timezone: str = Field("UTC", description="Time zone of the cron schedules.")

    def model_names(self) -> tuple[str, ...] | None:
        """Return the monthly/weekly model names of TALENTCAST_MODELS, or None for the registry's defaults."""
        names = tuple(n.strip() for n in self.models.split(",") if n.strip())
        return names or None

    def connector_options(self) -> dict:
        """Return the keyword arguments of ingest.registry.all_sources from these settings."""
        return {"github_token": self.github_token, "usajobs_key": self.usajobs_key,
                "usajobs_email": self.usajobs_email,
                "feed_dirs": [Path(p.strip()) for p in self.feed_dirs.split(",") if p.strip()]}

    @property
    def raw_dir(self) -> Path:
        return self.home / "raw"

    @property
    def warehouse_path(self) -> Path:
        return self.home / "warehouse" / "talentcast.duckdb"

    @property
    def published_path(self) -> Path:
        return self.home / "published" / "talentcast.duckdb"

    @property
    def report_path(self) -> Path:
        return self.home / "published" / "report.html"

    def source_list(self, available: list[str]) -> list[str]:
        """Return the configured source names, checked against the available ones."""
        if self.sources.strip() == "all":
            return list(available)
        wanted = [s.strip() for s in self.sources.split(",") if s.strip()]
        unknown = sorted(set(wanted) - set(available))
        if unknown:
            raise ValueError(f"TALENTCAST_SOURCES names unknown source(s) {unknown}; known: {available}")
        return wanted


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings (read once from the environment)."""
    return Settings()
