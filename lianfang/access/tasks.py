"""Background work of closed management: the daily purge of old gate records.

The database worker has no clock of its own, so the purge keeps itself scheduled: each run enqueues the
next one for 03:00 the next day, and `manage.py schedule_tasks` (run by `make demo` and at deploy) makes
sure exactly one is waiting.
"""

from __future__ import annotations

import datetime

from django.tasks import task
from django.utils import timezone

from lianfang.access.services import purge_passages


def next_run(now: datetime.datetime | None = None) -> datetime.datetime:
    local = timezone.localtime(now or timezone.now())
    day = local.date() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(3, 0)))


@task()
def purge_passages_daily() -> int:
    deleted = purge_passages()
    schedule_purge(force=True)
    return deleted


def schedule_purge(*, force: bool = False) -> bool:
    """Enqueue the next purge unless one is already waiting (force: the running one is about to end)."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(task_path=purge_passages_daily.module_path, status="READY")
    if waiting.exists() and not force:
        return False
    purge_passages_daily.using(run_after=next_run()).enqueue()
    return True
