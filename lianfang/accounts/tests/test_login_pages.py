from axes.models import AccessAttempt
from django.urls import reverse

from lianfang.conftest import PASSWORD


def test_anonymous_visitors_are_sent_to_the_login_page(world, client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_login_page_shows_a_form(db, client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert 'name="username"' in response.content.decode()
    assert 'name="password"' in response.content.decode()


def test_logging_in_goes_to_the_page_asked_for(world, client):
    target = reverse("people:search")
    response = client.post(
        reverse("accounts:login") + f"?next={target}",
        {"username": "staff_a", "password": PASSWORD, "next": target},
    )
    assert response.status_code == 302
    assert response["Location"] == target


def test_a_next_address_on_another_site_is_ignored(world, client):
    response = client.post(
        reverse("accounts:login"),
        {"username": "staff_a", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("home")


def test_an_empty_form_is_refused_without_counting_a_failure(world, client):
    response = client.post(reverse("accounts:login"), {"username": "", "password": ""})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert AccessAttempt.objects.count() == 0


def test_an_inactive_account_cannot_log_in(world, client):
    world.staff_a.is_active = False
    world.staff_a.save()
    response = client.post(reverse("accounts:login"), {"username": "staff_a", "password": PASSWORD})
    assert "Wrong username or password." in response.content.decode()


def test_logout_needs_a_post_and_ends_the_session(world, login):
    client = login(world.staff_a)
    assert client.get(reverse("accounts:logout")).status_code == 200
    assert "_auth_user_id" in client.session
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session
