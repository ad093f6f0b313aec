"""Escalation with frozen time: in the app; a day later an SMS; a day after that, a door-to-door task on the
grid worker's list, done by the slip brought back."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from lianfang.notices.escalation import door_to_door_for, escalate_due
from lianfang.notices.models import EscalationStep, NoticeStatus, OutboxMessage, Recipient
from lianfang.notices.services import acknowledge, record_slip
from lianfang.notices.tests.helpers import published

pytestmark = pytest.mark.django_db
T0 = datetime.datetime(2026, 2, 10, 2, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)


def steps(notice):
    return dict(Recipient.objects.filter(notice=notice).values_list("household_id", "step"))


def test_the_steps_come_one_a_day_and_skip_who_acknowledged(world):
    with time_machine.travel(T0, tick=False):
        notice = published(world)
        acknowledge(
            recipient_id=Recipient.objects.get(notice=notice, household=world.household_a2).pk,
            household_id=world.household_a2.pk,
        )
        assert escalate_due() == {"expired": 0, "sms": 0, "door": 0}
    with time_machine.travel(T0 + DAY + datetime.timedelta(minutes=1), tick=False):
        assert escalate_due()["sms"] == 1
        assert escalate_due()["sms"] == 0  # a step is taken once
        assert steps(notice)[world.household_a1.pk] == EscalationStep.SMS
        assert list(OutboxMessage.objects.values_list("address", flat=True)) == ["13955401234"]
        assert door_to_door_for(world.grid_a1_worker) == []
    with time_machine.travel(T0 + 2 * DAY + datetime.timedelta(minutes=2), tick=False):
        assert escalate_due()["door"] == 1
        tasks = door_to_door_for(world.grid_a1_worker)
        assert [t.household_id for t in tasks] == [world.household_a1.pk]
        assert door_to_door_for(world.staff_a) == []  # the grid worker's list
        record_slip(user=world.grid_a1_worker, recipient=tasks[0])
        assert door_to_door_for(world.grid_a1_worker) == []


def test_an_expired_notice_is_marked_and_no_longer_escalated(world):
    with time_machine.travel(T0, tick=False):
        notice = published(world, expires_at=T0 + datetime.timedelta(hours=12))
    with time_machine.travel(T0 + 2 * DAY, tick=False):
        assert escalate_due() == {"expired": 1, "sms": 0, "door": 0}
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.EXPIRED
