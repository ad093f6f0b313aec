"""The nightly run: at 00:30 every current rule assesses the day that just ended, and schedules the next
run; `manage.py schedule_tasks` keeps exactly one waiting; `manage.py suggest_risk_levels` does a day by
hand."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from lianfang.watch.models import RiskAssessment
from lianfang.watch.risk_tasks import next_run, suggest_risk_levels_nightly
from lianfang.watch.tests.risk_cases import (  # noqa: F401 (shipped_risk_rules: a fixture)
    D,
    case,
    days_before,
    local,
    shipped_risk_rules,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shipped_risk_rules")]


def waiting():
    return DBTaskResult.objects.filter(task_path=suggest_risk_levels_nightly.module_path, status="READY")


def test_the_next_run_is_at_half_past_midnight():
    assert timezone.localtime(next_run(local(D, hour=10))) == local(
        D + datetime.timedelta(days=1), 0
    ).replace(minute=30)
    assert timezone.localtime(next_run(local(D, hour=0))) == local(D, 0).replace(minute=30)


def test_schedule_tasks_keeps_one_nightly_run_waiting(db):
    call_command("schedule_tasks", stdout=io.StringIO())
    call_command("schedule_tasks", stdout=io.StringIO())

    assert waiting().count() == 1


def test_the_nightly_run_assesses_yesterday_with_every_rule_and_schedules_the_next(world):
    case(day=days_before(1), household=world.household_a1)

    with time_machine.travel(local(D, hour=0).replace(minute=30), tick=False):
        made = suggest_risk_levels_nightly.call()

    assert made == 3 and set(RiskAssessment.objects.values_list("day", flat=True)) == {days_before(1)}
    assert waiting().count() == 1


def test_the_command_assesses_a_day_with_one_rule(world):
    case(day=days_before(1), household=world.household_a1)
    out = io.StringIO()

    with time_machine.travel(local(D), tick=False):
        call_command("suggest_risk_levels", "--day", D.isoformat(), "--rule", "compound-stepdown", stdout=out)
        with pytest.raises(CommandError):
            call_command("suggest_risk_levels", "--day", "2026-02-30", stdout=out)
        with pytest.raises(CommandError):
            call_command(
                "suggest_risk_levels", "--day", (D + datetime.timedelta(days=1)).isoformat(), stdout=out
            )

    assert out.getvalue().strip() == f"{D.isoformat()}: 1 suggestion(s)"
    assert RiskAssessment.objects.get().compound == world.compound_a
