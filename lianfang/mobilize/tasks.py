"""Background work of mobilization (the database worker has no clock, so each task enqueues its next run;
`manage.py schedule_tasks` makes sure one of each is waiting):

- every 15 minutes: check out at its end whoever is still checked in, mark no-shows, escalate calls for help
  still short of people at their deadline;
- every night at 00:05: lapse report-ins past their date, generate the next 7 days of shifts of every gate;
- every afternoon at 14:00: an alert for each gate with a gap tonight.
"""

from __future__ import annotations

import datetime

from django.tasks import task
from django.utils import timezone

from lianfang.mobilize.attendance import close_past_shifts
from lianfang.mobilize.calls import escalate_unfilled_calls
from lianfang.mobilize.gaps import GAP_ALERT_HOUR, raise_gap_alerts
from lianfang.mobilize.roster import generate_shifts_sql
from lianfang.mobilize.volunteers import lapse_volunteers

EVERY = datetime.timedelta(minutes=15)
NIGHTLY_AT = datetime.time(0, 5)
GAPS_AT = datetime.time(GAP_ALERT_HOUR, 0)


def next_at(at: datetime.time, now: datetime.datetime | None = None) -> datetime.datetime:
    """The next `at` local time after `now`."""
    now = now or timezone.now()
    day = timezone.localtime(now).date()
    when = timezone.make_aware(datetime.datetime.combine(day, at))
    return (
        when
        if when > now
        else timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), at))
    )


def _waiting(path: str) -> bool:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=path, status="READY").exists()


@task()
def keep_roster() -> dict[str, int]:
    made = close_past_shifts()
    made["escalated_calls"] = escalate_unfilled_calls()
    keep_roster.using(run_after=timezone.now() + EVERY).enqueue()
    return made


@task()
def nightly_roster() -> dict[str, int]:
    made = {"lapsed": lapse_volunteers(), "shifts": generate_shifts_sql(start_day=timezone.localdate())}
    nightly_roster.using(run_after=next_at(NIGHTLY_AT)).enqueue()
    return made


@task()
def gap_alerts() -> int:
    raised = raise_gap_alerts()
    gap_alerts.using(run_after=next_at(GAPS_AT)).enqueue()
    return raised


def schedule_roster_tasks() -> int:
    """Enqueue each task unless one is already waiting; returns how many were enqueued."""
    made = 0
    for t, when in (
        (keep_roster, timezone.now() + EVERY),
        (nightly_roster, next_at(NIGHTLY_AT)),
        (gap_alerts, next_at(GAPS_AT)),
    ):
        if not _waiting(t.module_path):
            t.using(run_after=when).enqueue()
            made += 1
    return made
