"""The household's own page (secret link, no login): the next call window, the care team's names and
phones, raising an errand and following it, confirming a delivered errand (and the money paid back).
Another household's errand or a tampered link is a 404; nothing changes."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from lianfang.access.services import ensure_link_key
from lianfang.care.models import Errand
from lianfang.care.services import assign_errand, deliver_errand, raise_errand
from lianfang.care.tests.conftest import quarantine_home


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def link(held_a1):
    return reverse("access:household-link", args=[ensure_link_key(household=held_a1.household)])


def delivered(world, household, details="大米 10 斤"):
    errand = raise_errand(
        user=world.grid_a1_worker, household=household, category="grain_oil", details=details
    )
    assign_errand(user=world.grid_a1_worker, errand=errand, assignee=world.grid_a1_worker)
    return deliver_errand(user=world.grid_a1_worker, errand=errand, money_advanced="42.00")


def test_the_page_shows_the_next_call_and_the_care_team_with_phones(world, held_a1, link, client):
    world.grid_a1_worker.phone = "13900001111"
    world.grid_a1_worker.save()
    page = client.get(link).content.decode()
    assert 'data-test="next-call"' in page
    team = page[page.index('data-test="care-team"') :]
    assert "grid_a1" in team and 'href="tel:13900001111"' in team and "health_a" in team
    assert "张三" not in page


def test_the_household_raises_an_errand_and_follows_it(world, held_a1, link, client):
    page = client.post(
        link, {"action": "errand", "category": "vegetables", "details": "青菜, 土豆"}, follow=True
    ).content.decode()
    assert "Sent." in page
    errand = Errand.objects.get()
    assert errand.raised_by == "household" and errand.raised_by_user is None
    assert "青菜, 土豆" in page and "New" in page[page.index('data-test="errands"') :]


def test_an_errand_without_details_is_refused(world, held_a1, link, client):
    page = client.post(link, {"action": "errand", "category": "vegetables"}, follow=True).content.decode()
    assert 'class="msg error' in page
    assert not Errand.objects.exists()


def test_the_household_confirms_a_delivered_errand_with_the_money_paid_back(world, held_a1, link, client):
    errand = delivered(world, held_a1.household)
    page = client.get(link).content.decode()
    assert 'data-test="confirm-form"' in page
    page = client.post(
        link, {"action": "confirm", "errand": errand.pk, "money_repaid": "42.00"}, follow=True
    ).content.decode()
    assert "confirmed" in page
    errand.refresh_from_db()
    assert errand.status == "confirmed" and errand.money_repaid == Decimal("42.00")
    assert errand.events.last().by_household


def test_negative_money_paid_back_is_refused(world, held_a1, link, client):
    errand = delivered(world, held_a1.household)
    page = client.post(
        link, {"action": "confirm", "errand": errand.pk, "money_repaid": "-1"}, follow=True
    ).content.decode()
    assert "cannot be negative" in page
    errand.refresh_from_db()
    assert errand.status == "delivered"


def test_confirming_another_households_errand_is_a_404(world, held_a1, link, client):
    quarantine_home(world, world.li_si, held_a1.quarantine.start)
    other = delivered(
        world.__class__(**{**world.__dict__, "grid_a1_worker": world.staff_a}), world.household_a2
    )
    response = client.post(link, {"action": "confirm", "errand": other.pk})
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == "delivered"


def test_staff_pages_offer_no_confirmation_only_the_household_confirms(world, held_a1, login):
    errand = delivered(world, held_a1.household)
    client = login(world.staff_a)
    page = client.get(reverse("care:errand-detail", args=[errand.pk])).content.decode()
    assert 'data-test="awaiting"' in page and 'name="money_repaid"' not in page
    for action in ("start", "deliver", "cancel"):
        client.post(reverse(f"care:errand-{action}", args=[errand.pk]), {"reason": "x"})
    errand.refresh_from_db()
    assert errand.status == "delivered"


def test_a_tampered_link_is_a_404_and_raises_nothing(world, held_a1, link, client):
    bad = link.replace(link.rstrip("/")[-4:], "zzzz")
    assert client.get(bad).status_code == 404
    assert client.post(bad, {"action": "errand", "category": "other", "details": "x"}).status_code == 404
    assert not Errand.objects.exists()


def test_posts_from_the_page_pass_though_the_browser_sends_origin_null(world, held_a1, link):
    """The page's no-referrer policy makes browsers send `Origin: null`; the secret key authorises it."""
    from django.test import Client

    strict = Client(enforce_csrf_checks=True, HTTP_ORIGIN="null")
    response = strict.post(link, {"action": "errand", "category": "parcel", "details": "快递"})
    assert response.status_code == 302
    assert Errand.objects.get().details == "快递"
