"""A community store keeper on a phone: a donation of masks is recorded as received and acknowledged, its
thank-you receipt opens as a PDF; a kit is delivered to a quarantined household from the care page; the
store's page shows the masks gone up by the donation and down by the kit. Checked by what the screens show
(data attributes, not wording: the UI is Chinese) and by the ledger."""

from __future__ import annotations

import pytest

from lianfang.care.tests.conftest import held_a1, kit_stock, leader, today  # noqa: F401  (fixtures)
from lianfang.supplies.ledger import audit_ledger
from lianfang.supplies.models import Donation, DonationStatus, Location, Movement

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_donation_of_masks_received_and_receipted_then_a_kit_taken_from_the_store(
    logged_in_page, world, request
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
