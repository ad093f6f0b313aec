"""Background work of care: every 15 minutes, alerts for overdue calls and errands.

The database worker has no clock of its own, so the task keeps itself scheduled: each run enqueues the
next one 15 minutes later, and `manage.py schedule_tasks` (run by `make demo` and at deploy) makes sure
exactly one is waiting.
"""

from __future__ import annotations

import datetime

from django.tasks import task
from django.utils import timezone

from lianfang.care.alerts import create_overdue_alerts

EVERY = datetime.timedelta(minutes=15)


def next_run(now: datetime.datetime | None = None) -> datetime.datetime:
    return (now or timezone.now()) + EVERY


@task()
def raise_overdue_alerts() -> dict[str, int]:
    made = create_overdue_alerts()
    schedule_overdue_alerts(force=True)
    return made


def schedule_overdue_alerts(*, force: bool = False) -> bool:
    """Enqueue the next run unless one is already waiting (force: the running one is about to end)."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(task_path=raise_overdue_alerts.module_path, status="READY")
    if waiting.exists() and not force:
        return False
    raise_overdue_alerts.using(run_after=next_run()).enqueue()
    return True
