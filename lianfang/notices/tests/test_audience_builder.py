"""The audience builder against households counted by hand in the shared world (A: 3栋1单元101 in grid A1,
5栋1单元201 in grid A2; B: 春晖园 1栋1单元101) and a few more made here."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from lianfang.conftest import add_resident
from lianfang.notices.audience import AudienceSpec, count_audience, households_of
from lianfang.notices.models import Audience, AudienceTag
from lianfang.people.models import TravelRecord
from lianfang.places.services import ensure_household

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 2, 10)


@pytest.fixture
def more(world):
    """Two more households in A's compound: one quarantined until the 14th, one with a returnee of the 5th;
    and one empty household in B."""
    held = ensure_household(compound=world.compound_a, building="3", unit="2", room="301")
    held.exits_held_until = datetime.date(2026, 2, 14)
    held.save()
    back = ensure_household(compound=world.compound_a, building="5", unit="2", room="502")
    who = add_resident("赵六", back, datetime.date(1990, 3, 3), 21, "M", "13900001111")
    TravelRecord.objects.create(resident=who, origin="武汉", arrival_date=datetime.date(2026, 2, 5))
    ensure_household(compound=world.compound_b, building="1", unit="1", room="202")
    return held, back


def ids(spec):
    return set(households_of(spec, today=TODAY).values_list("pk", flat=True))


@time_machine.travel(datetime.datetime(2026, 2, 10, 9, tzinfo=datetime.UTC), tick=False)
def test_every_household_of_a_community_and_of_the_street_is_counted(world, more):
    held, back = more
    assert ids(AudienceSpec(area=world.community_a)) == {
        world.household_a1.pk,
        world.household_a2.pk,
        held.pk,
        back.pk,
    }
    assert count_audience(AudienceSpec(area=world.street), today=TODAY)["households"] == 6


def test_tags_narrow_the_households_to_any_of_those_chosen(world, more):
    held, back = more
    area = world.community_a
    assert ids(AudienceSpec(area=area, tags=(AudienceTag.QUARANTINED,))) == {held.pk}
    assert ids(AudienceSpec(area=area, tags=(AudienceTag.RETURNEES,))) == {back.pk}
    # 张三 (chronic) and 李四 (elderly alone) are vulnerable.
    assert ids(AudienceSpec(area=area, tags=(AudienceTag.VULNERABLE,))) == {
        world.household_a1.pk,
        world.household_a2.pk,
    }
    assert ids(AudienceSpec(area=area, tags=(AudienceTag.QUARANTINED, AudienceTag.RETURNEES))) == {
        held.pk,
        back.pk,
    }


def test_a_quarantine_that_ended_yesterday_and_an_old_return_are_not_counted(world, more):
    held, back = more
    later = datetime.date(2026, 2, 20)
    spec = AudienceSpec(area=world.community_a, tags=(AudienceTag.QUARANTINED, AudienceTag.RETURNEES))
    assert set(households_of(spec, today=later).values_list("pk", flat=True)) == set()


def test_a_compound_narrows_to_its_households(world, more):
    spec = AudienceSpec(area=world.street, compound=world.compound_b)
    assert ids(spec) == {world.household_b.pk, *[h for h in ids(AudienceSpec(area=world.community_b))]}
    assert len(ids(spec)) == 2


def test_accounts_are_counted_by_role_within_the_area(world):
    spec = AudienceSpec(area=world.community_a, audiences=(Audience.STAFF, Audience.GRID))
    # staff_a and health_a (staff), grid_a1 (grid worker); not staff_b of community B, not the commander.
    assert count_audience(spec, today=TODAY) == {"households": 0, "persons": 0, "accounts": 3, "total": 3}


def test_per_person_counts_the_residents_of_the_households(world, more):
    spec = AudienceSpec(area=world.community_a)
    # 张三, 李四, 赵六.
    assert count_audience(spec, today=timezone.localdate(), per_person=True)["persons"] == 3
