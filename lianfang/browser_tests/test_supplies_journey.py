"""A community store keeper on a phone: a donation of masks is recorded as received and acknowledged, its
thank-you receipt opens as a PDF; a kit is delivered to a quarantined household from the care page; the
store's page shows the masks gone up by the donation and down by the kit; the kit's rice is reversed (冲正)
from the store's latest movements; the city's warehouse sends masks down unasked (调拨) and the community's
keeper receives them from the requests page. Checked by what the screens show (data attributes, not
wording: the UI is Chinese) and by the ledger."""

from __future__ import annotations

import pytest

from lianfang.browser_tests.conftest import PHONE, log_in
from lianfang.care.tests.conftest import held_a1, kit_stock, leader, today  # noqa: F401  (fixtures)
from lianfang.supplies.ledger import Line, audit_ledger, post_movements
from lianfang.supplies.models import (
    Donation,
    DonationStatus,
    Item,
    Location,
    LocationKind,
    Movement,
    MovementKind,
    Request,
    RequestStatus,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_donation_of_masks_received_and_receipted_then_a_kit_taken_from_the_store(
    logged_in_page, new_context, world, request
):
    held = request.getfixturevalue("held_a1")  # care's: household_a1 in home quarantine
    request.getfixturevalue("kit_stock")  # care's: the kit's components, 100 of each in A's store
    store = Location.objects.get(path=world.community_a.path)
    page = logged_in_page(world.staff_a)

    # The menu leads to the supplies; the donation form records 500 masks received now.
    page.goto("/supplies/donations/")
    form = page.locator("[data-test=donation-form]")
    form.locator("select[name=location]").select_option(str(store.pk))
    form.locator("select[name=donor_kind]").select_option("company")
    form.locator("input[name=donor_name]").fill("淮南某医药公司")
    form.locator("select[name=item]").select_option(label="口罩 (只)")
    form.locator("input[name=quantity]").fill("500")
    form.locator("input[name=lot_code]").fill("KZ-01")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    donation = Donation.objects.get()
    row = page.locator(f"[data-donation='{donation.pk}']")
    assert row.get_attribute("data-status") == "received"

    # Acknowledged with a new receipt number; the thank-you receipt is a PDF.
    with page.expect_navigation():
        row.locator("button[type=submit]").click()
    donation.refresh_from_db()
    assert donation.status == DonationStatus.ACKNOWLEDGED and donation.receipt_number
    receipt = page.locator(f"[data-donation='{donation.pk}'] [data-test=receipt]")
    pdf = page.request.get(receipt.get_attribute("href"))
    assert pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")

    # The store shows 600 masks: 100 before and 500 given.
    page.goto(f"/supplies/stores/{store.pk}/")
    assert page.locator("[data-test=stock] li[data-item='口罩']").get_attribute("data-quantity") == "600"

    # The household in quarantine gets its kit from the care page: 10 masks leave the store.
    page.goto("/care/kits/")
    waiting = page.locator(f"[data-test=waiting] li[data-household='{held.household.pk}']")
    with page.expect_navigation():
        waiting.locator("button[type=submit]").click()
    page.goto(f"/supplies/stores/{store.pk}/")
    assert page.locator("[data-test=stock] li[data-item='口罩']").get_attribute("data-quantity") == "590"
    assert page.locator("[data-test=stock] li[data-item='大米']").get_attribute("data-quantity") == "99"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert Movement.objects.filter(reference__startswith="kit:", household=held.household).count() == 3
    assert audit_ledger() == []

    # The kit's rice is reversed from the store's latest movements, with a reason: 100 bags again.
    rice = Movement.objects.get(reference__startswith="kit:", item__name="大米")
    row = page.locator(f"[data-test=movements] tr[data-movement='{rice.pk}']")
    row.locator("[data-test=reverse] summary").click()
    row.locator("input[name=reason]").fill("米已退回")
    with page.expect_navigation():
        row.locator("button[type=submit]").click()
    assert page.url.endswith(f"/supplies/stores/{store.pk}/")
    assert page.locator("[data-test=stock] li[data-item='大米']").get_attribute("data-quantity") == "100"
    assert page.locator(f"tr[data-movement='{rice.pk}'] [data-test=reversed]").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # The city's warehouse (masks received there) sends 200 down to A's store from its own page.
    city = Location.objects.create(
        name="市应急物资仓库", kind=LocationKind.CITY_WAREHOUSE, area=world.city, path=world.city.path
    )
    masks = Item.objects.get(name="口罩")
    post_movements(
        user=world.commander,
        lines=[Line(kind=MovementKind.RECEIVE, location=city, item=masks, quantity=5000)],
    )
    cpage = log_in(new_context(**PHONE).new_page(), world.commander.username)
    cpage.goto(f"/supplies/stores/{city.pk}/")
    allocate = cpage.locator("[data-test=allocate]")
    allocate.locator("summary").click()
    allocate.locator("select[name=receiver]").select_option(str(store.pk))
    allocate.locator("select[name=item]").select_option(label="口罩 (只)")
    allocate.locator("input[name=quantity]").fill("200")
    with cpage.expect_navigation():
        allocate.locator("button[type=submit]").click()
    assert cpage.locator("[data-test=stock] li[data-item='口罩']").get_attribute("data-quantity") == "4800"
    assert cpage.evaluate("document.documentElement.scrollWidth") <= 390

    # A's keeper finds it in transit on the requests page and receives it: 790 masks.
    sent = Request.objects.get(supplier=city)
    page.goto("/supplies/requests/")
    row = page.locator(f"[data-test=requests] li[data-request='{sent.pk}']")
    assert row.get_attribute("data-status") == "sent"
    with page.expect_navigation():
        row.locator("button[type=submit]").click()
    sent.refresh_from_db()
    assert sent.status == RequestStatus.RECEIVED
    page.goto(f"/supplies/stores/{store.pk}/")
    assert page.locator("[data-test=stock] li[data-item='口罩']").get_attribute("data-quantity") == "790"
    assert audit_ledger() == []
