"""The notices' recurring tasks: `manage.py schedule_tasks` keeps one outbox run (a minute ahead) and one
escalation run (5 minutes ahead) waiting; each run enqueues the next."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from lianfang.notices.tasks import escalate_notices, send_outbox

pytestmark = pytest.mark.django_db


def waiting(task):
    return DBTaskResult.objects.filter(task_path=task.module_path, status="READY")


@pytest.mark.parametrize("task, minutes", [(send_outbox, 1), (escalate_notices, 5)])
def test_schedule_tasks_keeps_one_run_of_each_waiting(task, minutes):
    before = timezone.now()
    call_command("schedule_tasks", stdout=io.StringIO())
    call_command("schedule_tasks", stdout=io.StringIO())
    row = waiting(task).get()
    assert before + datetime.timedelta(minutes=minutes - 1) < row.run_after
    assert row.run_after <= timezone.now() + datetime.timedelta(minutes=minutes)


def test_a_run_of_the_outbox_enqueues_the_next():
    assert send_outbox.call() == {}
    assert waiting(send_outbox).count() == 1
