"""Shared supplies fixtures on top of the `world` of lianfang/conftest.py, small enough to count by eye.

- `stock`: the items 口罩 (masks, 只, scarce: 20 per household every 7 days), 大米 (rice, 袋), 消毒液
  (disinfectant, 瓶); the stores: the city warehouse (the commander's), community A's store (staff_a's),
  community B's store (staff_b's) and the checkpoint at A's east gate. Nothing in stock yet.
- care's `held_a1` (household_a1 in home quarantine with its care team) and `kit_stock` (the city's
  nine-item kit with components, and stock in A's and B's stores).
- `receive(location, item, n, lot=None)`: n units received by the location's keeper (a helper, not a test).
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from lianfang.care.tests.conftest import at, held_a1, kit_stock, leader, today  # noqa: F401  (fixtures)
from lianfang.supplies.ledger import Line, post_movements
from lianfang.supplies.models import Item, ItemCategory, Location, LocationKind, MovementKind


@pytest.fixture
def stock(world):
    masks = Item.objects.create(
        name="口罩", unit="只", category=ItemCategory.PROTECTIVE, household_limit=20, limit_days=7
    )
    rice = Item.objects.create(name="大米", unit="袋", category=ItemCategory.FOOD)
    disinfectant = Item.objects.create(name="消毒液", unit="瓶", category=ItemCategory.DISINFECTION)
    city = Location.objects.create(
        name="市应急物资仓库", kind=LocationKind.CITY_WAREHOUSE, area=world.city, path=world.city.path
    )
    store_a = Location.objects.create(
        name="A社区物资站",
        kind=LocationKind.COMMUNITY_STORE,
        area=world.community_a,
        path=world.community_a.path,
    )
    store_b = Location.objects.create(
        name="B社区物资站",
        kind=LocationKind.COMMUNITY_STORE,
        area=world.community_b,
        path=world.community_b.path,
    )
    checkpoint_a = Location.objects.create(
        name="阳光小区东门卡点",
        kind=LocationKind.CHECKPOINT,
        area=world.community_a,
        gate=world.gate_a,
        path=world.gate_a.path,
    )
    keepers = {
        city.pk: world.commander,
        store_a.pk: world.staff_a,
        checkpoint_a.pk: world.staff_a,
        store_b.pk: world.staff_b,
    }
    return SimpleNamespace(
        masks=masks,
        rice=rice,
        disinfectant=disinfectant,
        city=city,
        store_a=store_a,
        store_b=store_b,
        checkpoint_a=checkpoint_a,
        keepers=keepers,
    )


@pytest.fixture
def receive(stock):
    def _receive(location, item, n, lot=None, **kw):
        return post_movements(
            user=stock.keepers[location.pk],
            lines=[Line(kind=MovementKind.RECEIVE, location=location, item=item, quantity=n, lot=lot)],
            **kw,
        )

    return _receive
