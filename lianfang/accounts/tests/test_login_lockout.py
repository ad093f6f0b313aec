import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from lianfang.accounts.models import LoginFailure, User
from lianfang.conftest import PASSWORD

LOCK_MESSAGE = "Too many failed logins: this account is locked. Try again in 15 minutes."


def post_login(client, username, password, **extra):
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, **extra)


def fail_five_times(client, username="staff_a"):
    for _ in range(5):
        post_login(client, username, "wrong-password")


def shift_clock(monkeypatch, minutes):
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + datetime.timedelta(minutes=minutes))


def test_a_wrong_password_says_so_and_is_counted(world, client):
    response = post_login(client, "staff_a", "wrong-password")
    assert response.status_code == 400
    assert "Wrong username or password." in response.content.decode()
    assert LoginFailure.objects.filter(username="staff_a").count() == 1
    assert "_auth_user_id" not in client.session


def test_five_wrong_passwords_lock_the_account(world, client):
    for _ in range(4):
        assert post_login(client, "staff_a", "wrong-password").status_code == 400
    response = post_login(client, "staff_a", "wrong-password")
    assert response.status_code == 429
    assert escape(LOCK_MESSAGE) in response.content.decode()
    assert User.objects.get(username="staff_a").is_locked()


def test_the_right_password_is_refused_during_the_lock_with_the_time_left(world, client):
    fail_five_times(client)
    response = post_login(client, "staff_a", PASSWORD)
    assert response.status_code == 429
    assert escape(LOCK_MESSAGE) in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_refused_attempts_during_the_lock_do_not_extend_it(world, client):
    fail_five_times(client)
    locked_until = User.objects.get(username="staff_a").locked_until
    post_login(client, "staff_a", "still-wrong")
    assert LoginFailure.objects.filter(username="staff_a").count() == 5
    assert User.objects.get(username="staff_a").locked_until == locked_until


def test_the_message_counts_down_the_minutes(world, client, monkeypatch):
    fail_five_times(client)
    shift_clock(monkeypatch, 10)
    response = post_login(client, "staff_a", PASSWORD)
    assert "Try again in 5 minutes." in response.content.decode()


def test_login_works_again_after_the_lock_window(world, client, monkeypatch):
    fail_five_times(client)
    shift_clock(monkeypatch, 16)
    response = post_login(client, "staff_a", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(world.staff_a.pk)
    assert LoginFailure.objects.filter(username="staff_a").count() == 0
    assert User.objects.get(username="staff_a").locked_until is None


def test_a_successful_login_forgets_earlier_failures(world, client):
    for _ in range(4):
        post_login(client, "staff_a", "wrong-password")
    assert post_login(client, "staff_a", PASSWORD).status_code == 302
    client.logout()
    client.cookies["django_language"] = "en"
    for _ in range(4):
        assert post_login(client, "staff_a", "wrong-password").status_code == 400


def test_other_accounts_are_not_locked_by_someone_elses_failures(world, client):
    fail_five_times(client, "staff_a")
    assert post_login(client, "staff_b", PASSWORD).status_code == 302


def test_unknown_usernames_lock_like_real_ones(world, client):
    fail_five_times(client, "no-such-user")
    response = post_login(client, "no-such-user", "anything")
    assert escape(LOCK_MESSAGE) in response.content.decode()
