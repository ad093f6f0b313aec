"""The background task behind the REPORT_MISSING alerts keeps exactly one run waiting, 30 minutes ahead, and
each run raises the alerts of the communities still missing after the cut-off."""

import datetime
import io

from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from lianfang.core.models import Alert, AlertKind
from lianfang.watch.report_tasks import raise_report_missing_alerts


def waiting():
    return DBTaskResult.objects.filter(task_path=raise_report_missing_alerts.module_path, status="READY")


def test_schedule_tasks_keeps_one_run_waiting_30_minutes_ahead(db):
    call_command("schedule_tasks", stdout=io.StringIO())
    call_command("schedule_tasks", stdout=io.StringIO())
    assert waiting().get().run_after == timezone.now() + datetime.timedelta(minutes=30)


def test_a_run_after_the_cut_off_raises_the_alerts_and_schedules_the_next(world, clock, at):
    clock.move_to(at(18, 10))
    assert raise_report_missing_alerts.call() == 2
    assert sorted(
        Alert.objects.filter(kind=AlertKind.REPORT_MISSING).values_list("path", flat=True)
    ) == sorted([world.community_a.path, world.community_b.path])
    assert waiting().count() == 1
    assert raise_report_missing_alerts.call() == 0
