"""Background work of the alert inbox: every 5 minutes, escalate the alerts nobody acknowledged in time.

The database worker has no clock of its own, so the task keeps itself scheduled: each run enqueues the
next one 5 minutes later, and `manage.py schedule_tasks` (run by `make demo` and at deploy) makes sure
exactly one is waiting.
"""

from __future__ import annotations

import datetime

from django.tasks import task
from django.utils import timezone

from lianfang.watch.escalation import escalate_overdue_alerts

EVERY = datetime.timedelta(minutes=5)


def next_run(now: datetime.datetime | None = None) -> datetime.datetime:
    return (now or timezone.now()) + EVERY


@task()
def escalate_alerts() -> int:
    moved = escalate_overdue_alerts()
    schedule_escalation(force=True)
    return moved


def schedule_escalation(*, force: bool = False) -> bool:
    """Enqueue the next run unless one is already waiting (force: the running one is about to end)."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(task_path=escalate_alerts.module_path, status="READY")
    if waiting.exists() and not force:
        return False
    escalate_alerts.using(run_after=next_run()).enqueue()
    return True
