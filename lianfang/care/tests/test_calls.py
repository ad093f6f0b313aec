"""Care calls: the schedule from dates and the policy windows (frozen time through now=), recording a
call (checks -> epi health checks, needs -> errands), refusals, and unreachable-twice escalation."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from lianfang.care.models import CallWindow, CareCall, CarePolicy, Errand, ErrandStatus, RaisedBy
from lianfang.care.services import call_slots, next_call_window, record_call
from lianfang.core.errors import DomainError
from lianfang.core.models import Alert, AlertKind
from lianfang.epi.models import CheckSource, HealthCheck

AM, PM = CallWindow.MORNING, CallWindow.AFTERNOON


def windows(slots) -> list[tuple[int, str]]:
    return [(s.household.pk, s.window) for s in slots]


def state() -> tuple[int, int, int, int]:
    return (
        CareCall.objects.count(),
        HealthCheck.objects.count(),
        Errand.objects.count(),
        Alert.objects.count(),
    )


def test_calls_become_overdue_as_the_clock_passes_the_window_end(world, held_a1, at):
    h = held_a1.household.pk
    worker = world.grid_a1_worker
    assert call_slots(worker, now=at(7, 59)) == ([], [])
    assert call_slots(worker, now=at(8, 0)) == ([], call_slots(worker, now=at(8, 0))[1])
    overdue, due = call_slots(worker, now=at(11, 59))
    assert (windows(overdue), windows(due)) == ([], [(h, AM)])
    assert due[0].mine and not due[0].overdue
    overdue, due = call_slots(worker, now=at(12, 0))
    assert (windows(overdue), windows(due)) == ([(h, AM)], [])
    overdue, due = call_slots(worker, now=at(14, 30))
    assert (windows(overdue), windows(due)) == ([(h, AM)], [(h, PM)])
    overdue, due = call_slots(worker, now=at(18, 0))
    assert (windows(overdue), windows(due)) == ([(h, AM), (h, PM)], [])


def test_yesterdays_misses_stay_listed_the_next_day_but_not_before_the_team_started(world, held_a1, at):
    h = held_a1.household.pk
    overdue, _due = call_slots(world.grid_a1_worker, now=at(9, 0, days=1))
    assert [(s.date, s.window) for s in overdue] == [(held_a1.team.started, AM), (held_a1.team.started, PM)]
    assert windows(overdue) == [(h, AM), (h, PM)]
    overdue, _due = call_slots(world.grid_a1_worker, now=at(9, 0, days=3))  # older misses are history
    assert [s.date for s in overdue] == [held_a1.team.started + datetime.timedelta(days=2)] * 2


def test_the_windows_come_from_the_nearest_care_policy(world, held_a1, at):
    CarePolicy.objects.create(area=world.city, morning_from=datetime.time(9), morning_until=datetime.time(11))
    CarePolicy.objects.create(
        area=world.community_a, morning_from=datetime.time(7), morning_until=datetime.time(9)
    )
    overdue, due = call_slots(world.grid_a1_worker, now=at(9, 0))
    assert windows(overdue) == [(held_a1.household.pk, AM)] and due == []


def test_a_recorded_call_leaves_the_lists(world, held_a1, at):
    record_call(
        user=world.grid_a1_worker, household=held_a1.household, window=AM, reached=True, now=at(12, 30)
    )
    assert call_slots(world.grid_a1_worker, now=at(12, 30)) == ([], [])


def test_another_grids_worker_and_community_see_none_of_it(world, held_a1, at):
    from lianfang.care.tests.conftest import make_user
    from lianfang.core.roles import Role

    a2 = make_user("grid_a2", Role.GRID, grid=world.grid_a2)
    assert call_slots(a2, now=at(13)) == ([], [])
    assert call_slots(world.staff_b, now=at(13)) == ([], [])
    assert windows(call_slots(world.staff_a, now=at(13))[0]) == [(held_a1.household.pk, AM)]


def test_a_call_records_health_checks_and_raises_errands_from_needs(world, held_a1, at, today):
    call = record_call(
        user=world.grid_a1_worker,
        household=held_a1.household,
        window=AM,
        reached=True,
        checks=[{"resident": world.zhang_san.pk, "temperature": "36.6", "symptoms": []}],
        needs=[{"category": "vegetables", "details": "青菜两斤，土豆"}],
        notes="一切正常",
        now=at(9, 15),
    )
    assert (call.date, call.window, call.reached, call.caller, call.team) == (
        today,
        AM,
        True,
        world.grid_a1_worker,
        held_a1.team,
    )
    check = HealthCheck.objects.get()
    assert (check.resident, check.temperature, check.source, check.recorded_by, check.abnormal) == (
        world.zhang_san,
        Decimal("36.6"),
        CheckSource.CARE_CALL,
        world.grid_a1_worker,
        False,
    )
    errand = Errand.objects.get()
    assert (errand.call, errand.raised_by, errand.status, errand.need) == (
        call,
        RaisedBy.CALL,
        ErrandStatus.NEW,
        "diet",
    )
    assert errand.due_at == at(9, 15) + datetime.timedelta(hours=24)
    assert list(errand.events.values_list("status", flat=True)) == ["new"]


def test_a_fever_on_a_call_raises_epis_health_alert(world, held_a1, at):
    record_call(
        user=world.health_a,
        household=held_a1.household,
        window=AM,
        reached=True,
        checks=[{"resident": world.zhang_san, "temperature": "38.4", "symptoms": ["cough"]}],
        now=at(10),
    )
    assert HealthCheck.objects.get().abnormal
    assert Alert.objects.filter(kind=AlertKind.HEALTH_CHECK, household=held_a1.household).count() == 1


def test_a_call_recorded_twice_for_one_window_is_refused_nothing_changed(world, held_a1, at):
    record_call(user=world.grid_a1_worker, household=held_a1.household, window=AM, reached=True, now=at(9))
    before = state()
    with pytest.raises(DomainError) as err:
        record_call(
            user=world.staff_a,
            household=held_a1.household,
            window=AM,
            reached=True,
            checks=[{"resident": world.zhang_san.pk, "temperature": "36.5"}],
            needs=[{"category": "medicine", "details": "降压药"}],
            now=at(11),
        )
    assert err.value.code == "call_already_recorded"
    assert state() == before


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"window": PM}, "call_window_not_started"),
        ({"window": AM, "date_days": 1}, "call_window_not_started"),
        ({"window": AM, "date_days": -1}, "not_in_quarantine"),  # before the team started
        ({"window": "night"}, "bad_window"),
        ({"window": AM, "reached": False, "checks": True}, "call_not_reached"),
        ({"window": AM, "temperature": "52"}, "temperature_impossible"),
        ({"window": AM, "resident": "li_si"}, "not_a_member"),
        ({"window": AM, "category": "gold"}, "bad_category"),
        ({"window": AM, "details": "  "}, "details_required"),
    ],
)
def test_bad_calls_are_refused_with_a_clear_code_and_change_nothing(world, held_a1, at, today, kwargs, code):
    resident = getattr(world, kwargs.get("resident", "zhang_san"))
    checks = [{"resident": resident.pk, "temperature": kwargs.get("temperature", "36.5")}]
    needs = [{"category": kwargs.get("category", "vegetables"), "details": kwargs.get("details", "米")}]
    date = today + datetime.timedelta(days=kwargs["date_days"]) if "date_days" in kwargs else None
    before = state()
    with pytest.raises(DomainError) as err:
        record_call(
            user=world.grid_a1_worker,
            household=held_a1.household,
            date=date,
            window=kwargs["window"],
            reached=kwargs.get("reached", True),
            checks=checks,
            needs=needs,
            now=at(10),
        )
    assert err.value.code == code
    assert str(err.value.message)
    assert state() == before


def test_a_call_for_a_household_out_of_scope_or_not_in_quarantine_is_refused(world, held_a1, at):
    before = state()
    for user, household, code in [
        (world.staff_b, held_a1.household, "not_found"),
        (world.guard_a, held_a1.household, "forbidden"),
        (world.resident_a, held_a1.household, "forbidden"),
        (world.staff_a, world.household_a2, "not_in_quarantine"),
    ]:
        with pytest.raises(DomainError) as err:
            record_call(user=user, household=household, window=AM, reached=True, now=at(10))
        assert err.value.code == code
    assert state() == before


def test_unreached_twice_in_a_row_escalates_to_the_community_staff(world, held_a1, at):
    h = held_a1.household
    record_call(user=world.grid_a1_worker, household=h, window=AM, reached=False, now=at(10))
    assert not Alert.objects.filter(kind=AlertKind.UNREACHABLE).exists()
    record_call(user=world.grid_a1_worker, household=h, window=PM, reached=False, now=at(15))
    alert = Alert.objects.get(kind=AlertKind.UNREACHABLE)
    assert (alert.household, alert.path) == (h, h.path)
    assert list(Alert.objects.visible_to(world.staff_a)) == [alert]
    assert not Alert.objects.visible_to(world.staff_b).exists()


def test_a_reached_call_in_between_means_no_escalation(world, held_a1, at):
    h = held_a1.household
    record_call(user=world.grid_a1_worker, household=h, window=AM, reached=False, now=at(10))
    record_call(user=world.grid_a1_worker, household=h, window=PM, reached=True, now=at(15))
    record_call(user=world.grid_a1_worker, household=h, window=AM, reached=False, now=at(10, days=1))
    assert not Alert.objects.filter(kind=AlertKind.UNREACHABLE).exists()


def test_the_households_next_call_window(world, held_a1, at):
    h = held_a1.household
    assert next_call_window(h, now=at(7)) == (at(8), at(12))
    assert next_call_window(h, now=at(12, 1)) == (at(14), at(18))
    assert next_call_window(h, now=at(19)) == (at(8, days=1), at(12, days=1))
    assert next_call_window(world.household_a2, now=at(7)) is None
