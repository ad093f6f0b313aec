"""Errands: the state machine new -> assigned -> on the way -> delivered -> confirmed (by the household
only) or cancelled with a reason; money; due and overdue; response times per community."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from lianfang.care.models import CarePolicy, Errand, ErrandEvent, ErrandStatus, RaisedBy
from lianfang.care.services import (
    assign_errand,
    cancel_errand,
    confirm_errand,
    deliver_errand,
    errand_response_times,
    is_overdue,
    raise_errand,
    start_errand,
)
from lianfang.care.tests.conftest import make_user, quarantine_home
from lianfang.core.errors import DomainError
from lianfang.core.roles import Role


@pytest.fixture
def errand(world, held_a1, at):
    return raise_errand(
        user=world.grid_a1_worker,
        household=held_a1.household,
        category="grain_oil",
        details="大米10斤",
        now=at(9),
    )


def snapshot(errand: Errand) -> tuple:
    errand.refresh_from_db()
    return (
        errand.status,
        errand.assignee_id,
        errand.money_advanced,
        errand.money_repaid,
        errand.events.count(),
    )


def test_an_errand_goes_from_new_to_confirmed_by_the_household(world, held_a1, errand, volunteer_a, at):
    assert (errand.status, errand.raised_by, errand.need) == (ErrandStatus.NEW, RaisedBy.STAFF, "diet")
    assert errand.due_at == at(9) + datetime.timedelta(hours=24)
    assign_errand(user=world.staff_a, errand=errand, assignee=volunteer_a, now=at(9, 30))
    start_errand(user=volunteer_a, errand=errand, now=at(10))
    deliver_errand(user=volunteer_a, errand=errand, money_advanced="35.50", now=at(11))
    done = confirm_errand(errand=errand, household=held_a1.household, money_repaid="35.5", now=at(12))
    assert (done.status, done.money_advanced, done.money_repaid) == (
        ErrandStatus.CONFIRMED,
        Decimal("35.50"),
        Decimal("35.50"),
    )
    assert (done.assigned_at, done.delivered_at, done.confirmed_at) == (at(9, 30), at(11), at(12))
    events = list(
        ErrandEvent.objects.filter(errand=errand).values_list("status", "by__username", "by_household")
    )
    assert events == [
        ("new", "grid_a1", False),
        ("assigned", "staff_a", False),
        ("on_the_way", "volunteer_a", False),
        ("delivered", "volunteer_a", False),
        ("confirmed", None, True),
    ]


def test_the_household_raises_its_own_errand_due_by_the_policy(world, held_a1, at):
    CarePolicy.objects.create(area=world.community_a, errand_due_hours=6)
    mine = raise_errand(
        user=None, household=held_a1.household, category="medicine", details="感冒药", now=at(8)
    )
    assert (mine.raised_by, mine.raised_by_user, mine.need) == (RaisedBy.HOUSEHOLD, None, "medical")
    assert mine.due_at == at(14)
    assert mine.events.get().by_household


def test_an_errand_for_a_household_outside_the_users_scope_is_not_found(world, held_a1, at):
    quarantine_home(world, world.li_si, at(8).date())  # held, but grid A2
    for user, household in [(world.staff_b, held_a1.household), (world.grid_a1_worker, world.household_a2)]:
        with pytest.raises(DomainError) as err:
            raise_errand(user=user, household=household, category="vegetables", details="菜", now=at(9))
        assert (err.value.code, err.value.status) == ("not_found", 404)
    assert not Errand.objects.exists()


def test_an_errand_is_only_for_a_household_in_quarantine(world, at):
    with pytest.raises(DomainError) as err:
        raise_errand(
            user=world.staff_a, household=world.household_a2, category="parcel", details="快递", now=at(9)
        )
    assert err.value.code == "not_in_quarantine"
    assert not Errand.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("category", "gold", "bad_category"),
        ("details", "   ", "details_required"),
        ("details", "x" * 301, "details_too_long"),
        ("due_at", "past", "due_in_past"),
    ],
)
def test_bad_errands_are_refused(world, held_a1, at, field, value, code):
    kwargs = {"category": "vegetables", "details": "菜", "due_at": None}
    kwargs[field] = at(8) if value == "past" else value
    with pytest.raises(DomainError) as err:
        raise_errand(user=world.staff_a, household=held_a1.household, now=at(9), **kwargs)
    assert err.value.code == code
    assert not Errand.objects.exists()


@pytest.mark.parametrize("money", ["-5", "-0.01", "abc", "1e9"])
def test_negative_or_bad_money_is_refused_nothing_changed(world, held_a1, errand, volunteer_a, at, money):
    assign_errand(user=world.staff_a, errand=errand, assignee=volunteer_a, now=at(9, 30))
    before = snapshot(errand)
    with pytest.raises(DomainError) as err:
        deliver_errand(user=volunteer_a, errand=errand, money_advanced=money, now=at(10))
    assert err.value.code == ("money_negative" if money.startswith("-") else "money_bad")
    assert snapshot(errand) == before
    deliver_errand(user=volunteer_a, errand=errand, money_advanced="20", now=at(10))
    before = snapshot(errand)
    with pytest.raises(DomainError) as err:
        confirm_errand(errand=errand, household=held_a1.household, money_repaid=money, now=at(11))
    assert snapshot(errand) == before


def test_a_confirmation_by_anyone_but_the_household_is_refused(world, held_a1, errand, at):
    quarantine_home(world, world.li_si, at(8).date())
    assign_errand(user=world.staff_a, errand=errand, assignee=world.grid_a1_worker, now=at(9, 30))
    deliver_errand(user=world.grid_a1_worker, errand=errand, now=at(10))
    before = snapshot(errand)
    for other in (world.household_a2, world.grid_a1_worker, None):
        with pytest.raises(DomainError) as err:
            confirm_errand(errand=errand, household=other, now=at(11))
        assert (err.value.code, err.value.status) == ("not_found", 404)
    assert snapshot(errand) == before


def test_wrong_steps_are_refused_with_errand_bad_state(world, held_a1, errand, volunteer_a, at):
    before = snapshot(errand)
    for step in (
        lambda: start_errand(user=world.staff_a, errand=errand, now=at(10)),
        lambda: deliver_errand(user=world.staff_a, errand=errand, now=at(10)),
        lambda: confirm_errand(errand=errand, household=held_a1.household, now=at(10)),
    ):
        with pytest.raises(DomainError) as err:
            step()
        assert err.value.code == "errand_bad_state"
    assert snapshot(errand) == before
    assign_errand(user=world.staff_a, errand=errand, assignee=volunteer_a, now=at(9, 30))
    deliver_errand(user=world.staff_a, errand=errand, now=at(10))
    with pytest.raises(DomainError) as err:
        cancel_errand(user=world.staff_a, errand=errand, reason="不需要了", now=at(11))
    assert err.value.code == "errand_bad_state"


def test_cancelling_needs_a_reason(world, errand, at):
    with pytest.raises(DomainError) as err:
        cancel_errand(user=world.staff_a, errand=errand, reason="  ", now=at(10))
    assert err.value.code == "reason_required"
    done = cancel_errand(user=world.staff_a, errand=errand, reason="家属已送到", now=at(10))
    assert (done.status, done.cancel_reason) == (ErrandStatus.CANCELLED, "家属已送到")
    assert done.events.last().note == "家属已送到"


def test_volunteers_only_move_their_own_errands_and_never_assign_or_cancel(world, errand, volunteer_a, at):
    other = make_user("volunteer_a2", Role.VOLUNTEER, area=world.community_a)
    assign_errand(user=world.staff_a, errand=errand, assignee=volunteer_a, now=at(9, 30))
    before = snapshot(errand)
    for step in (
        lambda: start_errand(user=other, errand=errand, now=at(10)),
        lambda: assign_errand(user=volunteer_a, errand=errand, assignee=volunteer_a, now=at(10)),
        lambda: cancel_errand(user=volunteer_a, errand=errand, reason="忙", now=at(10)),
    ):
        with pytest.raises(DomainError) as err:
            step()
        assert (err.value.code, err.value.status) == ("forbidden", 403)
    assert snapshot(errand) == before


def test_an_errand_goes_to_staff_or_a_volunteer_of_the_households_area(world, errand, at):
    volunteer_b = make_user("volunteer_b", Role.VOLUNTEER, area=world.community_b)
    grid_a2 = make_user("grid_a2", Role.GRID, grid=world.grid_a2)
    before = snapshot(errand)
    for assignee, code in [
        (volunteer_b, "assignee_out_of_scope"),
        (grid_a2, "assignee_out_of_scope"),
        (world.staff_b, "assignee_out_of_scope"),
        (world.resident_a, "assignee_bad_role"),
        (world.guard_a, "assignee_bad_role"),
    ]:
        with pytest.raises(DomainError) as err:
            assign_errand(user=world.staff_a, errand=errand, assignee=assignee, now=at(10))
        assert err.value.code == code
    assert snapshot(errand) == before


def test_an_errand_is_overdue_once_its_due_time_passed_until_delivered(world, errand, at):
    assert not is_overdue(errand, now=at(8, days=1))
    assert is_overdue(errand, now=at(9, 1, days=1))
    assign_errand(user=world.staff_a, errand=errand, assignee=world.grid_a1_worker, now=at(10))
    deliver_errand(user=world.grid_a1_worker, errand=errand, now=at(10, days=1))
    errand.refresh_from_db()
    assert not is_overdue(errand, now=at(9, 1, days=1))


def test_response_times_per_community(world, held_a1, at, today):
    quarantine_home(world, world.wang_wu, today, by=world.staff_b)
    for hours in (2, 4):
        e = raise_errand(
            user=world.staff_a, household=held_a1.household, category="bill", details="燃气费", now=at(8)
        )
        assign_errand(user=world.staff_a, errand=e, assignee=world.grid_a1_worker, now=at(8))
        deliver_errand(user=world.grid_a1_worker, errand=e, now=at(8 + hours))
    late = raise_errand(
        user=world.staff_a,
        household=held_a1.household,
        category="parcel",
        details="快递",
        due_at=at(9),
        now=at(8),
    )
    raise_errand(
        user=world.staff_b, household=world.household_b, category="vegetables", details="菜", now=at(8)
    )
    rows = errand_response_times(world.staff_a, since=at(0), now=at(18))
    assert [(r["community"], r["count"], r["delivered"], r["median_hours"], r["overdue"]) for r in rows] == [
        (world.community_a, 3, 2, 3.0, 1)
    ]
    assert late.pk
    everyone = errand_response_times(world.commander, since=at(0), now=at(18))
    assert [(r["community"], r["count"], r["median_hours"]) for r in everyone] == [
        (world.community_a, 3, 3.0),
        (world.community_b, 1, None),
    ]
