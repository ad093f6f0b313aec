"""After the household's release from quarantine its secret link shows only "released on ... — thank you"
(no pass QR, no self-report, no errands; posts change nothing), and LINK_DAYS_AFTER_RELEASE (7) days after
the release it is gone (410). portal/views.py."""

import datetime

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from lianfang.access.services import ensure_link_key
from lianfang.care.models import Errand
from lianfang.epi.models import HealthCheck, QuarantineKind, QuarantineReason
from lianfang.epi.services import release_quarantine, start_quarantine

START = datetime.date(2026, 3, 1)
RELEASED = datetime.date(2026, 3, 15)


def noon(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(12, 0), tzinfo=datetime.timezone(datetime.timedelta(hours=8))
    )


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def quarantined(world, passes, time_machine):
    """household_a1 (张三) in home quarantine from 1 March for 14 days; its link."""
    time_machine.move_to(noon(START), tick=False)
    quarantine = start_quarantine(
        user=world.health_a,
        resident=world.zhang_san,
        kind=QuarantineKind.HOME,
        reason=QuarantineReason.CONTACT,
        start=START,
        days=14,
        today=START,
    )
    url = reverse("access:household-link", args=[ensure_link_key(household=world.household_a1)])
    return quarantine, url


@pytest.fixture
def released(world, quarantined, time_machine):
    quarantine, url = quarantined
    time_machine.move_to(noon(RELEASED), tick=False)
    release_quarantine(user=world.health_a, quarantine=quarantine, today=RELEASED, override_reason="test")
    return url


def test_during_the_quarantine_the_page_shows_the_pass_and_the_self_report(
    world, passes, quarantined, client
):
    page = client.get(quarantined[1]).content.decode()
    assert passes["household_a1"].display_number in page
    assert 'class="segno"' in page and "selfcheck" in page


def test_after_release_the_page_only_thanks_the_household(world, passes, released, client):
    response = client.get(released)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Released on 2026-03-15 — thank you." in page
    assert "This link works until 2026-03-22." in page
    assert passes["household_a1"].display_number not in page
    assert "<svg" not in page
    assert "selfcheck" not in page and 'data-test="errand-form"' not in page
    assert response["Cache-Control"] == "no-store"


def test_after_release_the_page_takes_no_self_report_and_no_errand(world, released, client):
    client.post(released, {"member": world.zhang_san.pk, "temperature": "36.6"})
    client.post(released, {"action": "errand", "category": "grain_oil", "details": "大米"})
    assert not HealthCheck.objects.exists()
    assert not Errand.objects.exists()


def test_the_link_works_for_seven_days_after_release_then_is_gone(world, released, client, time_machine):
    time_machine.move_to(noon(RELEASED + datetime.timedelta(days=7)), tick=False)
    assert client.get(released).status_code == 200
    time_machine.move_to(noon(RELEASED + datetime.timedelta(days=8)), tick=False)
    response = client.get(released)
    assert response.status_code == 410
    assert "no longer in use" in response.content.decode()
    assert client.post(released, {"member": world.zhang_san.pk, "temperature": "36.6"}).status_code == 410
    assert not HealthCheck.objects.exists()


@override_settings(LINK_DAYS_AFTER_RELEASE=2)
def test_the_days_come_from_the_setting(world, released, client, time_machine):
    time_machine.move_to(noon(RELEASED + datetime.timedelta(days=3)), tick=False)
    assert client.get(released).status_code == 410


def test_a_new_quarantine_brings_the_page_back(world, passes, released, client, time_machine):
    day = RELEASED + datetime.timedelta(days=10)
    time_machine.move_to(noon(day), tick=False)
    start_quarantine(
        user=world.health_a,
        resident=world.zhang_san,
        kind=QuarantineKind.HOME,
        reason=QuarantineReason.CONTACT,
        start=day,
        days=14,
        today=day,
    )
    page = client.get(released).content.decode()
    assert passes["household_a1"].display_number in page and "day 1 of 14" in page


def test_a_household_never_quarantined_keeps_its_page(world, passes, client):
    url = reverse("access:household-link", args=[ensure_link_key(household=world.household_a2)])
    assert passes["household_a2"].display_number in client.get(url).content.decode()
