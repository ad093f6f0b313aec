"""The store keeper's pages: the stock with its low mark, posting from a store's page, a donation recorded,
acknowledged and printed as a receipt, the ledger's Excel export with inert cells, and the public page of
donations, which names only the donors who agreed."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from lianfang.supplies.models import Balance, Donation, DonationStatus, Threshold

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def test_the_stock_page_marks_an_item_below_its_minimum(world, stock, receive, login):
    Threshold.objects.create(location=stock.store_a, item=stock.rice, minimum=10)
    receive(stock.store_a, stock.rice, 4)
    receive(stock.store_a, stock.masks, 400)
    page = login(world.staff_a).get(reverse("supplies:stock")).content.decode()
    assert '<li class="low" data-item="大米" data-quantity="4">' in page
    assert 'data-item="口罩" data-quantity="400"' in page
    assert "B社区物资站" not in page


def test_a_store_keeper_issues_from_the_store_page_and_a_refusal_is_shown(world, stock, receive, login):
    receive(stock.store_a, stock.rice, 4)
    client = login(world.staff_a)
    url = reverse("supplies:store-post", args=[stock.store_a.pk])
    client.post(url, {"kind": "issue", "item": stock.rice.pk, "quantity": 3, "reason": "3栋1单元101"})
    assert Balance.objects.get(location=stock.store_a, item=stock.rice).quantity == 1
    page = client.post(
        url, {"kind": "issue", "item": stock.rice.pk, "quantity": 3}, follow=True
    ).content.decode()
    assert "Not enough stock" in page
    assert (
        login(world.staff_b).post(url, {"kind": "issue", "item": stock.rice.pk, "quantity": 1}).status_code
        == 404
    )


def test_a_donation_recorded_received_acknowledged_and_its_receipt_printed(world, stock, login):
    client = login(world.staff_a)
    client.post(
        reverse("supplies:donations") + "new/",
        {
            "location": stock.checkpoint_a.pk,
            "donor_kind": "company",
            "donor_name": "淮南某医药公司",
            "item": stock.masks.pk,
            "quantity": 500,
            "lot_code": "M1",
            "received": "on",
        },
    )
    donation = Donation.objects.get()
    assert donation.status == DonationStatus.RECEIVED
    client.post(reverse("supplies:donation-acknowledge", args=[donation.pk]), {"receipt_number": ""})
    donation.refresh_from_db()
    assert donation.receipt_number
    pdf = client.get(reverse("supplies:donation-receipt", args=[donation.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert (
        login(world.staff_b).get(reverse("supplies:donation-receipt", args=[donation.pk])).status_code == 404
    )


def test_the_public_page_names_only_donors_who_agreed(world, stock, login, client):
    staff = login(world.staff_a)
    for name, public in (("愿意公开的公司", "on"), ("不愿公开的人", "")):
        data = {
            "location": stock.store_a.pk, "donor_kind": "person", "donor_name": name, "item": stock.masks.pk,
            "quantity": 10, "received": "on", "name_public": public,
        }  # fmt: skip
        staff.post(reverse("supplies:donation-new"), data)
    client.logout()
    page = client.get(reverse("supplies:public-donations")).content.decode()
    assert "愿意公开的公司" in page and "不愿公开的人" not in page
    assert "20 只" in page


def test_the_ledger_export_writes_a_formula_as_text(world, stock, receive, login):
    receive(stock.store_a, stock.rice, 5)
    client = login(world.staff_a)
    client.post(
        reverse("supplies:store-post", args=[stock.store_a.pk]),
        {"kind": "issue", "item": stock.rice.pk, "quantity": 1, "reason": '=HYPERLINK("http://x","点我")'},
    )
    data = client.get(reverse("supplies:ledger-export")).content
    ws = load_workbook(io.BytesIO(data)).active
    reasons = [row[10].value for row in ws.iter_rows(min_row=2)]
    cells = [row[10] for row in ws.iter_rows(min_row=2) if row[10].value and row[10].value.startswith("=")]
    assert '=HYPERLINK("http://x","点我")' in reasons
    assert all(c.data_type == "s" for c in cells)
