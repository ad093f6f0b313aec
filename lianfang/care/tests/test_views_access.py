"""Every care page: anonymous -> login; in scope -> 200; another community, or another grid's worker ->
404 for every object and empty lists; roles outside care -> 404; command reads but every POST is 403;
a volunteer sees only the errands assigned to them."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse

from lianfang.care.models import CareTeam, Errand
from lianfang.care.services import assign_errand, raise_errand
from lianfang.care.tests.conftest import make_user
from lianfang.core.roles import Role


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def objects(world, held_a1, today):
    CareTeam.objects.filter(pk=held_a1.team.pk).update(started=today - datetime.timedelta(days=1))
    errand = raise_errand(
        user=world.grid_a1_worker, household=held_a1.household, category="vegetables", details="白菜两棵"
    )
    return {"household": held_a1.household.pk, "errand": errand.pk}


LIST_PAGES = ["care:board", "care:errand-list", "care:disinfection", "care:kits", "care:response-times"]
OBJECT_PAGES = [("care:household", "household"), ("care:errand-detail", "errand")]
OBJECT_POSTS = [
    ("care:call-record", "household"),
    ("care:team-member", "household"),
    ("care:errand-create", "household"),
    ("care:errand-assign", "errand"),
    ("care:errand-start", "errand"),
    ("care:errand-deliver", "errand"),
    ("care:errand-cancel", "errand"),
]
LIST_POSTS = ["care:disinfection-record", "care:kit-deliver"]


def pages(objects) -> list[str]:
    return [reverse(n) for n in LIST_PAGES] + [reverse(n, args=[objects[k]]) for n, k in OBJECT_PAGES]


def posts(objects) -> list[str]:
    return [reverse(n) for n in LIST_POSTS] + [reverse(n, args=[objects[k]]) for n, k in OBJECT_POSTS]


def test_anonymous_visitors_are_sent_to_login_from_every_page(objects, client):
    for url in pages(objects) + posts(objects):
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("accounts:login")), url


@pytest.mark.parametrize("persona", ["grid_a1_worker", "staff_a", "health_a", "commander"])
def test_care_staff_in_scope_open_every_page(objects, world, login, persona):
    client = login(getattr(world, persona))
    for url in pages(objects):
        assert client.get(url).status_code == 200, url


def test_another_community_gets_404_for_every_object_and_sees_nothing(objects, world, login):
    client = login(world.staff_b)
    for name, key in OBJECT_PAGES:
        assert client.get(reverse(name, args=[objects[key]])).status_code == 404, name
    for name, key in OBJECT_POSTS:
        assert client.post(reverse(name, args=[objects[key]])).status_code == 404, name
    board = client.get(reverse("care:board")).content.decode()
    assert "3栋1单元101" not in board
    assert "白菜" not in client.get(reverse("care:errand-list") + "?show=all").content.decode()
    assert "3栋1单元101" not in client.get(reverse("care:kits")).content.decode()


def test_another_grids_worker_sees_none_of_it(objects, world, login):
    other = make_user("grid_a2", Role.GRID, grid=world.grid_a2)
    client = login(other)
    for name, key in OBJECT_PAGES:
        assert client.get(reverse(name, args=[objects[key]])).status_code == 404, name
    for name, key in OBJECT_POSTS:
        assert client.post(reverse(name, args=[objects[key]])).status_code == 404, name
    for url in [reverse(n) for n in LIST_PAGES] + [reverse("home")]:
        page = client.get(url).content.decode()
        assert "3栋1单元101" not in page and "白菜" not in page, url
    assert 'data-test="n-overdue">0<' in client.get(reverse("home")).content.decode()


def test_the_commander_reads_but_every_post_is_refused(objects, world, login):
    client = login(world.commander)
    page = client.get(reverse("care:household", args=[objects["household"]])).content.decode()
    assert 'data-test="call-form"' not in page
    for url in posts(objects):
        assert client.post(url).status_code == 403, url
    assert Errand.objects.get().status == "new"


@pytest.mark.parametrize("persona", ["guard_a", "resident_a"])
def test_roles_outside_care_get_404_everywhere(objects, world, login, persona):
    client = login(getattr(world, persona))
    for url in pages(objects) + posts(objects):
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url).status_code == 404, url


def test_a_volunteer_sees_only_the_errands_assigned_to_them(objects, world, login, volunteer_a):
    client = login(volunteer_a)
    errand_url = reverse("care:errand-detail", args=[objects["errand"]])
    assert client.get(errand_url).status_code == 404
    assert "白菜" not in client.get(reverse("care:errand-list") + "?show=all").content.decode()
    for name in ("care:board", "care:disinfection", "care:kits", "care:response-times"):
        assert client.get(reverse(name)).status_code == 404, name
    assert client.get(reverse("care:household", args=[objects["household"]])).status_code == 404
    assign_errand(user=world.grid_a1_worker, errand=Errand.objects.get(), assignee=volunteer_a)
    page = client.get(errand_url).content.decode()
    assert "白菜两棵" in page and 'data-test="deliver"' in page and 'data-test="assign"' not in page
    assert client.post(reverse("care:errand-assign", args=[objects["errand"]])).status_code == 404
    assert client.post(reverse("care:errand-cancel", args=[objects["errand"]])).status_code == 404
    assert "白菜" in client.get(reverse("home")).content.decode()
