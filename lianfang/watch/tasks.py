"""Background work of the statistics: every night at 00:15 (local time) yesterday's figures, then today's
so far.

The database worker has no clock of its own, so the task keeps itself scheduled: each run enqueues the next
one for 00:15 the next day, and `manage.py schedule_tasks` (run by `make demo` and at deploy) makes sure
exactly one is waiting. A night's run also computes the days of the last week that were never computed (the
worker was down), and recomputes yesterday even when it was computed during the day: those were its figures
so far, not the whole day's.

`after_day_computed(day)` runs once for every whole day computed here (not for today so far, nor for
`backfill_stats`): the place where the early-warning detectors and the risk suggestions start.
"""

from __future__ import annotations

import datetime

from django.tasks import task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from lianfang.watch.detect import run_detectors
from lianfang.watch.models import StatDay
from lianfang.watch.stats import compute_day

NIGHTLY_AT = datetime.time(0, 15)
CATCH_UP_DAYS = 7


def next_run(now: datetime.datetime | None = None) -> datetime.datetime:
    """The next 00:15 local time after `now`."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    at = timezone.make_aware(datetime.datetime.combine(local.date(), NIGHTLY_AT))
    return (
        at
        if at > now
        else timezone.make_aware(
            datetime.datetime.combine(local.date() + datetime.timedelta(days=1), NIGHTLY_AT)
        )
    )


def after_day_computed(day: datetime.date) -> dict[str, object]:
    """A whole day's figures are stored: the early-warning detectors run on them (each alarm raises its
    alert once). Risk suggestions read the cases themselves and run on their own at 00:30 (risk_tasks)."""
    return run_detectors(day=day)


def days_to_compute(today: datetime.date) -> list[datetime.date]:
    """Yesterday, and the days of the week before it that were never computed, oldest first."""
    yesterday = today - datetime.timedelta(days=1)
    first = today - datetime.timedelta(days=CATCH_UP_DAYS)
    done = set(StatDay.objects.filter(day__gte=first, day__lt=yesterday).values_list("day", flat=True))
    missing = [first + datetime.timedelta(days=i) for i in range(CATCH_UP_DAYS - 1)]
    return [d for d in missing if d not in done] + [yesterday]


def run_nightly(now: datetime.datetime | None = None) -> dict[str, int]:
    """Compute the whole days due (`days_to_compute`), each followed by `after_day_computed`, then today so
    far; returns rows written per day (ISO date -> rows)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    written: dict[str, int] = {}
    for day in days_to_compute(today):
        written[day.isoformat()] = compute_day(day=day, now=now)
        after_day_computed(day)
    written[today.isoformat()] = compute_day(day=today, now=now)
    return written


@task()
def compute_nightly_stats() -> dict[str, int]:
    try:
        return run_nightly()
    finally:
        schedule_nightly_stats(force=True)


def schedule_nightly_stats(*, force: bool = False) -> bool:
    """Enqueue the next run unless one is already waiting (force: the running one is about to end)."""
    waiting = DBTaskResult.objects.filter(task_path=compute_nightly_stats.module_path, status="READY")
    if waiting.exists() and not force:
        return False
    compute_nightly_stats.using(run_after=next_run()).enqueue()
    return True
