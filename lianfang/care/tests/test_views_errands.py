"""Errand pages: the list filters (open / overdue / mine), assign to a volunteer, on the way, delivered
with the money advanced; negative money, cancelling without a reason and a wrong state are refused with
the service's message and change nothing."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from lianfang.care.models import Errand, ErrandEvent
from lianfang.care.services import assign_errand, raise_errand


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def errand(world, held_a1):
    return raise_errand(
        user=world.grid_a1_worker, household=held_a1.household, category="medicine", details="降压药一盒"
    )


def test_the_list_filters_open_overdue_and_mine(world, login, held_a1, errand):
    late = raise_errand(
        user=world.grid_a1_worker, household=held_a1.household, category="parcel", details="快递 3 件"
    )
    Errand.objects.filter(pk=late.pk).update(due_at=timezone.now() - datetime.timedelta(hours=1))
    assign_errand(user=world.grid_a1_worker, errand=errand, assignee=world.grid_a1_worker)
    client = login(world.grid_a1_worker)
    url = reverse("care:errand-list")
    page = client.get(url).content.decode()
    assert page.index("快递") < page.index("降压药")  # due first
    overdue = client.get(url + "?show=overdue").content.decode()
    assert "快递" in overdue and "降压药" not in overdue
    mine = client.get(url + "?show=mine").content.decode()
    assert "降压药" in mine and "快递" not in mine


def test_staff_assign_to_a_volunteer_who_starts_and_delivers_with_the_money(
    world, login, errand, volunteer_a, client
):
    staff = login(world.grid_a1_worker)
    page = staff.get(reverse("care:errand-detail", args=[errand.pk])).content.decode()
    assert f'value="{volunteer_a.pk}"' in page
    staff.post(reverse("care:errand-assign", args=[errand.pk]), {"assignee": volunteer_a.pk})
    errand.refresh_from_db()
    assert errand.status == "assigned" and errand.assignee == volunteer_a
    vol = login(volunteer_a)
    vol.post(reverse("care:errand-start", args=[errand.pk]))
    response = vol.post(
        reverse("care:errand-deliver", args=[errand.pk]), {"money_advanced": "35.50"}, follow=True
    )
    assert "Delivered." in response.content.decode()
    errand.refresh_from_db()
    assert errand.status == "delivered" and errand.money_advanced == Decimal("35.50")
    assert list(errand.events.values_list("status", flat=True)) == [
        "new",
        "assigned",
        "on_the_way",
        "delivered",
    ]


def test_negative_money_is_refused_and_nothing_changes(world, login, errand):
    client = login(world.grid_a1_worker)
    client.post(reverse("care:errand-assign", args=[errand.pk]), {"assignee": world.grid_a1_worker.pk})
    events = ErrandEvent.objects.count()
    page = client.post(
        reverse("care:errand-deliver", args=[errand.pk]), {"money_advanced": "-5"}, follow=True
    ).content.decode()
    assert "cannot be negative" in page
    errand.refresh_from_db()
    assert errand.status == "assigned" and errand.money_advanced == 0
    assert ErrandEvent.objects.count() == events


def test_delivering_a_new_errand_is_a_wrong_state_and_is_refused(world, login, errand):
    page = (
        login(world.grid_a1_worker)
        .post(reverse("care:errand-deliver", args=[errand.pk]), {}, follow=True)
        .content.decode()
    )
    assert 'class="msg error' in page
    errand.refresh_from_db()
    assert errand.status == "new"


def test_cancelling_needs_a_reason(world, login, errand):
    client = login(world.grid_a1_worker)
    url = reverse("care:errand-cancel", args=[errand.pk])
    page = client.post(url, {"reason": ""}, follow=True).content.decode()
    assert 'class="msg error' in page
    errand.refresh_from_db()
    assert errand.status == "new"
    client.post(url, {"reason": "family brought it"})
    errand.refresh_from_db()
    assert errand.status == "cancelled" and errand.cancel_reason == "family brought it"


def test_an_assignee_outside_the_households_area_is_refused(world, login, errand):
    page = (
        login(world.grid_a1_worker)
        .post(reverse("care:errand-assign", args=[errand.pk]), {"assignee": world.staff_b.pk}, follow=True)
        .content.decode()
    )
    assert 'class="msg error' in page
    errand.refresh_from_db()
    assert errand.status == "new" and errand.assignee is None


def test_staff_raise_an_errand_from_the_household_page(world, login, held_a1):
    client = login(world.staff_a)
    response = client.post(
        reverse("care:errand-create", args=[held_a1.household.pk]),
        {"category": "bill", "details": "燃气费 100 元"},
    )
    errand = Errand.objects.get()
    assert response["Location"] == reverse("care:errand-detail", args=[errand.pk])
    assert errand.raised_by == "staff" and errand.need == "housing"
