from django.urls import reverse

from lianfang.conftest import PASSWORD

NEW_PASSWORD = "Sunny-gate-4471"


def test_anonymous_cannot_open_the_password_page(db, client):
    response = client.get(reverse("accounts:password-change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_password_page_shows_a_form(world, login):
    response = login(world.staff_a).get(reverse("accounts:password-change"))
    assert response.status_code == 200
    assert 'name="old_password"' in response.content.decode()


def test_changing_the_password_keeps_the_session_and_retires_the_old_password(world, login):
    client = login(world.staff_a)
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200  # still logged in
    client.post(reverse("accounts:logout"))
    old = client.post(reverse("accounts:login"), {"username": "staff_a", "password": PASSWORD})
    assert old.status_code == 400
    new = client.post(reverse("accounts:login"), {"username": "staff_a", "password": NEW_PASSWORD})
    assert new.status_code == 302


def test_a_wrong_old_password_changes_nothing(world, login):
    client = login(world.staff_a)
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": "not-it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "Your old password was entered incorrectly." in response.content.decode()
    world.staff_a.refresh_from_db()
    assert world.staff_a.check_password(PASSWORD)


def test_a_weak_new_password_is_refused(world, login):
    client = login(world.staff_a)
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    assert "This password is entirely numeric." in response.content.decode()
    world.staff_a.refresh_from_db()
    assert world.staff_a.check_password(PASSWORD)
