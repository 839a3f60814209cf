"""The one place schedules live: the pipeline monthly, postings weekly, education yearly (cron in settings)."""

from __future__ import annotations

from prefect import serve

from core.settings import Settings
from flows.pipeline import pipeline, refresh_sources


def deployments(settings: Settings) -> list:
    """Return the Prefect deployments of talentcast with their cron schedules."""
    return [
        pipeline.to_deployment(name="talentcast-monthly", cron=settings.cron_forecast, timezone=settings.timezone,
                               description="Whole job: ingest, features, forecasts, marts, checks, publish, report"),
        refresh_sources.to_deployment(name="postings-weekly", cron=settings.cron_postings, timezone=settings.timezone,
                                      parameters={"cadence": "weekly"},
                                      description="Land and load the weekly postings sources into raw"),
        refresh_sources.to_deployment(name="education-yearly", cron=settings.cron_education,
                                      timezone=settings.timezone, parameters={"cadence": "yearly"},
                                      description="Land and load the yearly labour and education sources into raw"),
    ]


def serve_all(settings: Settings) -> None:
    """Serve every deployment from this process; limit=1 keeps one run (one warehouse writer) at a time."""
    serve(*deployments(settings), limit=1)
