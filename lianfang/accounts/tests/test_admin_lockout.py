"""The admin's login page shares the lockout of the login page (accounts/lockout.py, django-axes)."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import authenticate
from django.urls import reverse
from django.utils.html import escape

from lianfang.accounts.lockout import account_locked_until
from lianfang.accounts.models import User
from lianfang.conftest import PASSWORD

LOCK_MESSAGE = "Too many failed logins: this account is locked. Try again in 15 minutes."
ROOT_PASSWORD = "x-Root-2026"


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser(username="root", password=ROOT_PASSWORD, email="")


def admin_login(client, username, password):
    return client.post(
        reverse("admin:login"), {"username": username, "password": password, "next": reverse("admin:index")}
    )


def test_thirty_wrong_admin_passwords_are_refused_and_lock_the_account(superuser, client):
    answers = [admin_login(client, "root", f"guess-{i}").status_code for i in range(30)]
    assert answers[:4] == [200] * 4  # the admin's own "enter the correct username and password"
    assert answers[4:] == [429] * 26
    assert account_locked_until("root") is not None
    response = admin_login(client, "root", ROOT_PASSWORD)
    assert response.status_code == 429
    assert escape(LOCK_MESSAGE) in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_account_locked_on_the_login_page_cannot_log_in_through_the_admin(world, superuser, client):
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "root", "password": "wrong"})
    response = admin_login(client, "root", ROOT_PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("admin:index")).status_code == 302


def test_failures_at_the_admin_count_on_the_login_page(world, client):
    for _ in range(5):
        admin_login(client, "staff_a", "wrong")
    response = client.post(reverse("accounts:login"), {"username": "staff_a", "password": PASSWORD})
    assert response.status_code == 429
    assert escape(LOCK_MESSAGE) in response.content.decode()


def test_the_admin_lock_page_is_in_chinese_by_default(superuser, client):
    del client.cookies["django_language"]
    for i in range(5):
        admin_login(client, "root", f"guess-{i}")
    response = admin_login(client, "root", ROOT_PASSWORD)
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()


def test_logins_without_a_request_are_left_to_the_password_check(world):
    """Django's test client and management code call authenticate() without a request: no lockout there,
    and no AxesBackendRequestParameterRequired either."""
    assert authenticate(username="staff_a", password=PASSWORD) == world.staff_a
    assert authenticate(username="staff_a", password="wrong") is None


def test_a_username_too_long_for_any_account_is_refused_and_counted_not_a_server_error(client, db):
    for _ in range(2):
        response = client.post("/admin/login/", {"username": "x" * 5000, "password": "wrong"})
        assert response.status_code == 200  # the login form again, with its message
    attempt = AccessAttempt.objects.get()
    assert attempt.username == "x" * 150 and attempt.failures_since_start == 2


def test_an_overlong_username_at_the_admins_login_is_refused_and_counted_not_a_server_error(db, client):
    long_name = "x" * 5000
    assert admin_login(client, long_name, "guess").status_code == 200
    assert account_locked_until(long_name[:150]) is None  # one failure counted, under the cut name
    for _ in range(4):
        admin_login(client, long_name, "guess")
    assert admin_login(client, long_name, "guess").status_code == 429
