"""A minimum level changed while a clerk's posting waits for the same balances (PostgreSQL, two
connections): the posting decides its low-stock alert on the level as changed, not on the one it read before
it waited — a level lowered below the stock arms the alert again, so the issue that then crosses below the
new level raises it."""

from __future__ import annotations

import pytest

from lianfang.core.models import Alert, AlertKind
from lianfang.supplies.ledger import post_movement
from lianfang.supplies.models import MovementKind, Threshold
from lianfang.supplies.setup import set_threshold
from lianfang.supplies.tests.concurrently import while_held

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def test_an_issue_waiting_on_a_level_being_lowered_raises_the_alert_of_the_new_level(world, stock, receive):
    receive(stock.store_a, stock.rice, 50)
    set_threshold(user=world.staff_a, store=stock.store_a, item=stock.rice, minimum=100)
    post_movement(
        user=world.staff_a, kind=MovementKind.ISSUE, location=stock.store_a, item=stock.rice, quantity=1
    )
    assert Alert.objects.filter(kind=AlertKind.LOW_STOCK).count() == 1  # 49 < 100
    errors = while_held(
        lambda: set_threshold(user=world.staff_a, store=stock.store_a, item=stock.rice, minimum=10),
        lambda: post_movement(
            user=world.staff_a, kind=MovementKind.ISSUE, location=stock.store_a, item=stock.rice, quantity=40
        ),  # 9 < 10: a new crossing
    )
    assert errors == []
    assert Alert.objects.filter(kind=AlertKind.LOW_STOCK).count() == 2
    t = Threshold.objects.get()
    assert t.minimum == 10 and t.low_since is not None
