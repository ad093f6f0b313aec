"""Drilling down: the dashboard of any area (or grid) in the user's scope opens; one outside it answers 404
exactly like one that does not exist. The command centre's home is the dashboard of its area; community
staff and health workers open their community's, a grid worker their grid's; other roles have none."""

import pytest
from django.urls import reverse

from lianfang.accounts.models import User
from lianfang.core.roles import Role


def area(a) -> str:
    return reverse("dashboard:area", args=[a.code])


def grid(g) -> str:
    return reverse("dashboard:grid", args=[g.pk])


@pytest.fixture
def street_commander(world):
    return User.objects.create_user(username="street_cmd", password="x", role=Role.COMMAND, area=world.street)


def test_the_commanders_home_is_the_dashboard_of_the_city(world, login):
    response = login(world.commander).get(reverse("home"))

    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "home/dashboard.html"
    assert response.context["node"].path == world.city.path
    assert [r["node"].name for r in response.context["children"]] == ["田家庵区"]


def test_the_commander_drills_down_to_a_district_a_street_a_community_and_a_grid(world, login):
    client = login(world.commander)

    district = client.get(area(world.district))
    street = client.get(area(world.street))
    community = client.get(area(world.community_a))
    first_grid = client.get(grid(world.grid_a1))

    assert [r["node"].name for r in district.context["children"]] == ["舜耕镇"]
    assert [r["node"].name for r in street.context["children"]] == ["A社区", "B社区"]
    assert [r["node"].name for r in community.context["children"]] == ["第一网格", "第二网格"]
    assert first_grid.context["node"].path == f"{world.community_a.path}g{world.grid_a1.pk}."
    assert [b.name for b in first_grid.context["breadcrumbs"]] == ["淮南市", "田家庵区", "舜耕镇", "A社区"]
    links = street.content.decode()
    assert area(world.community_a) in links and area(world.community_b) in links


def test_a_street_commanders_home_is_the_street_and_the_areas_above_it_are_not_found(
    world, login, street_commander
):
    client = login(street_commander)

    assert client.get(reverse("home")).context["node"].path == world.street.path
    assert client.get(area(world.community_b)).status_code == 200
    assert client.get(area(world.district)).status_code == 404
    assert client.get(area(world.city)).status_code == 404
    assert client.get(reverse("home")).context["breadcrumbs"] == []


def test_community_staff_open_their_community_and_its_grids_but_not_another_community(world, login):
    client = login(world.staff_a)

    assert client.get(reverse("dashboard:mine")).context["node"].path == world.community_a.path
    assert client.get(area(world.community_a)).status_code == 200
    assert client.get(grid(world.grid_a2)).status_code == 200
    assert client.get(area(world.community_b)).status_code == 404
    assert client.get(area(world.street)).status_code == 404
    assert login(world.health_a).get(area(world.community_a)).status_code == 200


def test_a_grid_worker_opens_their_grid_only(world, login):
    client = login(world.grid_a1_worker)

    mine = client.get(reverse("dashboard:mine"))
    assert mine.status_code == 200 and mine.context["node"].grid_id == world.grid_a1.pk
    assert client.get(grid(world.grid_a1)).status_code == 200
    assert client.get(grid(world.grid_a2)).status_code == 404
    assert client.get(area(world.community_a)).status_code == 404  # the community's figures are not theirs


@pytest.mark.parametrize("persona", ["guard_a", "resident_a"])
def test_roles_without_a_dashboard_get_404(world, login, persona):
    client = login(getattr(world, persona))

    assert client.get(reverse("dashboard:mine")).status_code == 404
    assert client.get(area(world.community_a)).status_code == 404
    assert client.get(grid(world.grid_a1)).status_code == 404


def test_an_area_or_grid_that_does_not_exist_is_not_found(world, login):
    client = login(world.commander)

    assert client.get(reverse("dashboard:area", args=["999999"])).status_code == 404
    assert client.get(reverse("dashboard:grid", args=[987654])).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login_page(world, client):
    response = client.get(area(world.city))

    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_a_commander_without_an_area_sees_a_note_instead_of_a_dashboard(world, login):
    lost = User.objects.create_user(username="lost_cmd", password="x", role=Role.COMMAND)

    response = login(lost).get(reverse("home"))

    assert response.status_code == 200 and response.context["node"] is None
    assert 'data-test="dashboard"' not in response.content.decode()
    assert login(lost).get(reverse("dashboard:mine")).status_code == 404
