"""Check-in and out: at the shift's gate, near its time; the volunteer's login checks them in; hours come from
check-in and check-out; the periodic task closes shifts and marks no-shows."""

from __future__ import annotations

import pytest
import time_machine

from lianfang.conftest import PASSWORD
from lianfang.core.errors import DomainError
from lianfang.mobilize.attendance import close_past_shifts, hours_between, on_duty
from lianfang.mobilize.models import Assignment, AssignmentStatus
from lianfang.mobilize.services import check_in, check_out, take_shift
from lianfang.mobilize.tests.conftest import add_shift, local
from lianfang.places.models import Gate

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(world, volunteers):
    s = add_shift(world, local(2026, 3, 2, 8))
    with time_machine.travel(local(2026, 3, 1, 9), tick=False):
        return take_shift(user=volunteers[0].user, shift=s.pk)


def test_the_guard_checks_a_volunteer_in_at_their_gate_and_not_at_another(world, accepted):
    west = Gate.objects.get(name="西门")
    with pytest.raises(DomainError) as err:
        check_in(user=world.guard_a, assignment=accepted.pk, gate=west.pk, now=local(2026, 3, 2, 8))
    assert err.value.code == "wrong_gate"
    a = check_in(user=world.guard_a, assignment=accepted.pk, now=local(2026, 3, 2, 8, 5))
    assert a.status == AssignmentStatus.CHECKED_IN
    assert [x.pk for x in on_duty(world.gate_a.pk, now=local(2026, 3, 2, 9))] == [a.pk]


def test_a_check_in_far_from_the_shift_is_refused(world, accepted):
    for when in (local(2026, 3, 2, 7, 29), local(2026, 3, 2, 16)):
        with pytest.raises(DomainError) as err:
            check_in(user=accepted.volunteer.user, assignment=accepted.pk, now=when)
        assert err.value.code == "not_shift_time"
    assert check_in(user=accepted.volunteer.user, assignment=accepted.pk, now=local(2026, 3, 2, 7, 30))


def test_another_volunteer_cannot_check_someone_in(world, volunteers, accepted):
    with pytest.raises(DomainError) as err:
        check_in(user=volunteers[1].user, assignment=accepted.pk, now=local(2026, 3, 2, 8))
    assert err.value.code == "not_found"


def test_logging_in_during_the_shift_checks_the_volunteer_in(world, client, accepted):
    user = accepted.volunteer.user
    user.set_password(PASSWORD)
    user.save()
    with time_machine.travel(local(2026, 3, 2, 7, 50), tick=False):
        assert client.login(username=user.username, password=PASSWORD)
    accepted.refresh_from_db()
    assert accepted.status == AssignmentStatus.CHECKED_IN


def test_hours_come_from_check_in_and_check_out(world, accepted):
    check_in(user=world.guard_a, assignment=accepted.pk, now=local(2026, 3, 2, 8))
    check_out(user=world.guard_a, assignment=accepted.pk, now=local(2026, 3, 2, 15, 30))
    day = local(2026, 3, 2).date()
    assert hours_between(accepted.volunteer, day, day)["shifts"] == 7.5


def test_the_task_checks_out_at_the_end_and_marks_no_shows(world, volunteers, accepted):
    check_in(user=world.guard_a, assignment=accepted.pk, now=local(2026, 3, 2, 8))
    later = add_shift(world, local(2026, 3, 2, 16))
    with time_machine.travel(local(2026, 3, 1, 9), tick=False):
        missed = take_shift(user=volunteers[1].user, shift=later.pk)
    assert close_past_shifts(now=local(2026, 3, 2, 16, 30)) == {"checked_out": 1, "no_show": 1}
    assert Assignment.objects.get(pk=accepted.pk).checked_out_at == local(2026, 3, 2, 16)
    assert Assignment.objects.get(pk=missed.pk).status == AssignmentStatus.NO_SHOW
