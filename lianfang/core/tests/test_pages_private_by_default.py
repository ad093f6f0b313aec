"""Every page needs a login unless it says otherwise (Django's LoginRequiredMiddleware): a page that forgets
`@login_required` is not public. The pages that must stay public say so with `login_not_required`: the
login and logout pages, the language switch, `/healthz`, the household's secret-link page; the JSON API
answers 401 itself (its own token or session check), the admin sends to its own login page, and static
files are served before any view.
"""

from __future__ import annotations

import pytest

LOGIN = "/accounts/login/"


@pytest.mark.urls("lianfang.core.tests.urls_with_a_new_page")
def test_a_page_without_a_login_decorator_sends_anonymous_visitors_to_the_login_page(client, db):
    response = client.get("/new-page/")

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/new-page/"


@pytest.mark.urls("lianfang.core.tests.urls_with_a_new_page")
def test_a_page_without_a_login_decorator_still_serves_a_logged_in_user(client, world):
    client.force_login(world.staff_a)

    assert client.get("/new-page/").content == b"the numbers of every household"


def test_a_post_to_a_private_page_is_sent_to_the_login_page_too(client, world):
    response = client.post(f"/people/residents/{world.zhang_san.pk}/id-number/")

    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN}?next=")


@pytest.mark.parametrize(
    "url", ["/healthz", LOGIN, "/accounts/logout/", "/api/v1/ping", "/api/v1/openapi.json"]
)
def test_the_public_pages_answer_anonymous_visitors(client, db, url):
    assert client.get(url).status_code == 200


def test_the_household_link_page_answers_without_a_login(client, world):
    from lianfang.access.services import ensure_link_key

    key = ensure_link_key(household=world.household_a1)

    assert client.get(f"/access/h/{key}/").status_code == 200
    assert client.get("/access/h/not-a-key/").status_code == 404


def test_the_api_answers_anonymous_clients_401_in_json_not_a_redirect(client, db):
    response = client.get("/api/v1/areas")

    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


def test_the_language_can_be_switched_before_logging_in(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": LOGIN})

    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert response.cookies["django_language"].value == "en"


def test_the_admin_sends_anonymous_visitors_to_its_own_login_page(client, db):
    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/"
    assert client.get("/admin/login/").status_code == 200


def test_static_files_are_served_without_a_login(client, db):
    response = client.get("/static/css/lianfang.css")

    assert response.status_code == 200
