"""Remind the rest: only those who have not acknowledged, at most once per interval per notice and grid."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from lianfang.core.errors import DomainError
from lianfang.notices.models import OutboxMessage, Recipient
from lianfang.notices.services import acknowledge, remind_rest
from lianfang.notices.tests.helpers import published

pytestmark = pytest.mark.django_db
T0 = datetime.datetime(2026, 2, 10, 2, tzinfo=datetime.UTC)  # 10:00 in Shanghai


@time_machine.travel(T0, tick=False)
def test_the_reminder_reaches_only_those_who_have_not_acknowledged(world):
    notice = published(world)
    a1 = Recipient.objects.get(notice=notice, household=world.household_a1)
    a2 = Recipient.objects.get(notice=notice, household=world.household_a2)
    acknowledge(recipient_id=a1.pk, household_id=world.household_a1.pk)
    reminder = remind_rest(user=world.staff_a, notice=notice)
    assert reminder.reached == 1
    a1.refresh_from_db()
    a2.refresh_from_db()
    assert (a1.reminders, a2.reminders) == (0, 1)
    # 李四's mobile gets the SMS; nobody else.
    assert list(OutboxMessage.objects.values_list("address", "recipient_id")) == [("13855405678", a2.pk)]


def test_a_second_reminder_within_the_interval_is_refused_and_allowed_after(world):
    with time_machine.travel(T0, tick=False):
        notice = published(world)
        remind_rest(user=world.staff_a, notice=notice)
    with time_machine.travel(T0 + datetime.timedelta(hours=1), tick=False):
        with pytest.raises(DomainError) as err:
            remind_rest(user=world.staff_a, notice=notice)
        assert err.value.code == "reminded_recently"
    with time_machine.travel(T0 + datetime.timedelta(hours=4, minutes=1), tick=False):
        assert remind_rest(user=world.staff_a, notice=notice).reached == 2
    assert OutboxMessage.objects.count() == 4  # each reminder: one SMS to 张三 and one to 李四


def test_a_grid_worker_reminds_their_own_grid_only(world):
    with time_machine.travel(T0, tick=False):
        notice = published(world)
        reminder = remind_rest(user=world.grid_a1_worker, notice=notice, grid=world.grid_a1)
        assert reminder.reached == 1
        with pytest.raises(DomainError) as err:
            remind_rest(user=world.grid_a1_worker, notice=notice, grid=world.grid_a2)
        assert err.value.code == "not_found"
