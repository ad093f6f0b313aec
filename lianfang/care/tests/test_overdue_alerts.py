"""Alerts for overdue calls and errands: one per window / errand, however often the task runs; the
task keeps itself scheduled every 15 minutes."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from lianfang.care.alerts import create_overdue_alerts
from lianfang.care.models import CareTeam
from lianfang.care.services import assign_errand, deliver_errand, raise_errand, record_call
from lianfang.care.tasks import raise_overdue_alerts
from lianfang.core.models import Alert, AlertKind


def alerts(kind) -> list[str]:
    return sorted(Alert.objects.filter(kind=kind).values_list("source_id", flat=True))


def test_one_alert_per_overdue_call_window_however_often_it_runs(world, held_a1, at, today):
    h = held_a1.household.pk
    assert create_overdue_alerts(now=at(11)) == {"calls": 0, "errands": 0}
    assert create_overdue_alerts(now=at(13)) == {"calls": 1, "errands": 0}
    assert create_overdue_alerts(now=at(13, 15)) == {"calls": 0, "errands": 0}
    record_call(user=world.grid_a1_worker, household=held_a1.household, window="pm", reached=True, now=at(15))
    create_overdue_alerts(now=at(19))
    assert alerts(AlertKind.CALL_OVERDUE) == [f"{h}:{today.isoformat()}:am"]
    alert = Alert.objects.get(kind=AlertKind.CALL_OVERDUE)
    assert (alert.path, alert.household_id) == (held_a1.household.path, h)
    assert list(Alert.objects.visible_to(world.staff_a)) == [alert]
    assert not Alert.objects.visible_to(world.staff_b).exists()


def test_one_alert_per_errand_past_due_and_none_once_delivered(world, held_a1, at):
    late = raise_errand(
        user=world.staff_a,
        household=held_a1.household,
        category="bill",
        details="电费",
        due_at=at(10),
        now=at(9),
    )
    done = raise_errand(
        user=world.staff_a,
        household=held_a1.household,
        category="parcel",
        details="快递",
        due_at=at(10),
        now=at(9),
    )
    assign_errand(user=world.staff_a, errand=done, assignee=world.grid_a1_worker, now=at(9))
    deliver_errand(user=world.grid_a1_worker, errand=done, now=at(9, 30))
    record_call(user=world.grid_a1_worker, household=held_a1.household, window="am", reached=True, now=at(9))
    assert create_overdue_alerts(now=at(11)) == {"calls": 0, "errands": 1}
    assert create_overdue_alerts(now=at(11, 15)) == {"calls": 0, "errands": 0}
    assert alerts(AlertKind.ERRAND_OVERDUE) == [str(late.pk)]


def test_a_hold_that_ran_out_by_date_ends_the_team_and_its_calls(world, held_a1, at, today):
    held_a1.household.__class__.objects.filter(pk=held_a1.household.pk).update(
        exits_held_until=today - datetime.timedelta(days=1)
    )
    assert create_overdue_alerts(now=at(19)) == {"calls": 0, "errands": 0}
    assert CareTeam.objects.get(pk=held_a1.team.pk).ended == today


def waiting():
    return DBTaskResult.objects.filter(task_path=raise_overdue_alerts.module_path, status="READY")


@pytest.mark.django_db(transaction=True)  # the worker closes connections: real commits on PostgreSQL
def test_the_worker_raises_the_alerts_and_schedules_the_next_run(world, at, today):
    from lianfang.care.tests.conftest import quarantine_home

    quarantine_home(world, world.zhang_san, today)
    household = world.household_a1
    household.refresh_from_db()
    errand = raise_errand(
        user=world.staff_a,
        household=household,
        category="bill",
        details="电费",
        now=at(0) - datetime.timedelta(days=2),
    )
    raise_overdue_alerts.enqueue()
    call_command(
        "db_worker", "--batch", "--queue-name", "*", "--no-reload", stdout=io.StringIO(), stderr=io.StringIO()
    )
    assert alerts(AlertKind.ERRAND_OVERDUE) == [str(errand.pk)]
    assert waiting().count() == 1
