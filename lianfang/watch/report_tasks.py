"""Background work of the daily report: every 30 minutes, a REPORT_MISSING alert for each community whose
report of the day is still not submitted after its city's cut-off (watch.reports.raise_missing_report_alerts;
one alert per community and day, whatever the number of runs).

The database worker has no clock of its own, so the task keeps itself scheduled: each run enqueues the next
one 30 minutes later, and `manage.py schedule_tasks` makes sure exactly one is waiting.
"""

from __future__ import annotations

import datetime

from django.tasks import task
from django.utils import timezone

from lianfang.watch.reports import raise_missing_report_alerts

EVERY = datetime.timedelta(minutes=30)


@task()
def raise_report_missing_alerts() -> int:
    raised = raise_missing_report_alerts()
    schedule_report_missing_alerts(force=True)
    return raised


def schedule_report_missing_alerts(*, force: bool = False) -> bool:
    """Enqueue the next run unless one is already waiting (force: the running one is about to end)."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(task_path=raise_report_missing_alerts.module_path, status="READY")
    if waiting.exists() and not force:
        return False
    raise_report_missing_alerts.using(run_after=timezone.now() + EVERY).enqueue()
    return True
