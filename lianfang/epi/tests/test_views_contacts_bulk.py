"""The case page proposes a few hundred people: they are ticked and decided together (confirmed into home
quarantine or one room, or dismissed with one reason), each on its own; people already in quarantine for
another reason are marked and folded away; the page stays light."""

import pytest
from django.conf import settings
from django.urls import reverse

from lianfang.epi.models import Contact, Quarantine
from lianfang.epi.services import apply_lockdown
from lianfang.people.models import Resident
from lianfang.places.services import ensure_household


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def bulk(client, case, residents, action, **extra):
    return client.post(
        reverse("epi:contact-bulk", args=[case.pk]),
        {"resident": [r.pk for r in residents], "action": action, "place": "home", **extra},
        follow=True,
    ).content.decode()


def test_ticked_candidates_are_confirmed_together_into_home_quarantine(world, login, unit31, case_a1):
    people = unit31.residents[1:3]
    page = bulk(login(world.health_a), case_a1, people, "confirm")
    assert "Confirmed as contacts (2)" in page
    assert set(Contact.objects.filter(status="confirmed").values_list("resident_id", flat=True)) == {
        p.pk for p in people
    }
    assert Quarantine.objects.filter(resident__in=people, kind="home", status="active").count() == 2


def test_each_is_decided_on_its_own_and_the_refused_are_named(world, login, unit31, case_a1):
    client = login(world.health_a)
    bulk(client, case_a1, [unit31.residents[1]], "confirm")
    page = bulk(client, case_a1, unit31.residents[1:3], "dismiss", note="away that week")
    assert "Dismissed (1)" in page
    assert "Not done (1)" in page and unit31.residents[1].name in page
    assert Contact.objects.get(resident=unit31.residents[1]).status == "confirmed"  # unchanged
    assert Contact.objects.get(resident=unit31.residents[2]).status == "dismissed"


def test_dismissing_without_a_reason_or_ticking_nobody_changes_nothing(world, login, unit31, case_a1):
    client = login(world.health_a)
    page = bulk(client, case_a1, unit31.residents[1:3], "dismiss", note="")
    assert not Contact.objects.exists()
    page = bulk(client, case_a1, [], "confirm")
    assert "Tick between 1 and 500 people" in page
    assert not Contact.objects.exists()


def test_people_already_in_quarantine_are_marked_and_folded_away(world, login, unit31, case_a1, today):
    apply_lockdown(user=world.health_a, scope="unit", target_id=unit31.unit.pk, start=today, today=today)
    page = login(world.health_a).get(reverse("epi:case-detail", args=[case_a1.pk])).content.decode()
    folded = page[page.index('data-test="already-quarantined"') :]
    to_decide = page[page.index('data-test="candidates"') : page.index('data-test="already-quarantined"')]
    assert unit31.residents[1].name in folded and unit31.residents[1].name not in to_decide
    assert "Sealed area" in folded  # why they are in quarantine


def test_a_guard_or_another_community_cannot_decide(world, login, unit31, case_a1):
    assert login(world.staff_b).post(reverse("epi:contact-bulk", args=[case_a1.pk])).status_code == 404
    assert not Contact.objects.exists()


def test_the_case_page_stays_light_with_250_candidates(world, login, case_a1, facility):
    # 3栋1单元 with 63 more households of four: 252 neighbours proposed as the unit's contacts.
    names = "赵钱孙李周吴郑王冯陈"
    for floor in range(63):
        household = ensure_household(
            compound=world.compound_a, building="3", unit="1", room=f"{floor // 4 + 2}0{floor % 4 + 1}"
        )
        for i in range(4):
            Resident.objects.create(
                name=f"{names[floor % 10]}{names[i]}{floor}",
                household=household,
                grid_id=household.grid_id,
                path=household.path,
            )
    page = login(world.health_a).get(reverse("epi:case-detail", args=[case_a1.pk])).content
    assert page.decode().count('name="resident"') >= 250
    assert len(page) < 150 * 1024, f"{len(page) // 1024} KB"
