"""Every deployment builds with its schedule (a definitions-load smoke test, no server needed)."""

from core.settings import Settings
from flows.serve import deployments


def test_deployments_build_with_cron_schedules():
    settings = Settings(cron_postings="5 6 * * 1", cron_forecast="0 7 2 * *", cron_education="0 8 15 10 *")
    built = {d.name: d for d in deployments(settings)}
    assert set(built) == {"talentcast-monthly", "postings-weekly", "education-yearly"}
    crons = {name: [s.schedule.cron for s in d.schedules] for name, d in built.items()}
    assert crons == {"talentcast-monthly": ["0 7 2 * *"], "postings-weekly": ["5 6 * * 1"],
                     "education-yearly": ["0 8 15 10 *"]}
    assert built["postings-weekly"].parameters == {"cadence": "weekly"}
