"""Supplies reaching households, on a phone: the command centre sets what the city's kit takes from stock
(5 masks instead of 10), and a community worker delivering a kit takes the new number from the store; a
store keeper gives a household masks from its page, within the weekly limit (the 21st is refused); an
expired lot is written off from the expiring list."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from lianfang.browser_tests.conftest import log_in
from lianfang.care.tests.conftest import held_a1, kit_stock, leader, today  # noqa: F401  (fixtures)
from lianfang.supplies.ledger import audit_ledger, find_lot, post_movement
from lianfang.supplies.models import Balance, Item, Location, Lot, MovementKind

pytestmark = pytest.mark.django_db(transaction=True)


def masks_in(store):
    return sum(Balance.objects.filter(location=store, item__name="口罩").values_list("quantity", flat=True))


def test_the_commander_halves_the_masks_of_a_kit_and_a_delivery_takes_the_new_number(
    logged_in_page, world, request
):
    held = request.getfixturevalue("held_a1")
    kit = request.getfixturevalue("kit_stock")  # 口罩 ×10, 大米 ×1, 消毒液 ×1; 100 of each in A's store
    store = Location.objects.get(path=world.community_a.path)

    page = logged_in_page(world.commander)
    page.goto("/care/kits/")
    page.locator(f"[data-kit='{kit.pk}'] summary").click()  # the kit's list opens under its name
    line = page.locator(f"[data-kit='{kit.pk}'] tr[data-line='口罩']")
    assert line.get_attribute("data-per-kit") == "10"
    line.locator("input[name=quantity]").fill("5")
    with page.expect_navigation():
        line.locator("button[type=submit]").click()
    assert page.locator(f"[data-kit='{kit.pk}'] tr[data-line='口罩']").get_attribute("data-per-kit") == "5"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.context.clear_cookies()
    worker = log_in(page, world.staff_a.username)
    worker.goto("/care/kits/")
    assert (
        worker.locator(f"[data-kit='{kit.pk}'] [data-test=kits-in-store]").get_attribute("data-kits") == "20"
    )
    assert worker.locator(f"[data-kit='{kit.pk}'] input[name=quantity]").count() == 0  # the city's kit
    waiting = worker.locator(f"[data-test=waiting] li[data-household='{held.household.pk}']")
    with worker.expect_navigation():
        waiting.locator("button[type=submit]").click()
    assert masks_in(store) == 95
    assert audit_ledger() == []


def test_a_store_keeper_gives_a_household_masks_from_its_page_within_the_weekly_limit(
    logged_in_page, world, request
):
    request.getfixturevalue("kit_stock")  # 100 masks in A's store
    Item.objects.filter(name="口罩").update(household_limit=20, limit_days=7)
    store = Location.objects.get(path=world.community_a.path)
    page = logged_in_page(world.staff_a)
    page.goto(f"/places/households/{world.household_a1.pk}/")
    with page.expect_navigation():
        page.locator("[data-test=household-supplies]").click()
    form = page.locator("[data-test=household-issue]")
    form.locator("select[name=item]").select_option(label="口罩 (只)")
    form.locator("input[name=quantity]").fill("15")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert page.locator("[data-test=allowances] li[data-item='口罩']").get_attribute("data-left") == "5"
    assert masks_in(store) == 85
    # 6 more would pass the week's 20: the page says so and nothing leaves the store
    form = page.locator("[data-test=household-issue]")
    form.locator("select[name=item]").select_option(label="口罩 (只)")
    form.locator("input[name=quantity]").fill("6")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert page.locator(".messages .msg.error").count() == 1
    assert masks_in(store) == 85
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_an_expired_lot_is_written_off_from_the_expiring_list_on_a_phone(logged_in_page, world, request):
    request.getfixturevalue("kit_stock")
    store = Location.objects.get(path=world.community_a.path)
    lot = find_lot(item=Item.objects.get(name="口罩"), code="KZ-OLD", expires_on=timezone.localdate())
    post_movement(
        user=world.staff_a, kind=MovementKind.RECEIVE, location=store, item=lot.item, lot=lot, quantity=7
    )
    Lot.objects.filter(pk=lot.pk).update(expires_on=timezone.localdate() - datetime.timedelta(days=1))
    page = logged_in_page(world.staff_a)
    page.goto("/supplies/expiring/")
    row = page.locator("[data-test=expiring] li").first
    assert row.get_attribute("data-days-left") == "-1"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    with page.expect_navigation():
        row.locator("button[type=submit]").click()
    assert Balance.objects.get(location=store, lot=lot).quantity == 0
    page.goto("/supplies/expiring/")
    assert page.locator("[data-test=expiring] li").count() == 0
    assert audit_ledger() == []
