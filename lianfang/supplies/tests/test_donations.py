"""Donations: pledged → received into lots (a `receive` movement each) → acknowledged with a unique receipt
number; bad input changes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone, translation

from lianfang.core.errors import DomainError
from lianfang.supplies.models import Balance, DonationStatus, DonorKind, Movement
from lianfang.supplies.services import DonatedLine, acknowledge_donation, pledge_donation, receive_donation

pytestmark = pytest.mark.django_db


def pledge(world, stock, **kw):
    data = {
        "user": world.staff_a,
        "location": stock.checkpoint_a,
        "donor_kind": DonorKind.COMPANY,
        "donor_name": "淮南某医药公司",
        "lines": [DonatedLine(item=stock.masks, quantity=2000)],
    }
    return pledge_donation(**{**data, **kw})


def test_masks_pledged_received_and_acknowledged_with_a_receipt_number(world, stock):
    donation = pledge(world, stock)
    assert not Movement.objects.exists()
    expiry = timezone.localdate() + datetime.timedelta(days=365)
    receive_donation(
        user=world.staff_a,
        donation=donation,
        lines=[DonatedLine(item=stock.masks, quantity=1800, lot_code="M2026", expires_on=expiry)],
    )
    balance = Balance.objects.get(location=stock.checkpoint_a, item=stock.masks)
    assert (balance.quantity, balance.lot.code, balance.lot.expires_on) == (1800, "M2026", expiry)
    assert Movement.objects.get().donation_id == donation.pk
    done = acknowledge_donation(user=world.staff_a, donation=donation)
    assert done.status == DonationStatus.ACKNOWLEDGED
    assert done.receipt_number == f"JZ{timezone.localdate():%Y}{donation.pk:06d}"
    with pytest.raises(DomainError) as err:
        acknowledge_donation(user=world.staff_a, donation=donation)
    assert err.value.code == "donation_not_received"


def test_a_receipt_number_already_used_is_refused(world, stock):
    first, second = pledge(world, stock), pledge(world, stock)
    for d in (first, second):
        receive_donation(user=world.staff_a, donation=d)
    acknowledge_donation(user=world.staff_a, donation=first, receipt_number="No.0001")
    with pytest.raises(DomainError) as err:
        acknowledge_donation(user=world.staff_a, donation=second, receipt_number="No.0001")
    assert err.value.code == "receipt_duplicate"
    second.refresh_from_db()
    assert (second.status, second.receipt_number) == (DonationStatus.RECEIVED, None)


def test_bad_donations_are_refused_and_change_nothing(world, stock):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    cases = [
        ({"donor_name": ""}, "donor_name_required"),
        ({"donor_kind": "alien"}, "donor_kind_invalid"),
        ({"lines": []}, "nothing_to_post"),
        ({"lines": [DonatedLine(item=stock.masks, quantity=0)]}, "quantity_not_positive"),
        ({"user": world.staff_b}, "not_found"),
        ({"user": world.grid_a1_worker}, "forbidden"),
    ]
    for kw, code in cases:
        with pytest.raises(DomainError) as err:
            pledge(world, stock, **kw)
        assert err.value.code == code
    donation = pledge(world, stock)
    with pytest.raises(DomainError) as err:
        receive_donation(
            user=world.staff_a,
            donation=donation,
            lines=[DonatedLine(item=stock.masks, quantity=5, expires_on=yesterday)],
        )
    assert err.value.code == "lot_expired"
    assert not Movement.objects.exists()


def test_an_anonymous_donor_keeps_no_name_even_if_one_is_typed(world, stock):
    donation = pledge(world, stock, donor_kind=DonorKind.ANONYMOUS, donor_name="某人", name_public=True)
    with translation.override("zh-hans"):
        assert (donation.donor_name, donation.name_public, donation.donor_label()) == ("", False, "匿名")
