"""Expiring soon (`supplies:expiring`): the lots in stock in scope that expired or expire within 30 days,
the first to expire first; an expired lot is written off from the list by a store keeper."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from lianfang.supplies.ledger import audit_ledger, find_lot
from lianfang.supplies.models import Balance, Movement, MovementKind

pytestmark = pytest.mark.django_db


def listed(page):
    return [(int(b), int(d)) for b, d in re.findall(r'data-balance="(\d+)" data-days-left="(-?\d+)"', page)]


def balance(store, lot):
    return Balance.objects.get(location=store, lot=lot)


def test_lots_are_listed_first_to_expire_first_within_thirty_days_in_scope(world, stock, receive, login):
    today = timezone.localdate()
    soon = find_lot(item=stock.masks, code="KZ-1", expires_on=today + datetime.timedelta(days=5))
    sooner = find_lot(item=stock.rice, code="DM-1", expires_on=today + datetime.timedelta(days=2))
    later = find_lot(item=stock.masks, code="KZ-2", expires_on=today + datetime.timedelta(days=60))
    for lot in (soon, sooner, later):
        receive(stock.store_a, lot.item, 10, lot=lot)
    receive(stock.store_a, stock.disinfectant, 10)  # no expiry: never listed
    receive(stock.store_b, stock.masks, 10, lot=soon)  # another community's store
    page = login(world.staff_a).get(reverse("supplies:expiring")).content.decode()
    assert listed(page) == [(balance(stock.store_a, sooner).pk, 2), (balance(stock.store_a, soon).pk, 5)]
    assert 'value="write_off"' not in page  # nothing expired yet


def test_an_expired_lot_is_marked_and_written_off_from_the_list(world, stock, receive, login):
    today = timezone.localdate()
    lot = find_lot(item=stock.masks, code="KZ-9", expires_on=today + datetime.timedelta(days=1))
    receive(stock.store_a, stock.masks, 12, lot=lot)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=3)):
        client = login(world.staff_a)
        page = client.get(reverse("supplies:expiring")).content.decode()
        row = balance(stock.store_a, lot)
        assert listed(page) == [(row.pk, -2)]
        form = re.search(
            r'<form method="post" action="([^"]+)" class="inline">((?:(?!</form>).)*write_off.*?)</form>',
            page,
            re.S,
        )
        fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form.group(2)))
        assert fields["kind"] == "write_off" and fields["quantity"] == "12" and fields["lot"] == str(lot.pk)
        client.post(form.group(1), fields)
        assert balance(stock.store_a, lot).quantity == 0
        assert Movement.objects.filter(kind=MovementKind.WRITE_OFF, lot=lot).count() == 1
        assert listed(client.get(reverse("supplies:expiring")).content.decode()) == []
    assert audit_ledger() == []


def test_gate_duty_reads_its_checkpoints_lots_without_the_write_off(world, stock, receive, login):
    today = timezone.localdate()
    lot = find_lot(item=stock.rice, code="DM-2", expires_on=today + datetime.timedelta(days=1))
    receive(stock.checkpoint_a, stock.rice, 3, lot=lot)
    receive(stock.store_a, stock.rice, 3, lot=lot)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=2)):
        page = login(world.guard_a).get(reverse("supplies:expiring")).content.decode()
    assert listed(page) == [(balance(stock.checkpoint_a, lot).pk, -1)]
    assert 'value="write_off"' not in page
