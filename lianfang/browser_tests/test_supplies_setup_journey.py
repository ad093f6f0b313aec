"""A community worker sets supplies up on a phone, in a community that has none: opens the community's store
from the stock page, adds an item to the city's catalogue, sets its minimum on the store's page, and sees the
item marked low (nothing in stock yet). Checked by what the screens show (data attributes, not wording: the
UI is Chinese) and by the rows written."""

from __future__ import annotations

import pytest

from lianfang.supplies.models import Item, Location, Threshold

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_community_worker_opens_a_store_adds_an_item_sets_its_minimum_and_sees_it_low(
    logged_in_page, world
):
    page = logged_in_page(world.staff_a)

    # No store yet: the stock page offers to open one; the community's own is the default area.
    page.goto("/supplies/")
    page.locator("[data-test=store-open] summary").click()
    form = page.locator("[data-test=store-form]")
    form.locator("select[name=kind]").select_option("community")
    form.locator("input[name=name]").fill("A社区物资站")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    store = Location.objects.get()
    assert page.url.endswith(f"/supplies/stores/{store.pk}/")

    # The items page, from the supplies menu: a new item, scarce (10 a household every 7 days).
    page.locator(".breadcrumbs a[href='/supplies/items/']").click()
    page.locator("[data-test=item-add] summary").click()
    form = page.locator("[data-test=item-form]")
    form.locator("input[name=name]").fill("医用口罩")
    form.locator("input[name=unit]").fill("只")
    form.locator("select[name=category]").select_option("protective")
    form.locator("input[name=household_limit]").fill("10")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert page.locator("[data-test=item][data-item='医用口罩']").count() == 1
    item = Item.objects.get()
    assert (item.household_limit, item.limit_days) == (10, 7)

    # Its minimum at the store: 50. Nothing in stock, so the store page marks it low at once.
    page.goto(f"/supplies/stores/{store.pk}/")
    form = page.locator("[data-test=threshold-form]")
    form.locator("select[name=item]").select_option(str(item.pk))
    form.locator("input[name=minimum]").fill("50")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    row = page.locator("[data-test=stock] li[data-item='医用口罩']")
    assert row.get_attribute("class") == "low" and row.get_attribute("data-quantity") == "0"
    assert Threshold.objects.get().minimum == 50
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
