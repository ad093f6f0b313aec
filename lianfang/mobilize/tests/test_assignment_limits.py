"""Assignments: the overlap rule, the fatigue limits and the minimum rest refuse with a reason and write
nothing; a shift of another community, a lapsed volunteer and a full shift are refused too."""

from __future__ import annotations

import pytest
import time_machine

from lianfang.core.errors import DomainError
from lianfang.mobilize.models import Assignment, AssignmentStatus, LimitPolicy, VolunteerStatus
from lianfang.mobilize.services import (
    answer_invitation,
    assign_volunteer,
    drop_assignment,
    swap_assignment,
    take_shift,
)
from lianfang.mobilize.tests.conftest import add_shift, local, make_volunteer
from lianfang.places.models import Compound, Gate

pytestmark = pytest.mark.django_db

NOW = local(2026, 3, 1, 9)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def refused(code, **kwargs):
    before = Assignment.objects.count()
    with pytest.raises(DomainError) as err:
        assign_volunteer(**kwargs)
    assert err.value.code == code
    assert Assignment.objects.count() == before
    return err.value


def test_the_same_person_on_two_overlapping_shifts_is_refused(world, volunteers):
    v = volunteers[0]
    west = Gate.objects.get(name="西门")
    a = add_shift(world, local(2026, 3, 2, 8))
    b = add_shift(world, local(2026, 3, 2, 12), gate=west)
    assign_volunteer(user=world.staff_a, shift=a.pk, volunteer=v.pk)
    err = refused("overlap", user=world.staff_a, shift=b.pk, volunteer=v.pk)
    assert v.name in str(err.message)


def test_a_short_rest_between_two_duties_is_refused(world, volunteers):
    v = volunteers[0]
    assign_volunteer(user=world.staff_a, shift=add_shift(world, local(2026, 3, 2, 0)).pk, volunteer=v.pk)
    refused(
        "rest_too_short", user=world.staff_a, shift=add_shift(world, local(2026, 3, 2, 8)).pk, volunteer=v.pk
    )
    ok = assign_volunteer(user=world.staff_a, shift=add_shift(world, local(2026, 3, 3, 0)).pk, volunteer=v.pk)
    assert ok.status == AssignmentStatus.INVITED


def test_more_hours_within_24_hours_than_the_policy_allows_is_refused(world, volunteers):
    LimitPolicy.objects.create(area=world.street, hours_per_day=10, min_rest_hours=2)
    v = volunteers[0]
    assign_volunteer(
        user=world.staff_a, shift=add_shift(world, local(2026, 3, 2, 0), hours=6).pk, volunteer=v.pk
    )
    refused(
        "over_day_limit",
        user=world.staff_a,
        shift=add_shift(world, local(2026, 3, 2, 8), hours=6).pk,
        volunteer=v.pk,
    )
    # 18:00 - 00:00: the 24 hours from 00:00 hold 6 + 6 = 12; from 06:00 on only this one and the next day.
    refused(
        "over_day_limit",
        user=world.staff_a,
        shift=add_shift(world, local(2026, 3, 2, 18), hours=6).pk,
        volunteer=v.pk,
    )
    ok = add_shift(world, local(2026, 3, 3, 0), hours=6)
    assert assign_volunteer(user=world.staff_a, shift=ok.pk, volunteer=v.pk)


def test_more_hours_within_7_days_than_the_policy_allows_is_refused(world, volunteers):
    LimitPolicy.objects.create(area=world.community_a, hours_per_day=12, hours_per_week=24, min_rest_hours=8)
    v = volunteers[0]
    for day in (2, 3, 4):
        assign_volunteer(
            user=world.staff_a, shift=add_shift(world, local(2026, 3, day, 8)).pk, volunteer=v.pk
        )
    refused(
        "over_week_limit", user=world.staff_a, shift=add_shift(world, local(2026, 3, 5, 8)).pk, volunteer=v.pk
    )


def test_a_shift_of_another_community_is_refused(world, volunteers):
    gate_b = Gate.objects.create(
        compound=Compound.objects.get(name="春晖园"), name="南门", path=world.community_b.path
    )
    s = add_shift(world, local(2026, 3, 2, 8), gate=gate_b)
    refused("not_found", user=world.staff_a, shift=s.pk, volunteer=volunteers[0].pk)
    vb = make_volunteer(world, 9, community=world.community_b)
    refused(
        "no_volunteer", user=world.staff_a, shift=add_shift(world, local(2026, 3, 2, 8)).pk, volunteer=vb.pk
    )


def test_a_lapsed_volunteer_is_refused(world, volunteers):
    v = volunteers[0]
    v.status = VolunteerStatus.LAPSED
    v.save()
    refused(
        "volunteer_lapsed",
        user=world.staff_a,
        shift=add_shift(world, local(2026, 3, 2, 8)).pk,
        volunteer=v.pk,
    )


def test_a_volunteer_takes_a_free_place_but_not_a_full_shift(world, volunteers):
    s = add_shift(world, local(2026, 3, 2, 8), needed=1)
    a = take_shift(user=volunteers[0].user, shift=s.pk)
    assert a.status == AssignmentStatus.ACCEPTED
    with pytest.raises(DomainError) as err:
        take_shift(user=volunteers[1].user, shift=s.pk)
    assert err.value.code == "shift_full"


def test_declines_drops_and_swaps_are_kept_as_history(world, volunteers):
    s = add_shift(world, local(2026, 3, 2, 8), needed=1)
    inv = assign_volunteer(user=world.staff_a, shift=s.pk, volunteer=volunteers[0].pk)
    answer_invitation(user=volunteers[0].user, assignment=inv.pk, accept=False)
    again = assign_volunteer(user=world.staff_a, shift=s.pk, volunteer=volunteers[1].pk)
    answer_invitation(user=volunteers[1].user, assignment=again.pk, accept=True)
    new = swap_assignment(user=world.staff_a, assignment=again.pk, volunteer=volunteers[2].pk)
    assert new.replaces_id == again.pk
    drop_assignment(user=volunteers[2].user, assignment=new.pk, reason="家里有事")
    history = list(
        Assignment.objects.filter(shift=s).order_by("id").values_list("volunteer_id", "status", "ended_by")
    )
    assert history == [
        (volunteers[0].pk, "declined", volunteers[0].user_id),
        (volunteers[1].pk, "swapped", world.staff_a.pk),
        (volunteers[2].pk, "dropped", volunteers[2].user_id),
    ]
