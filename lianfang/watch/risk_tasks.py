"""Background work of risk levels: every night at 00:30, every current rule assesses the day that just
ended (watch.risk.suggest_all), so that the command centre finds the day's suggestions in the morning.

The database worker has no clock of its own, so the task keeps itself scheduled: each run enqueues the
next one for 00:30 the next day, and `manage.py schedule_tasks` makes sure exactly one is waiting.
"""

from __future__ import annotations

import datetime

from django.tasks import task
from django.utils import timezone

from lianfang.watch.risk import suggest_all

RUN_AT = datetime.time(0, 30)


def next_run(now: datetime.datetime | None = None) -> datetime.datetime:
    """The next 00:30 local time after `now`."""
    local = timezone.localtime(now or timezone.now())
    run = timezone.make_aware(datetime.datetime.combine(local.date(), RUN_AT))
    return (
        run
        if run > local
        else timezone.make_aware(datetime.datetime.combine(local.date() + datetime.timedelta(days=1), RUN_AT))
    )


@task()
def suggest_risk_levels_nightly() -> int:
    """Assess yesterday (local date) with every current rule; returns how many suggestions were made."""
    made = suggest_all(day=timezone.localdate() - datetime.timedelta(days=1))
    schedule_risk_suggestions(force=True)
    return made


def schedule_risk_suggestions(*, force: bool = False) -> bool:
    """Enqueue the next run unless one is already waiting (force: the running one is about to end)."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(task_path=suggest_risk_levels_nightly.module_path, status="READY")
    if waiting.exists() and not force:
        return False
    suggest_risk_levels_nightly.using(run_after=next_run()).enqueue()
    return True
