"""The case page proposes contacts with their reasons; a health worker confirms one (home or a facility
room) or dismisses one (with a note). Deciding twice, a full room, a missing note: refused, no change."""

import pytest
from django.conf import settings
from django.urls import reverse

from lianfang.epi.models import Contact, Quarantine


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def confirm(client, case, resident, place="home", **extra):
    return client.post(
        reverse("epi:contact-confirm", args=[case.pk]), {"resident": resident.pk, "place": place, **extra}
    )


def test_the_case_page_lists_the_unit_neighbours_with_their_reason(world, login, unit31, case_a1):
    page = login(world.health_a).get(reverse("epi:case-detail", args=[case_a1.pk])).content.decode()
    for r in unit31.residents[1:]:
        assert r.name in page
    assert unit31.next_door_resident.name not in page
    assert page.count('name="resident"') == 3  # a box to tick for each
    assert page.count('name="place"') == 1


def test_confirming_a_contact_at_home_starts_a_home_quarantine(world, login, unit31, case_a1):
    qian = unit31.residents[1]
    response = confirm(login(world.health_a), case_a1, qian)
    assert response.status_code == 302 and response["Location"].endswith("#contacts")
    contact = Contact.objects.get(case=case_a1, resident=qian)
    assert contact.status == "confirmed"
    q = Quarantine.objects.get(contact=contact)
    assert q.kind == "home" and q.household == unit31.households[1]


def test_confirming_with_a_room_places_the_contact_in_the_facility(world, login, unit31, case_a1, facility):
    room = facility.rooms.get(number="101")
    confirm(login(world.health_a), case_a1, unit31.residents[1], place=str(room.pk))
    q = Quarantine.objects.get(resident=unit31.residents[1])
    assert q.kind == "facility" and q.room == room
    page = login(world.health_a).get(reverse("epi:facility-detail", args=[facility.pk])).content.decode()
    assert unit31.residents[1].name in page and "1 / 1" in page


def test_a_full_room_is_refused_and_nothing_is_written(world, login, unit31, case_a1, facility):
    room = facility.rooms.get(number="101")  # one bed
    client = login(world.health_a)
    confirm(client, case_a1, unit31.residents[1], place=str(room.pk))
    response = confirm(client, case_a1, unit31.residents[2], place=str(room.pk))
    page = client.get(response["Location"]).content.decode()
    assert "is full" in page
    assert not Contact.objects.filter(resident=unit31.residents[2]).exists()
    assert not Quarantine.objects.filter(resident=unit31.residents[2]).exists()


def test_a_contact_confirmed_twice_is_refused(world, login, unit31, case_a1):
    client = login(world.health_a)
    confirm(client, case_a1, unit31.residents[1])
    response = confirm(client, case_a1, unit31.residents[1])
    assert 'class="msg error' in client.get(response["Location"]).content.decode()
    assert Quarantine.objects.filter(resident=unit31.residents[1]).count() == 1


def test_dismissing_needs_a_note(world, login, unit31, case_a1):
    client = login(world.health_a)
    url = reverse("epi:contact-dismiss", args=[case_a1.pk])
    response = client.post(url, {"resident": unit31.residents[3].pk, "note": ""}, follow=True)
    assert 'class="msg error' in response.content.decode()
    assert not Contact.objects.exists()
    client.post(url, {"resident": unit31.residents[3].pk, "note": "was away all week"})
    contact = Contact.objects.get()
    assert contact.status == "dismissed" and contact.note == "was away all week"
    assert not Quarantine.objects.filter(resident=unit31.residents[3]).exists()


def test_a_decided_candidate_shows_its_decision_and_no_buttons(world, login, unit31, case_a1):
    client = login(world.health_a)
    confirm(client, case_a1, unit31.residents[1])
    page = client.get(reverse("epi:case-detail", args=[case_a1.pk])).content.decode()
    assert "confirmed contact" in page
    assert f'name="resident" value="{unit31.residents[1].pk}"' not in page  # nothing left to tick
    assert page.count('name="place"') == 1  # one choice of place for all the ticked
    assert "Contact confirmed: 钱一" in page  # in the timeline


def test_a_bad_place_value_is_refused(world, login, unit31, case_a1):
    client = login(world.health_a)
    response = confirm(client, case_a1, unit31.residents[1], place="hotel")
    assert "Choose home quarantine or a facility room." in client.get(response["Location"]).content.decode()
    assert not Contact.objects.exists()
