"""Sealing from the phone: choose the case's unit -> a preview with the counts (nothing written) -> apply;
an overlap is refused naming the active lockdown; lifting needs a reason; extending moves the last day."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse

from lianfang.epi.models import Lockdown, Quarantine
from lianfang.epi.services import apply_lockdown
from lianfang.places.models import Household

D = datetime.timedelta


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def form(world, unit31, today, case=None, **kw):
    data = {
        "compound": world.compound_a.pk,
        "target": f"unit:{unit31.unit.pk}",
        "start": today.isoformat(),
        "days": "14",
        "reason": "",
    }
    if case is not None:
        data["case"] = case.pk
    return {**data, **kw}


def test_the_form_from_a_case_preselects_its_unit(world, login, unit31, case_a1):
    page = login(world.health_a).get(reverse("epi:lockdown-new"), {"case": case_a1.pk}).content.decode()
    assert f'value="unit:{unit31.unit.pk}" selected' in page
    assert (
        f'value="building:{unit31.building.pk}"' in page and f'value="compound:{world.compound_a.pk}"' in page
    )


def test_without_a_case_the_worker_first_picks_a_compound_of_the_area(world, login):
    page = login(world.health_a).get(reverse("epi:lockdown-new")).content.decode()
    assert "阳光小区" in page and "春晖园" not in page


def test_the_preview_shows_the_counts_and_writes_nothing(world, login, unit31, case_a1, today):
    response = login(world.health_a).post(reverse("epi:lockdown-new"), form(world, unit31, today, case_a1))
    page = response.content.decode()
    # 张三 is the case (isolated as a case): the other three residents of the unit go into quarantine.
    assert "1 unit, 3 households, 3 residents go into home quarantine; their exits will be refused." in page
    assert (today + D(days=13)).isoformat() in page
    assert reverse("epi:lockdown-apply") in page
    assert Lockdown.objects.count() == 0 and Quarantine.objects.count() == 0


def test_applying_seals_the_unit_and_holds_its_households(world, login, unit31, case_a1, today):
    client = login(world.health_a)
    response = client.post(reverse("epi:lockdown-apply"), form(world, unit31, today, case_a1))
    lockdown = Lockdown.objects.get()
    assert response["Location"] == reverse("epi:lockdown-detail", args=[lockdown.pk])
    assert lockdown.case == case_a1 and lockdown.households == 3 and lockdown.residents == 3
    held = set(Household.objects.filter(exits_held_until__gte=today).values_list("pk", flat=True))
    assert {h.pk for h in unit31.households[1:]} <= held and unit31.next_door.pk not in held
    page = client.get(response["Location"]).content.decode()
    assert "Day 1 of 14" in page and "3 / 3" in page
    assert (
        "Sealed 阳光小区 3栋1单元"
        in client.get(reverse("epi:case-detail", args=[case_a1.pk])).content.decode()
    )


def test_an_overlapping_lockdown_is_refused_in_the_preview_and_on_apply(world, login, unit31, today):
    existing = apply_lockdown(
        user=world.health_a, scope="building", target_id=unit31.building.pk, start=today
    )
    client = login(world.health_a)
    page = client.post(reverse("epi:lockdown-new"), form(world, unit31, today)).content.decode()
    assert "is already sealed until" in page and reverse("epi:lockdown-detail", args=[existing.pk]) in page
    assert reverse("epi:lockdown-apply") not in page
    page = client.post(reverse("epi:lockdown-apply"), form(world, unit31, today)).content.decode()
    assert "extend that lockdown instead" in page
    assert Lockdown.objects.count() == 1


def test_a_start_beyond_tomorrow_is_refused_on_the_form(world, login, unit31, today):
    page = (
        login(world.health_a)
        .post(reverse("epi:lockdown-new"), form(world, unit31, today, start=(today + D(days=5)).isoformat()))
        .content.decode()
    )
    assert "starts today or tomorrow at the latest" in page and Lockdown.objects.count() == 0


def test_a_unit_of_another_compound_is_not_a_choice(world, login, unit31, today):
    other_unit = world.household_b.unit
    response = login(world.staff_b).post(
        reverse("epi:lockdown-apply"), form(world, unit31, today, target=f"unit:{other_unit.pk}")
    )
    assert response.status_code == 404
    response = login(world.health_a).post(
        reverse("epi:lockdown-apply"), form(world, unit31, today, target=f"unit:{other_unit.pk}")
    )
    assert response.status_code == 200 and Lockdown.objects.count() == 0


def test_lifting_needs_a_reason_then_ends_the_quarantines(world, login, unit31, today):
    lockdown = apply_lockdown(user=world.health_a, scope="unit", target_id=unit31.unit.pk, start=today)
    client = login(world.health_a)
    url = reverse("epi:lockdown-lift", args=[lockdown.pk])
    page = client.post(url, {"reason": ""}, follow=True).content.decode()
    assert 'class="msg error' in page
    lockdown.refresh_from_db()
    assert lockdown.status == "active"
    client.post(url, {"reason": "all tests negative"})
    lockdown.refresh_from_db()
    assert lockdown.status == "lifted" and lockdown.lift_reason == "all tests negative"
    assert not Quarantine.objects.filter(lockdown=lockdown, status="active").exists()
    assert not Household.objects.filter(exits_held_until__gte=today).exists()


def test_extending_moves_the_last_day_of_the_lockdown_and_its_quarantines(world, login, unit31, today):
    lockdown = apply_lockdown(
        user=world.health_a, scope="unit", target_id=unit31.unit.pk, start=today, days=14
    )
    login(world.health_a).post(
        reverse("epi:lockdown-extend", args=[lockdown.pk]), {"days": "7", "reason": "new case"}
    )
    lockdown.refresh_from_db()
    assert lockdown.ends_on == today + D(days=20)
    assert set(Quarantine.objects.filter(lockdown=lockdown).values_list("planned_end", flat=True)) == {
        lockdown.ends_on
    }


def test_the_lockdown_list_costs_the_same_for_one_or_many(
    world, login, unit31, today, django_assert_max_num_queries
):
    client = login(world.health_a)
    apply_lockdown(user=world.health_a, scope="unit", target_id=unit31.unit.pk, start=today)
    with django_assert_max_num_queries(6):  # +1: the header's open alert count
        client.get(reverse("epi:lockdown-list"))
    apply_lockdown(user=world.health_a, scope="unit", target_id=unit31.next_door.unit_id, start=today)
    apply_lockdown(user=world.health_a, scope="unit", target_id=world.household_a2.unit_id, start=today)
    with django_assert_max_num_queries(6):  # +1: the header's open alert count
        page = client.get(reverse("epi:lockdown-list")).content.decode()
    assert page.count("/epi/lockdowns/") >= 3
