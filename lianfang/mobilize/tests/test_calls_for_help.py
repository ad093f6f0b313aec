"""Calls for help: claims until full, then the wait list; a withdrawn place goes to the first waiting; an
unfilled call escalates to the street at its deadline; attendance counts hours."""

from __future__ import annotations

import pytest
import time_machine

from lianfang.core.errors import DomainError
from lianfang.core.models import Alert, AlertKind
from lianfang.mobilize.attendance import hours_between
from lianfang.mobilize.models import CallKind, CallStatus, Claim, ClaimStatus, VolunteerStatus
from lianfang.mobilize.services import (
    CallData,
    claim_call,
    confirm_attendance,
    escalate_unfilled_calls,
    post_call,
    withdraw_claim,
)
from lianfang.mobilize.tests.conftest import local, make_volunteer

pytestmark = pytest.mark.django_db

NOW = local(2026, 3, 1, 9)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def a_call(world, head_count=2, **over):
    data = dict(
        kind=CallKind.DISINFECTION,
        place="阳光小区3栋",
        starts_at=local(2026, 3, 1, 14),
        ends_at=local(2026, 3, 1, 17),
        head_count=head_count,
        deadline=local(2026, 3, 1, 12),
    )
    return post_call(user=world.staff_a, data=CallData(**{**data, **over}))


def test_volunteers_claim_until_the_call_is_full_then_wait(world, volunteers):
    c = a_call(world)
    assert claim_call(user=volunteers[0].user, call=c.pk).status == ClaimStatus.CLAIMED
    assert claim_call(user=volunteers[1].user, call=c.pk).status == ClaimStatus.CLAIMED
    c.refresh_from_db()
    assert c.status == CallStatus.FULL
    assert claim_call(user=volunteers[2].user, call=c.pk).status == ClaimStatus.WAITING


def test_a_withdrawn_place_goes_to_the_first_on_the_wait_list(world, volunteers):
    c = a_call(world, head_count=1)
    claim_call(user=volunteers[0].user, call=c.pk)
    claim_call(user=volunteers[1].user, call=c.pk)
    withdraw_claim(user=volunteers[0].user, call=c.pk)
    assert Claim.objects.get(call=c, volunteer=volunteers[1]).status == ClaimStatus.CLAIMED


def test_claiming_twice_and_claiming_as_a_paused_volunteer_are_refused(world, volunteers):
    c = a_call(world)
    claim_call(user=volunteers[0].user, call=c.pk)
    with pytest.raises(DomainError) as err:
        claim_call(user=volunteers[0].user, call=c.pk)
    assert err.value.code == "already_claimed"
    volunteers[1].status = VolunteerStatus.PAUSED
    volunteers[1].save()
    with pytest.raises(DomainError) as err:
        claim_call(user=volunteers[1].user, call=c.pk)
    assert err.value.code == "volunteer_paused"


def test_a_call_of_the_community_is_not_open_to_another_community_but_a_street_call_is(world, volunteers):
    vb = make_volunteer(world, 9, community=world.community_b)
    own = a_call(world)
    with pytest.raises(DomainError) as err:
        claim_call(user=vb.user, call=own.pk)
    assert err.value.code == "not_found"
    street = a_call(world, whole_street=True)
    assert claim_call(user=vb.user, call=street.pk).status == ClaimStatus.CLAIMED


def test_a_call_short_of_people_at_its_deadline_escalates_to_the_street_once(world, volunteers):
    c = a_call(world, head_count=3)
    claim_call(user=volunteers[0].user, call=c.pk)
    assert escalate_unfilled_calls(now=local(2026, 3, 1, 11, 59)) == 0
    assert escalate_unfilled_calls(now=local(2026, 3, 1, 12)) == 1
    assert escalate_unfilled_calls(now=local(2026, 3, 1, 12, 15)) == 0
    alert = Alert.objects.get(kind=AlertKind.CALL_UNFILLED)
    assert alert.path == world.street.path
    c.refresh_from_db()
    assert c.status == CallStatus.ESCALATED


def test_a_bad_window_and_a_deadline_after_the_start_are_refused(world):
    with pytest.raises(DomainError) as err:
        a_call(world, ends_at=local(2026, 3, 1, 13))
    assert err.value.code == "bad_window"
    with pytest.raises(DomainError) as err:
        a_call(world, deadline=local(2026, 3, 1, 15))
    assert err.value.code == "bad_deadline"
    with pytest.raises(DomainError) as err:
        post_call(
            user=world.guard_a,
            data=CallData(CallKind.PATROL, "x", local(2026, 3, 1, 14), local(2026, 3, 1, 15), 1),
        )
    assert err.value.code == "forbidden"


def test_attendance_confirmed_counts_the_hours_of_those_who_came(world, volunteers):
    c = a_call(world)
    claim_call(user=volunteers[0].user, call=c.pk)
    claim_call(user=volunteers[1].user, call=c.pk)
    confirm_attendance(
        user=world.staff_a, call=c.pk, attended=[volunteers[0].pk], rating=5, now=local(2026, 3, 1, 18)
    )
    statuses = dict(Claim.objects.filter(call=c).values_list("volunteer_id", "status"))
    assert statuses == {volunteers[0].pk: "attended", volunteers[1].pk: "absent"}
    day = NOW.date()
    assert hours_between(volunteers[0], day, day)["calls"] == 3.0
    assert hours_between(volunteers[1], day, day)["calls"] == 0.0
