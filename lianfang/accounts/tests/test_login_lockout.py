"""The account lockout on the login page (accounts/lockout.py): five failures lock it for 15 minutes."""

import datetime

from axes.models import AccessAttempt
from django.urls import reverse
from django.utils.html import escape

from lianfang.accounts.lockout import account_locked_until
from lianfang.conftest import PASSWORD

LOCK_MESSAGE = "Too many failed logins: this account is locked. Try again in 15 minutes."


def post_login(client, username, password, **extra):
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, **extra)


def fail_five_times(client, username="staff_a"):
    for _ in range(5):
        post_login(client, username, "wrong-password")


def failures(username):
    return sum(AccessAttempt.objects.filter(username=username).values_list("failures_since_start", flat=True))


def test_a_wrong_password_says_so_and_is_counted(world, client):
    response = post_login(client, "staff_a", "wrong-password")
    assert response.status_code == 400
    assert "Wrong username or password." in response.content.decode()
    assert failures("staff_a") == 1
    assert "_auth_user_id" not in client.session


def test_five_wrong_passwords_lock_the_account(world, client):
    for _ in range(4):
        assert post_login(client, "staff_a", "wrong-password").status_code == 400
    response = post_login(client, "staff_a", "wrong-password")
    assert response.status_code == 429
    assert escape(LOCK_MESSAGE) in response.content.decode()
    assert account_locked_until("staff_a") is not None


def test_the_lock_message_is_in_chinese_by_default(world, client):
    del client.cookies["django_language"]
    fail_five_times(client)
    response = post_login(client, "staff_a", PASSWORD)
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()


def test_the_right_password_is_refused_during_the_lock_with_the_time_left(world, client):
    fail_five_times(client)
    response = post_login(client, "staff_a", PASSWORD)
    assert response.status_code == 429
    assert escape(LOCK_MESSAGE) in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_refused_attempts_during_the_lock_do_not_extend_it(world, client):
    fail_five_times(client)
    locked_until = account_locked_until("staff_a")
    post_login(client, "staff_a", "still-wrong")
    assert failures("staff_a") == 5
    assert account_locked_until("staff_a") == locked_until


def test_the_message_counts_down_the_minutes(world, client, time_machine):
    time_machine.move_to(datetime.datetime(2026, 2, 10, 9, 0, tzinfo=datetime.UTC), tick=False)
    fail_five_times(client)
    time_machine.move_to(datetime.datetime(2026, 2, 10, 9, 10, tzinfo=datetime.UTC), tick=False)
    response = post_login(client, "staff_a", PASSWORD)
    assert "Try again in 5 minutes." in response.content.decode()


def test_login_works_again_after_the_lock_window(world, client, time_machine):
    time_machine.move_to(datetime.datetime(2026, 2, 10, 9, 0, tzinfo=datetime.UTC), tick=False)
    fail_five_times(client)
    time_machine.move_to(datetime.datetime(2026, 2, 10, 9, 16, tzinfo=datetime.UTC), tick=False)
    response = post_login(client, "staff_a", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(world.staff_a.pk)
    assert failures("staff_a") == 0
    assert account_locked_until("staff_a") is None


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
