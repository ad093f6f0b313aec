"""The command centre sets on a phone what the city's kit takes from stock (5 masks instead of 10); a
community worker then sees what their store can give and delivers a kit, and 5 masks leave the store."""

from __future__ import annotations

import pytest

from lianfang.browser_tests.conftest import log_in
from lianfang.care.tests.conftest import held_a1, kit_stock, leader, today  # noqa: F401  (fixtures)
from lianfang.supplies.ledger import audit_ledger
from lianfang.supplies.models import Balance, Location

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
