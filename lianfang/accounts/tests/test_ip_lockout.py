import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from lianfang.accounts.models import LoginFailure
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
    assert LoginFailure.objects.filter(ip="203.0.113.7").count() == 20
    response = post_login(client, "staff_a", PASSWORD)
    assert response.status_code == 429
    assert ADDRESS_MESSAGE in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_other_addresses_can_still_log_in(world, client):
    spray(client)
    assert post_login(client, "staff_a", PASSWORD, ip="198.51.100.1").status_code == 302


def test_the_address_lock_ends_after_the_window(world, client, monkeypatch):
    spray(client)
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + datetime.timedelta(minutes=16))
    assert post_login(client, "staff_a", PASSWORD).status_code == 302


def test_logging_in_to_an_own_account_does_not_reset_the_address_count(world, client):
    for i in range(settings.LOGIN_FAILURE_IP_LIMIT - 1):
        post_login(client, f"guess{i}", "wrong")
    assert post_login(client, "staff_b", PASSWORD).status_code == 302
    client.logout()
    client.cookies["django_language"] = "en"
    post_login(client, "guess-last", "wrong")
    assert ADDRESS_MESSAGE in post_login(client, "staff_a", PASSWORD).content.decode()
