"""First-expiry-first-out: an issue without a lot takes the lot that expires first, no expiry last, splitting
over lots when one is not enough, never an expired one."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from lianfang.supplies.ledger import find_lot, post_movement
from lianfang.supplies.models import Balance, MovementKind

pytestmark = pytest.mark.django_db


def test_an_issue_takes_the_lot_that_expires_first_and_splits_over_the_next(world, stock, receive):
    today = timezone.localdate()
    late = find_lot(item=stock.masks, code="L-late", expires_on=today + datetime.timedelta(days=90))
    soon = find_lot(item=stock.masks, code="L-soon", expires_on=today + datetime.timedelta(days=10))
    receive(stock.store_a, stock.masks, 30)  # no lot, no expiry: last
    receive(stock.store_a, stock.masks, 50, lot=late)
    receive(stock.store_a, stock.masks, 20, lot=soon)
    moves = post_movement(
        user=world.staff_a, kind=MovementKind.ISSUE, location=stock.store_a, item=stock.masks, quantity=60
    )
    assert [(m.lot.code, m.quantity) for m in moves] == [("L-soon", 20), ("L-late", 40)]
    left = dict(Balance.objects.filter(location=stock.store_a).values_list("lot__code", "quantity"))
    assert left == {"": 30, "L-late": 10, "L-soon": 0}


def test_an_expired_lot_is_skipped(world, stock, receive):
    today = timezone.localdate()
    soon = find_lot(item=stock.masks, code="S", expires_on=today + datetime.timedelta(days=1))
    later = find_lot(item=stock.masks, code="T", expires_on=today + datetime.timedelta(days=30))
    receive(stock.store_a, stock.masks, 5, lot=soon)
    receive(stock.store_a, stock.masks, 5, lot=later)
    moves = post_movement(
        user=world.staff_a,
        kind=MovementKind.ISSUE,
        location=stock.store_a,
        item=stock.masks,
        quantity=3,
        now=timezone.now() + datetime.timedelta(days=2),
    )
    assert [(m.lot.code, m.quantity) for m in moves] == [("T", 3)]
