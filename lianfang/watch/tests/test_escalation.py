"""Escalation on a frozen clock: an open alert nobody acknowledged in time goes one level up the tree
(community → street → district → city), each time with the response time of the new level (its own
policy, else the nearest one above it, else the default) and an ESCALATED step; at the city it stays.
Acknowledged alerts do not move. The worker runs it every 5 minutes."""

from __future__ import annotations

import datetime

import time_machine
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from lianfang.core.alerts import DEFAULT_RESPOND_MINUTES
from lianfang.core.models import Alert, AlertEventKind, AlertKind, AlertPolicy, AlertStatus
from lianfang.watch.escalation import escalate_overdue_alerts
from lianfang.watch.escalation_tasks import escalate_alerts
from lianfang.watch.inbox import acknowledge_alert, assign_alert, resolve_alert
from lianfang.watch.tests.inbox_helpers import local, raise_in

M = datetime.timedelta(minutes=1)


def run_at(when: datetime.datetime) -> int:
    with time_machine.travel(when, tick=False):
        return escalate_overdue_alerts()


def test_an_unacknowledged_fever_climbs_the_tree_with_each_levels_response_time(world):
    AlertPolicy.objects.create(area=world.city, kind=AlertKind.FEVER, respond_minutes=60)
    AlertPolicy.objects.create(area=world.street, kind=AlertKind.FEVER, respond_minutes=20)
    AlertPolicy.objects.create(area=world.community_a, kind=AlertKind.FEVER, respond_minutes=10)
    t0 = local("2026-02-10", 9, 0)
    alert = raise_in(world, at=t0)
    seen = raise_in(world, at=t0)
    acknowledge_alert(user=world.health_a, alert=seen, now=t0 + 2 * M)
    assert alert.respond_by == t0 + 10 * M  # community A's own policy

    assert run_at(t0 + 9 * M) == 0
    climb = [
        # (when the task runs, the level it goes to, its respond_by)
        (t0 + 11 * M, world.street, t0 + 31 * M),  # the street's own 20 minutes
        (t0 + 32 * M, world.district, t0 + 92 * M),  # the district has none: the city's 60
        (t0 + 93 * M, world.city, t0 + 153 * M),
    ]
    for n, (when, area, respond_by) in enumerate(climb, start=1):
        assert run_at(when) == 1
        alert.refresh_from_db()
        assert (alert.handler_path, alert.escalations, alert.respond_by) == (area.path, n, respond_by)
        step = alert.events.last()
        assert (step.kind, step.at) == (AlertEventKind.ESCALATED, when)
        assert area.name in step.note
        assert run_at(when) == 0  # one level per run

    # At the city it stays, overdue; the acknowledged alert never moved.
    assert run_at(t0 + 10 * 60 * M) == 0
    alert.refresh_from_db()
    assert (alert.handler_path, alert.escalations, alert.status) == (world.city.path, 3, AlertStatus.OPEN)
    assert alert.events.filter(kind=AlertEventKind.ESCALATED).count() == 3
    seen.refresh_from_db()
    assert (seen.handler_path, seen.escalations) == (world.community_a.path, 0)


def test_without_policies_each_level_gets_the_default_of_the_kind(world):
    t0 = local("2026-02-10", 22, 0)
    alert = raise_in(world, kind=AlertKind.CASE, at=t0)
    minutes = DEFAULT_RESPOND_MINUTES[AlertKind.CASE]
    when = t0 + (minutes + 1) * M
    assert run_at(when) == 1
    alert.refresh_from_db()
    assert alert.respond_by == when + minutes * M and alert.handler_path == world.street.path


def test_an_alert_at_a_grid_node_goes_to_its_community_first(world):
    t0 = local("2026-02-10", 9, 0)
    grid_node = f"{world.community_a.path}g{world.grid_a1.pk}."
    alert = raise_in(world, household=None, path=grid_node, kind=AlertKind.EARLY_WARNING, at=t0)
    run_at(t0 + 5 * 60 * M)
    alert.refresh_from_db()
    assert (alert.handler_path, alert.escalations) == (world.community_a.path, 1)


def test_alerts_acknowledged_assigned_or_resolved_in_time_stay_with_their_area(world):
    t0 = local("2026-02-10", 9, 0)
    a = raise_in(world, at=t0)
    b = raise_in(world, at=t0)
    assign_alert(user=world.staff_a, alert=a, assignee=world.health_a, now=t0 + M)
    resolve_alert(user=world.staff_a, alert=b, outcome="duplicate", now=t0 + M)
    assert run_at(t0 + 24 * 60 * M) == 0
    assert set(Alert.objects.values_list("handler_path", flat=True)) == {world.community_a.path}


def test_many_overdue_alerts_move_in_batches_each_once(world, monkeypatch):
    monkeypatch.setattr("lianfang.watch.escalation.BATCH", 3)
    t0 = local("2026-02-10", 9, 0)
    for _ in range(7):
        raise_in(world, at=t0)
    assert run_at(t0 + 60 * M) == 7
    assert set(Alert.objects.values_list("escalations", "handler_path")) == {(1, world.street.path)}


def test_the_task_escalates_and_keeps_one_run_waiting_5_minutes_ahead(world):
    t0 = timezone.now() - datetime.timedelta(hours=2)
    raise_in(world, at=t0)
    before = timezone.now()
    assert escalate_alerts.call() == 1
    waiting = DBTaskResult.objects.get(task_path=escalate_alerts.module_path, status="READY")
    assert before + 5 * M <= waiting.run_after <= timezone.now() + 5 * M
