"""The library's schedule, for `python manage.py rqcron catalog.cron` (RQ's cron scheduler)."""

from rq import cron

from catalog.jobs import weekly_refresh_job

# Mondays at 04:00 UTC: check the videos of active plans (gone ones get flagged).
cron.register(weekly_refresh_job, "default", cron="0 4 * * 1", name="weekly video refresh")
