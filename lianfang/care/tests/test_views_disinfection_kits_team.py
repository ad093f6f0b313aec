"""Disinfection today (a building of a quarantined household is red until logged, then green; twice a
day refused), kits (the household waits until its kit is delivered) and changing a team member (community
staff only)."""

import pytest
from django.conf import settings
from django.urls import reverse

from lianfang.care.models import CareTeamMember, Disinfection, KitDelivery, TeamRole
from lianfang.care.tests.conftest import make_user
from lianfang.core.roles import Role


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def test_a_building_is_red_until_disinfected_then_green_and_twice_is_refused(world, login, held_a1):
    building = held_a1.household.unit.building
    client = login(world.grid_a1_worker)
    page = client.get(reverse("care:disinfection")).content.decode()
    assert f'<li class="red" data-building="{building.pk}">' in page
    client.post(reverse("care:disinfection-record"), {"building": building.pk, "areas": "楼道, 电梯"})
    page = client.get(reverse("care:disinfection")).content.decode()
    assert f'<li class="green" data-building="{building.pk}">' in page
    page = client.post(
        reverse("care:disinfection-record"), {"building": building.pk}, follow=True
    ).content.decode()
    assert "already disinfected" in page
    assert Disinfection.objects.get().areas == "楼道, 电梯"


def test_another_grids_building_is_a_404(world, login, held_a1):
    other = make_user("grid_a2", Role.GRID, grid=world.grid_a2)
    building = held_a1.household.unit.building
    assert (
        login(other).post(reverse("care:disinfection-record"), {"building": building.pk}).status_code == 404
    )
    assert not Disinfection.objects.exists()


def test_a_household_waits_for_its_kit_until_it_is_delivered(world, login, held_a1, kit_stock):
    client = login(world.grid_a1_worker)
    page = client.get(reverse("care:kits")).content.decode()
    assert f'data-household="{held_a1.household.pk}"' in page
    client.post(reverse("care:kit-deliver"), {"household": held_a1.household.pk})
    delivery = KitDelivery.objects.get()
    assert len(delivery.items.splitlines()) == 9
    page = client.get(reverse("care:kits")).content.decode()
    assert f'data-household="{held_a1.household.pk}"' not in page
    page = client.get(reverse("care:household", args=[held_a1.household.pk])).content.decode()
    assert 'data-test="kits"' in page


def test_community_staff_change_a_team_member_and_a_grid_worker_may_not(world, login, held_a1):
    other_health = make_user("health_a2", Role.HEALTH, area=world.community_a)
    url = reverse("care:team-member", args=[held_a1.household.pk])
    data = {"role": TeamRole.HEALTH, "user": other_health.pk}
    assert login(world.grid_a1_worker).post(url, data).status_code == 403
    assert CareTeamMember.objects.get(team=held_a1.team, role=TeamRole.HEALTH).user == world.health_a
    page = login(world.staff_a).get(reverse("care:household", args=[held_a1.household.pk])).content.decode()
    assert f'value="{other_health.pk}"' in page
    login(world.staff_a).post(url, data)
    assert CareTeamMember.objects.get(team=held_a1.team, role=TeamRole.HEALTH).user == other_health
