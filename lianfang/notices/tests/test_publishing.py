"""Publishing: approval first (by someone else), once, to a non-empty audience inside the scope; the recipient
list is frozen at that moment."""

from __future__ import annotations

import datetime

import pytest

from lianfang.conftest import add_resident
from lianfang.core.errors import DomainError
from lianfang.notices.models import AckUnit, Audience, AudienceTag, NoticeStatus, Recipient
from lianfang.notices.services import approve_notice, publish_notice, withdraw_notice
from lianfang.notices.tests.helpers import draft, published
from lianfang.people.services import move_resident
from lianfang.places.services import ensure_household

pytestmark = pytest.mark.django_db


def code(excinfo):
    return excinfo.value.code


def test_a_draft_is_not_published_before_its_approval(world):
    notice = draft(world)
    with pytest.raises(DomainError) as err:
        publish_notice(user=world.commander, notice=notice)
    assert code(err) == "not_approved"
    assert not Recipient.objects.exists()


def test_the_author_may_not_approve_their_own_draft(world):
    notice = draft(world)
    with pytest.raises(DomainError) as err:
        approve_notice(user=world.staff_a, notice=notice)
    assert code(err) == "own_draft"


def test_a_published_notice_is_not_published_twice(world):
    notice = published(world)
    assert notice.recipient_count == 2
    with pytest.raises(DomainError) as err:
        publish_notice(user=world.commander, notice=notice)
    assert code(err) == "already_published"
    assert Recipient.objects.filter(notice=notice).count() == 2


def test_an_empty_audience_is_refused_and_nothing_is_written(world):
    notice = draft(world, tags=[AudienceTag.QUARANTINED])  # nobody in A is held
    approve_notice(user=world.commander, notice=notice)
    with pytest.raises(DomainError) as err:
        publish_notice(user=world.commander, notice=notice)
    assert code(err) == "empty_audience"
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.APPROVED
    assert not Recipient.objects.exists()


def test_an_audience_outside_the_authors_scope_is_refused(world):
    with pytest.raises(DomainError) as err:
        draft(world, area=world.community_b)
    assert code(err) == "not_found"
    with pytest.raises(DomainError) as err:
        draft(world, user=world.grid_a1_worker)
    assert code(err) == "forbidden"


def test_the_recipients_are_one_row_per_household_with_its_grid(world):
    notice = published(world, audiences=[Audience.HOUSEHOLDS, Audience.GRID])
    rows = {(r.household_id, r.user_id, r.grid_id) for r in Recipient.objects.filter(notice=notice)}
    assert rows == {
        (world.household_a1.pk, None, world.grid_a1.pk),
        (world.household_a2.pk, None, world.grid_a2.pk),
        (None, world.grid_a1_worker.pk, world.grid_a1.pk),
    }
    assert all(r.delivered_at == notice.published_at for r in Recipient.objects.filter(notice=notice))


def test_the_list_stays_frozen_when_residents_move_and_households_appear_after_publishing(world):
    notice = published(world, ack_unit=AckUnit.PERSON)
    assert set(Recipient.objects.filter(notice=notice).values_list("resident_id", "household_id")) == {
        (world.zhang_san.pk, world.household_a1.pk),
        (world.li_si.pk, world.household_a2.pk),
    }
    move_resident(user=world.staff_a, resident=world.zhang_san, household=world.household_a2)
    new = ensure_household(compound=world.compound_a, building="3", unit="1", room="102")
    add_resident("新人", new, datetime.date(2000, 1, 1), 31, "F")
    assert set(Recipient.objects.filter(notice=notice).values_list("resident_id", "household_id")) == {
        (world.zhang_san.pk, world.household_a1.pk),
        (world.li_si.pk, world.household_a2.pk),
    }


def test_a_withdrawn_notice_stays_withdrawn(world):
    notice = published(world)
    withdraw_notice(user=world.commander, notice=notice)
    with pytest.raises(DomainError) as err:
        publish_notice(user=world.commander, notice=notice)
    assert code(err) == "already_published"
