"""Acknowledging: once per recipient row, never for a withdrawn or expired notice, only one's own row."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from lianfang.core.errors import DomainError
from lianfang.notices.models import AckVia, Audience, Recipient
from lianfang.notices.services import acknowledge, mark_read, record_slip, withdraw_notice
from lianfang.notices.tests.helpers import published

pytestmark = pytest.mark.django_db


def row(notice, household):
    return Recipient.objects.get(notice=notice, household=household)


def test_a_household_acknowledges_once_and_a_second_time_is_told_when(world):
    notice = published(world)
    r = row(notice, world.household_a1)
    acknowledge(recipient_id=r.pk, household_id=world.household_a1.pk)
    r.refresh_from_db()
    assert r.acknowledged_at is not None and r.read_at is not None and r.ack_via == AckVia.APP
    with pytest.raises(DomainError) as err:
        acknowledge(recipient_id=r.pk, household_id=world.household_a1.pk)
    assert err.value.code == "already_acknowledged"
    assert "已于" in str(err.value.message) or "Already" in str(err.value.message)


def test_a_household_cannot_acknowledge_another_households_row(world):
    notice = published(world)
    r = row(notice, world.household_a2)
    with pytest.raises(DomainError) as err:
        acknowledge(recipient_id=r.pk, household_id=world.household_a1.pk)
    assert err.value.code == "not_found"
    r.refresh_from_db()
    assert r.acknowledged_at is None


def test_a_withdrawn_notice_is_not_acknowledged(world):
    notice = published(world)
    withdraw_notice(user=world.commander, notice=notice)
    with pytest.raises(DomainError) as err:
        acknowledge(recipient_id=row(notice, world.household_a1).pk, household_id=world.household_a1.pk)
    assert err.value.code == "notice_withdrawn"


def test_an_expired_notice_is_not_acknowledged(world):
    with time_machine.travel(datetime.datetime(2026, 2, 1, 9, tzinfo=datetime.UTC), tick=False):
        notice = published(world, expires_at=datetime.datetime(2026, 2, 3, tzinfo=datetime.UTC))
    with time_machine.travel(datetime.datetime(2026, 2, 4, 9, tzinfo=datetime.UTC), tick=False):
        with pytest.raises(DomainError) as err:
            acknowledge(recipient_id=row(notice, world.household_a1).pk, household_id=world.household_a1.pk)
    assert err.value.code == "notice_expired"


def test_an_account_acknowledges_its_own_row(world):
    notice = published(world, audiences=[Audience.GRID])
    r = Recipient.objects.get(notice=notice, user=world.grid_a1_worker)
    with pytest.raises(DomainError):
        acknowledge(recipient_id=r.pk, user=world.staff_a)
    acknowledge(recipient_id=r.pk, user=world.grid_a1_worker, via=AckVia.STAFF)
    r.refresh_from_db()
    assert r.acknowledged_at is not None


def test_reading_is_marked_once(world):
    notice = published(world)
    r = row(notice, world.household_a1)
    assert mark_read(recipient_ids=[r.pk]) == 1
    assert mark_read(recipient_ids=[r.pk]) == 0


def test_the_slip_brought_back_by_the_grid_worker_acknowledges_for_the_household(world):
    notice = published(world)
    r = row(notice, world.household_a1)
    with pytest.raises(DomainError) as err:
        record_slip(user=world.grid_a1_worker, recipient=row(notice, world.household_a2))  # grid A2
    assert err.value.code == "not_found"
    record_slip(user=world.grid_a1_worker, recipient=r)
    r.refresh_from_db()
    assert r.ack_via == AckVia.SLIP and r.acknowledged_at is not None
    with pytest.raises(DomainError) as err:
        record_slip(user=world.grid_a1_worker, recipient=r)
    assert err.value.code == "already_acknowledged"
