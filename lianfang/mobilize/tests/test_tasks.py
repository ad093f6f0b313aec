"""The background tasks of mobilization: `manage.py schedule_tasks` keeps one of each waiting (every 15
minutes, 00:05, 14:00), and each run raises what it should and enqueues its next run."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from lianfang.core.models import Alert, AlertKind
from lianfang.mobilize.models import Shift
from lianfang.mobilize.tasks import gap_alerts, keep_roster, next_at, nightly_roster
from lianfang.mobilize.tests.conftest import add_shift, local

pytestmark = pytest.mark.django_db


def waiting(task):
    return DBTaskResult.objects.filter(task_path=task.module_path, status="READY")


def test_schedule_tasks_keeps_one_of_each_waiting():
    call_command("schedule_tasks", stdout=io.StringIO())
    call_command("schedule_tasks", stdout=io.StringIO())
    assert waiting(keep_roster).count() == waiting(nightly_roster).count() == waiting(gap_alerts).count() == 1
    at = timezone.localtime(waiting(gap_alerts).get().run_after)
    assert (at.hour, at.minute) == (14, 0)


def test_the_next_run_at_an_hour_is_today_before_it_and_tomorrow_after_it():
    assert next_at(datetime.time(14), local(2026, 3, 2, 13, 59)) == local(2026, 3, 2, 14)
    assert next_at(datetime.time(14), local(2026, 3, 2, 14)) == local(2026, 3, 3, 14)


def test_the_afternoon_run_raises_tonights_gaps_and_the_night_run_generates_the_week(world, rule):
    add_shift(world, local(2026, 3, 2, 23))
    with time_machine.travel(local(2026, 3, 2, 14), tick=False):
        assert gap_alerts.call() == 1
        assert Alert.objects.filter(kind=AlertKind.ROSTER_GAP).count() == 1
        made = nightly_roster.call()
        again = nightly_roster.call()
    assert made["shifts"] == 21  # the rule's 3 x 8 h from 00:00, for 7 days from today
    assert Shift.objects.count() == 22  # and the 23:00 shift made by hand
    assert again["shifts"] == 0
    # Each run enqueued its next one.
    assert (waiting(gap_alerts).count(), waiting(nightly_roster).count()) == (1, 2)
