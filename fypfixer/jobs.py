"""Background jobs: on RQ's default queue (django-rq) when a broker is configured, inline otherwise.

Workers run `python manage.py rqworker default --with-scheduler` (the scheduler runs the
retries that wait); the weekly jobs come from `python manage.py rqcron catalog.cron`. With no
REDIS_URL (the embedded default) a job runs at once in the calling process, so the README's
one-command server needs no worker.
"""

import django_rq
from django.conf import settings
from django.db import transaction
from rq import Retry


def enqueue(func, *args, retry: Retry | None = None, **kwargs):
    """Run `func(*args, **kwargs)` as a job once the current transaction commits (or now, inline, without a broker).

    After the commit, so that a worker finds the rows the job is about.
    """
    if not settings.JOBS_ASYNC:
        return func(*args, **kwargs)
    queue = django_rq.get_queue("default", is_async=True)
    transaction.on_commit(lambda: queue.enqueue(func, *args, retry=retry, **kwargs))
    return None
