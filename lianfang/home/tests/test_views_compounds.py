import pytest
from django.conf import settings
from django.urls import reverse

from lianfang.places.services import ensure_household


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def test_anonymous_is_sent_to_login(world, client):
    for url in (
        reverse("places:compound-detail", args=[world.compound_a.pk]),
        reverse("places:building-detail", args=[world.household_a1.unit.building_id]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_compound_shows_gates_open_and_closed_and_buildings_with_counts(world, login):
    response = login(world.staff_a).get(reverse("places:compound-detail", args=[world.compound_a.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "东门" in page and "西门" in page
    assert '<span class="badge ok">open</span>' in page
    assert '<span class="badge closed">closed</span>' in page
    assert "Building 3" in page and "Building 5" in page


def test_staff_of_another_community_get_404(world, login):
    client = login(world.staff_b)
    assert client.get(reverse("places:compound-detail", args=[world.compound_a.pk])).status_code == 404
    building = world.household_a1.unit.building_id
    assert client.get(reverse("places:building-detail", args=[building])).status_code == 404


def test_grid_worker_sees_only_their_grids_buildings(world, login):
    client = login(world.grid_a1_worker)
    page = client.get(reverse("places:compound-detail", args=[world.compound_a.pk])).content.decode()
    assert "Building 3" in page
    assert "Building 5" not in page
    other = world.household_a2.unit.building_id
    assert client.get(reverse("places:building-detail", args=[other])).status_code == 404


def test_building_lists_its_households(world, login):
    ensure_household(compound=world.compound_a, building="3", unit="2", room="402")
    building = world.household_a1.unit.building_id
    page = login(world.staff_a).get(reverse("places:building-detail", args=[building])).content.decode()
    assert "3栋1单元101" in page and "3栋2单元402" in page
    assert reverse("places:household-detail", args=[world.household_a1.pk]) in page


def test_compound_query_count_does_not_grow_with_buildings(world, login, django_assert_max_num_queries):
    for n in range(10, 20):
        ensure_household(compound=world.compound_a, building=str(n), unit="1", room="101")
    client = login(world.staff_a)
    with django_assert_max_num_queries(8):  # +1: the header's open alert count
        response = client.get(reverse("places:compound-detail", args=[world.compound_a.pk]))
    assert "Building 19" in response.content.decode()
