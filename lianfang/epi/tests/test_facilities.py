"""Facilities: rooms with beds, facility quarantine in a room with a free bed, moves, occupancy at a
glance in one query; a room over capacity is refused, nothing changed."""

import pytest
from django.utils import translation

from lianfang.core.errors import DomainError
from lianfang.epi.models import Facility, Quarantine, QuarantineChange, Room
from lianfang.epi.services import (
    add_room,
    create_facility,
    move_quarantine_room,
    room_occupancy,
    start_quarantine,
)
from lianfang.places.models import Household


def refused(code: str, call, **kw) -> DomainError:
    with translation.override("en"), pytest.raises(DomainError) as caught:
        call(**kw)
    assert caught.value.code == code
    return caught.value


def room(facility, number: str) -> Room:
    return facility.rooms.get(number=number)


def into(world, resident, r, today):
    return start_quarantine(
        user=world.health_a, resident=resident, kind="facility", reason="contact", room=r, today=today
    )


def test_a_facility_is_created_with_its_rooms(world, facility):
    assert [(r.number, r.capacity) for r in facility.rooms.all()] == [("101", 1), ("102", 2)]
    add_room(user=world.staff_a, facility=facility, number="201", capacity=3)
    assert facility.rooms.count() == 3


def test_bad_facility_and_room_input_is_refused(world, facility):
    refused("name_missing", create_facility, user=world.health_a, area=world.community_a, name=" ")
    refused("facility_exists", create_facility, user=world.health_a, area=world.community_a, name="淮南宾馆")
    refused(
        "room_exists",
        create_facility,
        user=world.health_a,
        area=world.community_a,
        name="新楼",
        rooms=[("1", 1), ("1", 2)],
    )
    refused("bad_capacity", add_room, user=world.health_a, facility=facility, number="301", capacity=0)
    refused("room_exists", add_room, user=world.health_a, facility=facility, number="101", capacity=1)
    refused("not_found", add_room, user=world.staff_b, facility=facility, number="301", capacity=1)
    refused("not_found", create_facility, user=world.staff_b, area=world.community_a, name="B的宾馆")
    assert Facility.objects.count() == 1 and Room.objects.count() == 2


def test_a_facility_quarantine_takes_a_bed_and_does_not_hold_the_household(world, facility, today):
    q = into(world, world.zhang_san, room(facility, "101"), today)

    assert q.room.number == "101" and q.kind == "facility"
    assert Household.objects.get(pk=world.household_a1.pk).exits_held_until is None
    assert q.changes.get().room_id == q.room_id


def test_a_full_room_is_refused_and_nothing_changes(world, facility, unit31, today):
    into(world, unit31.residents[0], room(facility, "101"), today)
    before = (Quarantine.objects.count(), QuarantineChange.objects.count())

    err = refused(
        "room_full", start_quarantine, user=world.health_a, resident=unit31.residents[1], kind="facility",
        reason="contact", room=room(facility, "101"), today=today,
    )  # fmt: skip

    assert "101" in str(err.message) and err.field == "room"
    assert (Quarantine.objects.count(), QuarantineChange.objects.count()) == before


def test_a_facility_quarantine_needs_a_room(world, facility, today):
    refused(
        "room_required",
        start_quarantine,
        user=world.health_a,
        resident=world.zhang_san,
        kind="facility",
        reason="contact",
        today=today,
    )
    assert Quarantine.objects.count() == 0


def test_moving_checks_the_capacity_of_the_new_room(world, facility, unit31, today):
    a = into(world, unit31.residents[0], room(facility, "102"), today)
    b = into(world, unit31.residents[1], room(facility, "101"), today)

    refused("room_full", move_quarantine_room, user=world.health_a, quarantine=a, room=room(facility, "101"))
    refused("same_room", move_quarantine_room, user=world.health_a, quarantine=b, room=room(facility, "101"))
    move_quarantine_room(user=world.health_a, quarantine=b, room=room(facility, "102"))

    assert Quarantine.objects.get(pk=b.pk).room.number == "102"
    assert list(b.changes.values_list("kind", flat=True)) == ["start", "move"]
    home = start_quarantine(
        user=world.health_a, resident=unit31.residents[2], kind="home", reason="contact", today=today
    )
    refused(
        "not_facility", move_quarantine_room, user=world.health_a, quarantine=home, room=room(facility, "101")
    )


def test_occupancy_counts_active_quarantines_per_room_in_one_query(
    world, facility, unit31, today, django_assert_num_queries
):
    into(world, unit31.residents[0], room(facility, "102"), today)
    into(world, unit31.residents[1], room(facility, "102"), today)

    with django_assert_num_queries(1):
        rows = [(r.number, r.capacity, n) for r, n in room_occupancy(facility)]

    assert rows == [("101", 1, 0), ("102", 2, 2)]
