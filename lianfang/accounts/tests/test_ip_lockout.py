"""The address lockout (accounts/lockout.py): 20 failures from one address, whatever the usernames."""

import datetime

from axes.models import AccessAttempt
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from lianfang.conftest import PASSWORD

ADDRESS_MESSAGE = "Too many failed logins from your network address. Try again in 15 minutes."


def post_login(client, username, password, ip="203.0.113.7"):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def spray(client, ip="203.0.113.7"):
    """One wrong password each for many usernames: no account reaches its own limit."""
    for i in range(settings.LOGIN_FAILURE_IP_LIMIT):
        post_login(client, f"guess{i}", "wrong", ip=ip)


def test_twenty_failures_from_one_address_lock_that_address(world, client):
    spray(client)
    assert AccessAttempt.objects.filter(ip_address="203.0.113.7").count() == 20
    response = post_login(client, "staff_a", PASSWORD)
    assert response.status_code == 429
    assert ADDRESS_MESSAGE in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_other_addresses_can_still_log_in(world, client):
    spray(client)
    assert post_login(client, "staff_a", PASSWORD, ip="198.51.100.1").status_code == 302


def test_the_address_lock_ends_after_the_window(world, client, time_machine):
    time_machine.move_to(datetime.datetime(2026, 2, 10, 9, 0, tzinfo=datetime.UTC), tick=False)
    spray(client)
    time_machine.move_to(datetime.datetime(2026, 2, 10, 9, 16, tzinfo=datetime.UTC), tick=False)
    assert post_login(client, "staff_a", PASSWORD).status_code == 302


def test_logging_in_to_an_own_account_does_not_reset_the_address_count(world, client):
    for i in range(settings.LOGIN_FAILURE_IP_LIMIT - 1):
        post_login(client, f"guess{i}", "wrong")
    assert post_login(client, "staff_b", PASSWORD).status_code == 302
    client.logout()
    client.cookies["django_language"] = "en"
    post_login(client, "guess-last", "wrong")
    assert ADDRESS_MESSAGE in post_login(client, "staff_a", PASSWORD).content.decode()


@override_settings(LIANFANG_TRUSTED_PROXIES=1)
def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(world, client):
    """A client cannot escape the address lock by writing its own X-Forwarded-For entries."""
    for i in range(settings.LOGIN_FAILURE_IP_LIMIT):
        client.post(
            reverse("accounts:login"),
            {"username": f"guess{i}", "password": "wrong"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{i}, 203.0.113.7",
        )
    response = client.post(
        reverse("accounts:login"),
        {"username": "staff_a", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.9, 203.0.113.7",
    )
    assert response.status_code == 429
    assert ADDRESS_MESSAGE in response.content.decode()
    other = client.post(
        reverse("accounts:login"),
        {"username": "staff_a", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.9",
    )
    assert other.status_code == 302
