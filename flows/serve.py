"""The one place schedules live: the pipeline monthly, postings weekly, education yearly (cron in settings)."""

from __future__ import annotations

from prefect import serve
from prefect.schedules import Cron

from core.settings import Settings
from flows.pipeline import pipeline, refresh_sources


def deployments(settings: Settings) -> list:
    """Return the Prefect deployments of talentcast with their cron schedules."""
    tz = settings.timezone
    return [
        pipeline.to_deployment(name="talentcast-monthly", schedule=Cron(settings.cron_forecast, timezone=tz),
                               description="Whole job: ingest, features, forecasts, marts, checks, publish, report"),
        refresh_sources.to_deployment(name="postings-weekly", schedule=Cron(settings.cron_postings, timezone=tz),
                                      parameters={"cadence": "weekly"},
                                      description="Land and load the weekly postings sources into raw"),
        refresh_sources.to_deployment(name="education-yearly", schedule=Cron(settings.cron_education, timezone=tz),
                                      parameters={"cadence": "yearly"},
                                      description="Land and load the yearly labour and education sources into raw"),
    ]


def serve_all(settings: Settings) -> None:
    """Serve every deployment from this process; limit=1 keeps one run (one warehouse writer) at a time."""
    serve(*deployments(settings), limit=1)
