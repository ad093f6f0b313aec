"""Facilities: occupancy at a glance (beds used / total), adding a facility and a room; bad input shown."""

import pytest
from django.conf import settings
from django.urls import reverse

from lianfang.epi.models import Facility, Room
from lianfang.epi.services import create_facility, start_quarantine


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def test_the_list_shows_beds_used_of_the_total(world, login, unit31, facility):
    room = facility.rooms.get(number="102")
    start_quarantine(
        user=world.health_a, resident=unit31.residents[1], kind="facility", reason="contact", room=room
    )
    page = login(world.health_a).get(reverse("epi:facility-list")).content.decode()
    assert "淮南宾馆" in page and 'data-test="beds">1 / 3<' in page


def test_the_facility_page_lists_who_is_in_each_room(world, login, unit31, facility):
    room = facility.rooms.get(number="101")
    start_quarantine(
        user=world.health_a, resident=unit31.residents[2], kind="facility", reason="contact", room=room
    )
    page = login(world.health_a).get(reverse("epi:facility-detail", args=[facility.pk])).content.decode()
    assert '<tr class="full" data-room="101">' in page and "钱二" in page


def test_a_health_worker_adds_a_facility_with_its_rooms(world, login):
    client = login(world.health_a)
    response = client.post(
        reverse("epi:facility-list"),
        {"name": "方舱一号", "area": world.community_a.pk, "rooms": "1 2\n2 4\n3"},
    )
    facility = Facility.objects.get(name="方舱一号")
    assert response["Location"] == reverse("epi:facility-detail", args=[facility.pk])
    assert sorted(facility.rooms.values_list("number", "capacity")) == [("1", 2), ("2", 4), ("3", 1)]


def test_a_badly_written_room_line_is_refused_and_nothing_is_added(world, login):
    page = (
        login(world.health_a)
        .post(
            reverse("epi:facility-list"), {"name": "方舱一号", "area": world.community_a.pk, "rooms": "1 two"}
        )
        .content.decode()
    )
    assert "Line 1: write the room number and the number of beds" in page
    assert not Facility.objects.exists()


def test_a_room_listed_twice_is_refused_by_the_service(world, login):
    page = (
        login(world.health_a)
        .post(
            reverse("epi:facility-list"),
            {"name": "方舱一号", "area": world.community_a.pk, "rooms": "1 2\n1 3"},
        )
        .content.decode()
    )
    assert "Room 1 is listed twice." in page and not Facility.objects.exists()


def test_adding_an_existing_room_number_is_refused(world, login, facility):
    client = login(world.health_a)
    page = client.post(
        reverse("epi:facility-detail", args=[facility.pk]), {"number": "101", "capacity": "2"}
    ).content.decode()
    assert "Room 101 already exists." in page and facility.rooms.count() == 2
    client.post(reverse("epi:facility-detail", args=[facility.pk]), {"number": "103", "capacity": "2"})
    assert facility.rooms.count() == 3


def test_the_commander_reads_the_facility_but_cannot_add_rooms(world, login, facility):
    client = login(world.commander)
    page = client.get(reverse("epi:facility-detail", args=[facility.pk])).content.decode()
    assert "淮南宾馆" in page and 'name="number"' not in page
    assert (
        client.post(
            reverse("epi:facility-detail", args=[facility.pk]), {"number": "9", "capacity": "1"}
        ).status_code
        == 403
    )
    assert (
        client.post(reverse("epi:facility-list"), {"name": "x", "area": world.community_a.pk}).status_code
        == 403
    )
    assert Room.objects.count() == 2


def test_the_facility_list_costs_the_same_for_one_or_many(
    world, login, facility, django_assert_max_num_queries
):
    client = login(world.health_a)
    with django_assert_max_num_queries(7):  # +1: the header's open alert count
        client.get(reverse("epi:facility-list"))
    for i in range(5):
        create_facility(
            user=world.health_a, area=world.community_a, name=f"隔离点{i}", rooms=[("1", 2), ("2", 2)]
        )
    with django_assert_max_num_queries(7):  # +1: the header's open alert count
        page = client.get(reverse("epi:facility-list")).content.decode()
    assert "隔离点4" in page
