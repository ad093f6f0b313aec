"""The alert's states: open → acknowledged → assigned → resolved. Every allowed step moves the alert and
writes its history; every refused one is refused by name and changes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from lianfang.core.errors import DomainError
from lianfang.core.models import Alert, AlertEvent, AlertEventKind, AlertOutcome, AlertStatus
from lianfang.watch.inbox import acknowledge_alert, add_alert_note, assign_alert, resolve_alert
from lianfang.watch.tests.inbox_helpers import raise_in

OPEN, ACK, ASSIGNED, RESOLVED = (
    AlertStatus.OPEN,
    AlertStatus.ACKNOWLEDGED,
    AlertStatus.ASSIGNED,
    AlertStatus.RESOLVED,
)


def in_state(world, status: str) -> Alert:
    """An alert of community A brought to `status` by community A's staff."""
    alert = raise_in(world)
    if status in (ACK, ASSIGNED, RESOLVED):
        acknowledge_alert(user=world.staff_a, alert=alert)
    if status == ASSIGNED:
        assign_alert(user=world.staff_a, alert=alert, assignee=world.health_a)
    if status == RESOLVED:
        resolve_alert(user=world.staff_a, alert=alert, outcome=AlertOutcome.REAL, note="")
    alert.refresh_from_db()
    assert alert.status == status
    return alert


def steps(alert: Alert) -> list[str]:
    return list(alert.events.values_list("kind", flat=True))


def snapshot(alert: Alert) -> tuple:
    alert.refresh_from_db()
    return (alert.status, alert.assigned_to_id, alert.outcome, alert.handled_at, AlertEvent.objects.count())


def test_acknowledging_an_open_alert_records_who_and_when(world):
    alert = raise_in(world)
    acknowledge_alert(user=world.health_a, alert=alert)
    alert.refresh_from_db()
    assert alert.status == ACK and alert.acknowledged_by == world.health_a and alert.acknowledged_at
    assert steps(alert) == [AlertEventKind.RAISED, AlertEventKind.ACKNOWLEDGED]


def test_assigning_an_open_alert_acknowledges_it_in_the_same_step(world):
    alert = raise_in(world)
    assign_alert(user=world.staff_a, alert=alert, assignee=world.grid_a1_worker)
    alert.refresh_from_db()
    assert (alert.status, alert.assigned_to, alert.acknowledged_by) == (
        ASSIGNED,
        world.grid_a1_worker,
        world.staff_a,
    )
    assert steps(alert) == [AlertEventKind.RAISED, AlertEventKind.ACKNOWLEDGED, AlertEventKind.ASSIGNED]
    assert alert.events.get(kind=AlertEventKind.ASSIGNED).assignee == world.grid_a1_worker


def test_an_acknowledged_alert_is_assigned_and_an_assigned_one_reassigned(world):
    alert = in_state(world, ACK)
    acknowledged_at = alert.acknowledged_at
    assign_alert(user=world.staff_a, alert=alert, assignee=world.health_a)
    assign_alert(user=world.health_a, alert=alert, assignee=world.grid_a1_worker)
    alert.refresh_from_db()
    assert alert.assigned_to == world.grid_a1_worker and alert.acknowledged_at == acknowledged_at
    assert steps(alert)[-2:] == [AlertEventKind.ASSIGNED, AlertEventKind.ASSIGNED]


@pytest.mark.parametrize("status", [OPEN, ACK, ASSIGNED])
@pytest.mark.parametrize("outcome", AlertOutcome.values)
def test_any_unresolved_alert_is_resolved_with_its_outcome_and_note(world, status, outcome):
    alert = in_state(world, status)
    resolve_alert(user=world.health_a, alert=alert, outcome=outcome, note=" 复测体温正常 ")
    alert.refresh_from_db()
    assert (alert.status, alert.outcome, alert.resolution) == (RESOLVED, outcome, "复测体温正常")
    assert alert.handled_by == world.health_a and alert.handled_at
    assert alert.acknowledged_at is not None  # resolving answers it too
    last = alert.events.last()
    assert (last.kind, last.note, last.by) == (AlertEventKind.RESOLVED, "复测体温正常", world.health_a)


def test_a_real_or_duplicate_outcome_needs_no_note(world):
    for outcome in (AlertOutcome.REAL, AlertOutcome.DUPLICATE):
        alert = raise_in(world)
        resolve_alert(user=world.staff_a, alert=alert, outcome=outcome)
        assert Alert.objects.get(pk=alert.pk).resolution == ""


