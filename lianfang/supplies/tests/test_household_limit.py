"""Scarce items (masks): at most the item's limit to one household per period, from every store together;
a reversed issue gives the allowance back."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from lianfang.core.errors import DomainError
from lianfang.supplies.ledger import post_movement, reverse_movement
from lianfang.supplies.models import IssueTo, MovementKind

pytestmark = pytest.mark.django_db


def give(user, location, item, household, n, **kw):
    return post_movement(
        user=user,
        kind=MovementKind.ISSUE,
        location=location,
        item=item,
        quantity=n,
        issued_to=IssueTo.HOUSEHOLD,
        household_id=household.pk,
        **kw,
    )


def test_a_household_gets_at_most_its_limit_of_masks_in_a_week(world, stock, receive):
    receive(stock.store_a, stock.masks, 100)
    receive(stock.checkpoint_a, stock.masks, 100)
    give(world.staff_a, stock.store_a, stock.masks, world.household_a1, 15)
    with pytest.raises(DomainError) as err:
        give(world.staff_a, stock.checkpoint_a, stock.masks, world.household_a1, 6)
    assert err.value.code == "household_limit"
    assert "20 只" in str(err.value.message) and "15" in str(err.value.message)
    give(world.staff_a, stock.checkpoint_a, stock.masks, world.household_a1, 5)
    give(world.staff_a, stock.store_a, stock.masks, world.household_a2, 20)  # another household


def test_the_allowance_comes_back_after_the_period_and_after_a_reversal(world, stock, receive):
    receive(stock.store_a, stock.masks, 100)
    (first,) = give(world.staff_a, stock.store_a, stock.masks, world.household_a1, 20)
    reverse_movement(user=world.staff_a, movement=first, reason="发错户")
    give(world.staff_a, stock.store_a, stock.masks, world.household_a1, 20)
    give(
        world.staff_a,
        stock.store_a,
        stock.masks,
        world.household_a1,
        20,
        now=timezone.now() + datetime.timedelta(days=8),
    )


def test_items_without_a_limit_are_not_counted(world, stock, receive):
    receive(stock.store_a, stock.rice, 100)
    give(world.staff_a, stock.store_a, stock.rice, world.household_a1, 60)
