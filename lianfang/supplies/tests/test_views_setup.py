"""The setting-up pages on a phone: the items page for every reader of stock (forms only for community staff
and the command centre), an item added and changed, a store opened from the stock page and closed from its
own, a minimum set from a store's page (the item then shows low); bad input comes back as a message and
changes nothing; other roles get 403 (readers) or 404 (volunteers, residents)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from lianfang.accounts.models import User
from lianfang.core.roles import Role
from lianfang.supplies.models import Item, Location, Threshold

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def test_the_items_page_lists_by_category_and_offers_forms_only_to_those_who_set_up(world, stock, login):
    page = login(world.staff_a).get(reverse("supplies:items")).content.decode()
    assert 'data-item="口罩"' in page and "at most 20 只 a household every 7 days" in page
    assert page.index("<h2>Protective</h2>") > page.index("<h2>Food</h2>")  # by category
    assert 'data-test="item-form"' in page
    for who in ("grid_a1_worker", "guard_a", "health_a"):
        page = login(getattr(world, who)).get(reverse("supplies:items")).content.decode()
        assert 'data-item="口罩"' in page and 'data-test="item-form"' not in page
    volunteer = User.objects.create_user(
        username="v", password="x-Passw0rd!", role=Role.VOLUNTEER, area=world.community_a
    )
    assert login(volunteer).get(reverse("supplies:items")).status_code == 404
    assert login(world.resident_a).get(reverse("supplies:items")).status_code == 404


def test_an_item_added_and_changed_from_the_page(world, login):
    client = login(world.staff_a)
    data = {
        "name": "医用口罩",
        "unit": "只",
        "category": "protective",
        "household_limit": "20",
        "limit_days": "7",
    }
    page = client.post(reverse("supplies:item-new"), data, follow=True).content.decode()
    assert "Item added: 医用口罩 (只)." in page
    item = Item.objects.get()
    assert item.household_limit == 20
    page = client.post(
        reverse("supplies:item-new"), {**data, "name": " 医用口罩 "}, follow=True
    ).content.decode()
    assert "The catalogue already has an item named 医用口罩." in page
    assert 'action="/supplies/items/change/"' not in page  # community staff add items; the city changes them
    page = client.post(
        reverse("supplies:item-change"),
        {"item": item.pk, "household_limit": "", "limit_days": "3"},
        follow=True,
    ).content.decode()
    item.refresh_from_db()
    assert (item.household_limit, item.is_active) == (20, True)
    client = login(world.commander)
    assert 'action="/supplies/items/change/"' in client.get(reverse("supplies:items")).content.decode()
    client.post(reverse("supplies:item-change"), {"item": item.pk, "household_limit": "", "limit_days": "3"})
    item.refresh_from_db()
    assert (item.household_limit, item.limit_days, item.is_active) == (None, 3, False)


@pytest.mark.parametrize(
    "change",
    [{"name": ""}, {"household_limit": "0"}, {"limit_days": "400"}, {"category": "x"}, {"unit": "u" * 11}],
)
def test_bad_input_on_the_items_page_is_a_message_and_adds_nothing(world, login, change):
    data = {"name": "口罩", "unit": "只", "category": "protective", "household_limit": "", "limit_days": "7"}
    response = login(world.staff_a).post(reverse("supplies:item-new"), {**data, **change}, follow=True)
    assert response.status_code == 200
    assert list(response.context["messages"])
    assert not Item.objects.exists()


def test_readers_who_do_not_set_up_are_refused_the_forms(world, stock, login):
    for who in ("grid_a1_worker", "guard_a"):
        client = login(getattr(world, who))
        assert (
            client.post(
                reverse("supplies:item-new"), {"name": "x", "unit": "x", "category": "food"}
            ).status_code
            == 403
        )
        assert (
            client.post(reverse("supplies:store-open"), {"kind": "community", "name": "x"}).status_code == 403
        )
        url = reverse("supplies:store-threshold", args=[stock.checkpoint_a.pk])
        assert client.post(url, {"item": stock.rice.pk, "minimum": "3"}).status_code in (403, 404)
    assert Item.objects.count() == 3 and not Threshold.objects.exists()


def test_a_store_opened_from_the_stock_page_and_closed_from_its_own(world, login):
    client = login(world.staff_a)
    page = client.get(reverse("supplies:stock")).content.decode()
    assert 'data-test="store-form"' in page and "No store in your area yet." in page
    assert 'value="district"' not in page  # warehouses: the command centre's
    response = client.post(
        reverse("supplies:store-open"), {"kind": "community", "name": "A社区物资站"}, follow=True
    )
    store = Location.objects.get()
    assert response.redirect_chain[-1][0] == reverse("supplies:store", args=[store.pk])
    assert "A社区物资站 is open." in response.content.decode()
    page = client.post(reverse("supplies:store-open"), {"kind": "community", "name": "另一个站"}, follow=True)
    assert "already has a community store" in page.content.decode()
    assert Location.objects.count() == 1
    assert login(world.staff_b).post(reverse("supplies:store-close", args=[store.pk])).status_code == 404
    client = login(world.staff_a)
    page = client.post(reverse("supplies:store-close", args=[store.pk]), follow=True).content.decode()
    assert "A社区物资站 is closed." in page
    store.refresh_from_db()
    assert not store.is_active
    commander = login(world.commander).get(reverse("supplies:stock")).content.decode()
    assert 'value="district"' in commander


def test_a_store_holding_stock_is_not_closed_from_its_page(world, stock, receive, login):
    receive(stock.store_a, stock.rice, 4)
    page = login(world.staff_a).post(reverse("supplies:store-close", args=[stock.store_a.pk]), follow=True)
    assert "still holds 大米 4 袋" in page.content.decode()
    stock.store_a.refresh_from_db()
    assert stock.store_a.is_active


def test_a_minimum_set_from_the_store_page_marks_the_item_low(world, stock, receive, login):
    receive(stock.store_a, stock.rice, 4)
    client = login(world.staff_a)
    url = reverse("supplies:store", args=[stock.store_a.pk])
    page = client.get(url).content.decode()
    assert 'data-test="threshold-form"' in page and '<li class="" data-item="大米" data-quantity="4">' in page
    threshold_url = reverse("supplies:store-threshold", args=[stock.store_a.pk])
    page = client.post(threshold_url, {"item": stock.rice.pk, "minimum": "10"}, follow=True).content.decode()
    assert "Minimum of 大米 set to 10 袋." in page
    assert '<li class="low" data-item="大米" data-quantity="4">' in page
    page = client.post(threshold_url, {"item": stock.rice.pk, "minimum": "-3"}, follow=True).content.decode()
    assert Threshold.objects.get().minimum == 10 and "Ensure this value is greater than or equal to 0" in page
    page = client.post(threshold_url, {"item": stock.rice.pk, "minimum": "0"}, follow=True).content.decode()
    assert "Minimum removed." in page and not Threshold.objects.exists()
    assert (
        login(world.staff_b).post(threshold_url, {"item": stock.rice.pk, "minimum": "3"}).status_code == 404
    )


def test_the_store_page_shows_the_forms_only_to_those_who_set_up(world, stock, login):
    url = reverse("supplies:store", args=[stock.checkpoint_a.pk])
    for who, shown in (("staff_a", True), ("commander", True), ("guard_a", False), ("grid_a1_worker", False)):
        page = login(getattr(world, who)).get(url).content.decode()
        assert ('data-test="threshold-form"' in page) is shown, who
