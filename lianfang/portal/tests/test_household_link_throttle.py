"""Guessing secret links is throttled per client address (portal/views.py): LINK_GUESS_LIMIT (20)
wrong keys within LINK_GUESS_MINUTES (15) and the address gets 429 for every link until the window ends,
with a message in Chinese; right keys are never counted."""

import datetime

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from lianfang.access.services import ensure_link_key

ADDRESS = "203.0.113.7"


def link(key: str) -> str:
    return reverse("access:household-link", args=[key])


@pytest.fixture
def key_a1(world, passes):
    return ensure_link_key(household=world.household_a1)


def guess(client, n=20, ip=ADDRESS):
    return [client.get(link(f"guess{i:04d}abcdefghijkl"), REMOTE_ADDR=ip).status_code for i in range(n)]


def test_twenty_wrong_links_block_the_address_even_for_the_right_link(key_a1, client):
    assert guess(client) == [404] * 20
    response = client.get(link(key_a1), REMOTE_ADDR=ADDRESS)
    assert response.status_code == 429
    assert "打开错误链接次数过多" in response.content.decode()
    assert 0 < int(response["Retry-After"]) <= 15 * 60
    assert client.get(link("another-wrong-one"), REMOTE_ADDR=ADDRESS).status_code == 429


def test_the_message_is_in_english_when_asked(key_a1, client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    guess(client)
    page = client.get(link(key_a1), REMOTE_ADDR=ADDRESS).content.decode()
    assert "Too many wrong links from your network address. Try again in 15 minutes." in page


def test_other_addresses_still_open_their_link(key_a1, client):
    guess(client)
    assert client.get(link(key_a1), REMOTE_ADDR="198.51.100.1").status_code == 200


def test_right_links_are_never_counted(key_a1, client):
    for _ in range(30):
        assert client.get(link(key_a1), REMOTE_ADDR=ADDRESS).status_code == 200


def test_the_block_ends_with_the_window(key_a1, client, time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC), tick=False)
    guess(client)
    time_machine.move_to(datetime.datetime(2026, 3, 1, 9, 14, tzinfo=datetime.UTC), tick=False)
    assert client.get(link(key_a1), REMOTE_ADDR=ADDRESS).status_code == 429
    time_machine.move_to(datetime.datetime(2026, 3, 1, 9, 16, tzinfo=datetime.UTC), tick=False)
    assert client.get(link(key_a1), REMOTE_ADDR=ADDRESS).status_code == 200


@override_settings(LINK_GUESS_LIMIT=3)
def test_posts_count_too_and_the_limit_comes_from_the_settings(key_a1, client):
    for i in range(3):
        assert client.post(link(f"wrong{i}"), {"temperature": "36.5"}, REMOTE_ADDR=ADDRESS).status_code == 404
    assert client.post(link(key_a1), {"temperature": "36.5"}, REMOTE_ADDR=ADDRESS).status_code == 429
