"""`manage.py schedule_tasks` keeps exactly one run of each recurring task waiting on the worker: the
daily gate-record purge (access) for 03:00 tomorrow, the overdue-care alerts (care) 15 minutes ahead, the
nightly statistics (watch) for the next 00:15."""

import datetime
import io

from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from lianfang.access.tasks import purge_passages_daily
from lianfang.care.tasks import raise_overdue_alerts
from lianfang.watch.escalation_tasks import escalate_alerts
from lianfang.watch.tasks import compute_nightly_stats


def waiting(task):
    return DBTaskResult.objects.filter(task_path=task.module_path, status="READY")


def test_schedule_tasks_enqueues_one_purge_for_3am_tomorrow(db):
    out = io.StringIO()
    call_command("schedule_tasks", stdout=out)
    call_command("schedule_tasks", stdout=out)
    assert out.getvalue().split() == ["scheduled", "already", "scheduled"]
    row = waiting(purge_passages_daily).get()
    local = timezone.localtime(row.run_after)
    assert (local.date(), local.hour) == (timezone.localdate() + datetime.timedelta(days=1), 3)


def test_schedule_tasks_keeps_one_alert_run_waiting_15_minutes_ahead(db):
    before = timezone.now()
    call_command("schedule_tasks", stdout=io.StringIO())
    call_command("schedule_tasks", stdout=io.StringIO())
    row = waiting(raise_overdue_alerts).get()
    assert (
        before + datetime.timedelta(minutes=14)
        < row.run_after
        <= timezone.now() + datetime.timedelta(minutes=15)
    )


def test_schedule_tasks_keeps_one_nightly_statistics_run_waiting_for_the_next_0015(db):
    call_command("schedule_tasks", stdout=io.StringIO())
    call_command("schedule_tasks", stdout=io.StringIO())
    row = waiting(compute_nightly_stats).get()
    local = timezone.localtime(row.run_after)
    assert (local.hour, local.minute) == (0, 15)
    assert timezone.now() < row.run_after <= timezone.now() + datetime.timedelta(days=1)


def test_schedule_tasks_keeps_one_escalation_run_waiting_5_minutes_ahead(db):
    before = timezone.now()
    call_command("schedule_tasks", stdout=io.StringIO())
    call_command("schedule_tasks", stdout=io.StringIO())
    row = waiting(escalate_alerts).get()
    assert (
        before + datetime.timedelta(minutes=4)
        < row.run_after
        <= timezone.now() + datetime.timedelta(minutes=5)
    )
