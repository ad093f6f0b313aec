import pytest
from django.conf import settings
from django.urls import reverse

from lianfang.conftest import add_communities


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def test_anonymous_is_sent_to_login(world, client):
    for url in (reverse("places:area-list"), reverse("places:area-detail", args=["340403001001"])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_the_area_list_starts_at_the_users_scope(world, login):
    page = login(world.staff_a).get(reverse("places:area-list")).content.decode()
    assert "A社区" in page
    assert "B社区" not in page
    assert "淮南市" not in page


def test_the_commander_drills_down_from_city_to_community(world, login):
    client = login(world.commander)
    assert "淮南市" in client.get(reverse("places:area-list")).content.decode()
    assert "田家庵区" in client.get(reverse("places:area-detail", args=["340400"])).content.decode()
    assert "舜耕镇" in client.get(reverse("places:area-detail", args=["340403"])).content.decode()
    street = client.get(reverse("places:area-detail", args=["340403001000"])).content.decode()
    assert "A社区" in street and "B社区" in street
    community = client.get(reverse("places:area-detail", args=["340403001001"])).content.decode()
    assert "阳光小区" in community
    assert "第一网格" in community and "第二网格" in community


def test_area_counts_are_households_residents_and_vulnerable(world, login):
    page = login(world.commander).get(reverse("places:area-detail", args=["340403001000"])).content.decode()
    # A: 2 households, 2 residents, 2 vulnerable; B: 1, 1, 0
    assert '<td class="num">2</td><td class="num">2</td><td class="num">2</td>' in page
    assert '<td class="num">1</td><td class="num">1</td><td class="num">0</td>' in page


def test_community_staff_cannot_open_another_community(world, login):
    client = login(world.staff_b)
    assert client.get(reverse("places:area-detail", args=["340403001001"])).status_code == 404
    assert client.get(reverse("places:area-detail", args=["340403001000"])).status_code == 404


def test_an_unknown_area_is_404(world, login):
    assert login(world.commander).get(reverse("places:area-detail", args=["999999"])).status_code == 404


def test_breadcrumbs_stop_at_the_users_scope(world, login):
    page = login(world.staff_a).get(reverse("places:area-detail", args=["340403001001"])).content.decode()
    assert reverse("places:area-detail", args=["340403001000"]) not in page


def test_guards_and_residents_have_no_places_pages(world, login):
    for user in (world.guard_a, world.resident_a):
        client = login(user)
        assert client.get(reverse("places:area-list")).status_code == 404
        assert client.get(reverse("places:area-detail", args=["340403001001"])).status_code == 404


def test_area_pages_cost_the_same_for_more_children(world, login, django_assert_max_num_queries):
    client = login(world.commander)
    add_communities(world, 6)
    # Session, user, the user's area, the area, the last counted day, its counts, its children, theirs (one
    # query for all), the breadcrumbs, the header's open alert count.
    with django_assert_max_num_queries(10):
        response = client.get(reverse("places:area-detail", args=["340403001000"]))
    assert "社区8" in response.content.decode()
    # Session, user, the user's area, the areas, the last counted day, their counts, the open alert count.
    with django_assert_max_num_queries(7):
        client.get(reverse("places:area-list"))