@pytest.mark.parametrize("status", [OPEN, ACK, ASSIGNED, RESOLVED])
def test_a_note_is_added_in_any_state(world, status):
    alert = in_state(world, status)
    add_alert_note(user=world.grid_a1_worker, alert=alert, note="已电话联系住户")
    last = alert.events.last()
    assert (last.kind, last.note, last.by) == (AlertEventKind.NOTE, "已电话联系住户", world.grid_a1_worker)
    assert Alert.objects.get(pk=alert.pk).status == status


REFUSED = [
    # (state, what is tried, the refusal's code)
    (ACK, "acknowledge", "already_acknowledged"),
    (ASSIGNED, "acknowledge", "already_acknowledged"),
    (RESOLVED, "acknowledge", "already_resolved"),
    (RESOLVED, "assign", "already_resolved"),
    (ASSIGNED, "assign_same", "already_assigned"),
    (RESOLVED, "resolve", "already_resolved"),
    (OPEN, "false_alarm_without_note", "note_required"),
    (ACK, "unknown_outcome", "bad_outcome"),
    (OPEN, "note_too_long", "note_too_long"),
    (OPEN, "empty_note", "note_required"),
]


def attempt(world, alert: Alert, what: str) -> None:
    user = world.staff_a
    if what == "acknowledge":
        acknowledge_alert(user=user, alert=alert)
    elif what == "assign":
        assign_alert(user=user, alert=alert, assignee=world.grid_a1_worker)
    elif what == "assign_same":
        assign_alert(user=user, alert=alert, assignee=world.health_a)
    elif what == "resolve":
        resolve_alert(user=user, alert=alert, outcome=AlertOutcome.DUPLICATE)
    elif what == "false_alarm_without_note":
        resolve_alert(user=user, alert=alert, outcome=AlertOutcome.FALSE_ALARM, note="  ")
    elif what == "unknown_outcome":
        resolve_alert(user=user, alert=alert, outcome="maybe", note="x")
    elif what == "note_too_long":
        resolve_alert(user=user, alert=alert, outcome=AlertOutcome.REAL, note="长" * 501)
    elif what == "empty_note":
        add_alert_note(user=user, alert=alert, note="")


@pytest.mark.parametrize(("status", "what", "code"), REFUSED)
def test_a_refused_step_is_refused_by_name_and_changes_nothing(world, status, what, code):
    alert = in_state(world, status)
    before = snapshot(alert)
    with pytest.raises(DomainError) as err:
        attempt(world, alert, what)
    assert err.value.code == code
    assert snapshot(alert) == before


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("guard_a", "forbidden"),  # gate duty, volunteers and residents do not handle alerts
        ("resident_a", "forbidden"),
        ("staff_b", "not_found"),  # another community's alert is as if it did not exist
    ],
)
def test_roles_that_do_not_handle_alerts_and_other_areas_are_refused(world, who, code):
    alert = raise_in(world)
    before = snapshot(alert)
    for step in (
        lambda u: acknowledge_alert(user=u, alert=alert),
        lambda u: assign_alert(user=u, alert=alert, assignee=world.health_a),
        lambda u: resolve_alert(user=u, alert=alert, outcome=AlertOutcome.REAL),
        lambda u: add_alert_note(user=u, alert=alert, note="看看"),
    ):
        with pytest.raises(DomainError) as err:
            step(getattr(world, who))
        assert err.value.code == code
    assert snapshot(alert) == before


def test_a_grid_worker_handles_their_grids_alerts_only(world):
    theirs = raise_in(world, household=world.household_a1)
    other_grid = raise_in(world, household=world.household_a2)
    acknowledge_alert(user=world.grid_a1_worker, alert=theirs)
    with pytest.raises(DomainError) as err:
        acknowledge_alert(user=world.grid_a1_worker, alert=other_grid)
    assert err.value.code == "not_found"
    assert Alert.objects.get(pk=other_grid.pk).status == OPEN


def test_the_step_is_timed_by_the_given_clock(world):
    alert = raise_in(world)
    at = timezone.now() + datetime.timedelta(minutes=3)
    acknowledge_alert(user=world.staff_a, alert=alert, now=at)
    step = alert.events.get(kind=AlertEventKind.ACKNOWLEDGED)
    assert step.at == at == Alert.objects.get(pk=alert.pk).acknowledged_at
