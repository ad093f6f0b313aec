"""Every epidemic page: anonymous -> login, a role outside READ_EPI -> 404, in scope -> 200, another
community's object -> 404; read-only roles see no buttons and are refused (403) on every POST."""

import pytest
from django.urls import reverse

from lianfang.epi.models import Quarantine
from lianfang.epi.services import apply_lockdown


@pytest.fixture
def objects(world, unit31, facility, case_a1, today):
    lockdown = apply_lockdown(user=world.health_a, scope="unit", target_id=unit31.unit.pk, start=today)
    quarantine = Quarantine.objects.filter(lockdown=lockdown).first()
    return {
        "case": case_a1.pk,
        "lockdown": lockdown.pk,
        "quarantine": quarantine.pk,
        "facility": facility.pk,
        "resident": unit31.residents[1].pk,
    }


LIST_PAGES = [
    "epi:index",
    "epi:home-panel",
    "epi:case-list",
    "epi:case-create",
    "epi:lockdown-list",
    "epi:lockdown-new",
    "epi:quarantine-list",
    "epi:facility-list",
]
OBJECT_PAGES = [
    ("epi:case-detail", "case"),
    ("epi:lockdown-detail", "lockdown"),
    ("epi:quarantine-detail", "quarantine"),
    ("epi:facility-detail", "facility"),
    ("epi:check-create", "resident"),
]
POSTS = [
    ("epi:case-status", "case"),
    ("epi:case-dates", "case"),
    ("epi:contact-confirm", "case"),
    ("epi:contact-dismiss", "case"),
    ("epi:lockdown-lift", "lockdown"),
    ("epi:lockdown-extend", "lockdown"),
    ("epi:quarantine-extend", "quarantine"),
    ("epi:quarantine-shorten", "quarantine"),
    ("epi:quarantine-release", "quarantine"),
    ("epi:quarantine-room", "quarantine"),
]


def urls(objects) -> list[str]:
    return [reverse(n) for n in LIST_PAGES] + [reverse(n, args=[objects[k]]) for n, k in OBJECT_PAGES]


def test_anonymous_visitors_are_sent_to_login_from_every_page(objects, client):
    for url in urls(objects) + [reverse(n, args=[objects[k]]) for n, k in POSTS]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login")), url


def test_the_health_worker_of_the_community_opens_every_page(objects, world, login):
    client = login(world.health_a)
    for url in urls(objects):
        assert client.get(url).status_code == 200, url


def test_community_staff_open_every_page_too(objects, world, login):
    client = login(world.staff_a)
    for url in urls(objects):
        assert client.get(url).status_code == 200, url


def test_another_community_gets_404_for_every_object_and_an_empty_list(objects, world, login):
    client = login(world.staff_b)
    for name, key in OBJECT_PAGES:
        assert client.get(reverse(name, args=[objects[key]])).status_code == 404, name
    for name, key in POSTS:
        assert client.post(reverse(name, args=[objects[key]]), {"reason": "x"}).status_code == 404, name
    assert "张三" not in client.get(reverse("epi:case-list")).content.decode()
    assert "阳光小区" not in client.get(reverse("epi:lockdown-list")).content.decode()
    assert "淮南宾馆" not in client.get(reverse("epi:facility-list")).content.decode()


@pytest.mark.parametrize("persona", ["guard_a", "resident_a"])
def test_roles_outside_epidemic_work_get_404_everywhere(objects, world, login, persona):
    client = login(getattr(world, persona))
    for url in urls(objects):
        assert client.get(url).status_code == 404, url


def test_the_commander_reads_but_cannot_act(objects, world, login):
    client = login(world.commander)
    page = client.get(reverse("epi:case-detail", args=[objects["case"]])).content.decode()
    assert "张三" in page
    assert reverse("epi:contact-confirm", args=[objects["case"]]) not in page
    assert client.get(reverse("epi:case-create")).status_code == 403
    assert client.get(reverse("epi:lockdown-new")).status_code == 403
    for name, key in POSTS:
        assert client.post(reverse(name, args=[objects[key]]), {"reason": "x"}).status_code == 403, name


def test_the_grid_worker_sees_the_cases_of_the_grid_only(objects, world, login):
    client = login(world.grid_a1_worker)
    assert client.get(reverse("epi:case-detail", args=[objects["case"]])).status_code == 200
    assert client.get(reverse("epi:case-list")).status_code == 200
    # Lockdowns and facilities are community matters: a grid worker does not see them.
    assert client.get(reverse("epi:lockdown-detail", args=[objects["lockdown"]])).status_code == 404
    assert client.get(reverse("epi:facility-detail", args=[objects["facility"]])).status_code == 404


def test_edit_actions_answer_only_to_post(objects, world, login):
    client = login(world.health_a)
    for name, key in POSTS:
        assert client.get(reverse(name, args=[objects[key]])).status_code == 405, name
    assert client.get(reverse("epi:lockdown-apply")).status_code == 405
