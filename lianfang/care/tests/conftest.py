"""Shared care fixtures, small enough to count by eye (on top of the `world` of lianfang/conftest.py).

- `today`: the real local date (epi's hold and the care team use it), `at(hour, minute=0, days=0)`: an
  aware datetime on today (+days) for `now=`.
- `leader`: a command-role user of the world's street (the team's leader).
- `volunteer_a`: a volunteer of community A.
- `held_a1`: household_a1 (3栋1单元101, grid A1, 张三) in a 14-day home quarantine from today, started by
  the health worker of A; epi's holds_changed opened its care team with the four members (leader, staff_a
  as secretary, grid_a1_worker, health_a). Fields: household, quarantine, team.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from lianfang.care.services import default_kit
from lianfang.conftest import PASSWORD
from lianfang.supplies.ledger import Line, post_movements
from lianfang.supplies.models import Item, ItemCategory, KitComponent, Location, LocationKind, MovementKind


@pytest.fixture
def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def at(today):
    def _at(hour: int, minute: int = 0, days: int = 0) -> datetime.datetime:
        day = today + datetime.timedelta(days=days)
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))

    return _at


def make_user(username: str, role: str, **scope):
    from lianfang.accounts.models import User

    return User.objects.create_user(username=username, password=PASSWORD, role=role, name=username, **scope)


@pytest.fixture
def leader(world):
    from lianfang.core.roles import Role

    return make_user("leader_street", Role.COMMAND, area=world.street)


@pytest.fixture
def volunteer_a(world):
    from lianfang.core.roles import Role

    return make_user("volunteer_a", Role.VOLUNTEER, area=world.community_a)


def quarantine_home(world, resident, today, days: int = 14, by=None):
    from lianfang.epi.models import QuarantineKind, QuarantineReason
    from lianfang.epi.services import start_quarantine

    return start_quarantine(
        user=by or world.health_a,
        resident=resident,
        kind=QuarantineKind.HOME,
        reason=QuarantineReason.CONTACT,
        start=today,
        days=days,
        today=today,
    )


@pytest.fixture
def held_a1(world, leader, today):
    from lianfang.care.models import CareTeam

    q = quarantine_home(world, world.zhang_san, today)
    household = world.household_a1
    household.refresh_from_db()
    return SimpleNamespace(household=household, quarantine=q, team=CareTeam.objects.get(household=household))


@pytest.fixture
def kit_stock(world):
    """The article's nine-item kit of the city (care's `default_kit`) with its components from stock
    (口罩 ×10, 大米 ×1, 消毒液 ×1; the cards and letters are paper) and 100 of each in community A's and
    B's stores, received by their staff. Returns the kit template."""

    kit = default_kit(world.city)
    items = [
        Item.objects.create(name="口罩", unit="只", category=ItemCategory.PROTECTIVE),
        Item.objects.create(name="大米", unit="袋", category=ItemCategory.FOOD),
        Item.objects.create(name="消毒液", unit="瓶", category=ItemCategory.DISINFECTION),
    ]
    for item, n in zip(items, (10, 1, 1), strict=True):
        KitComponent.objects.create(template=kit, item=item, quantity=n)
    for community, keeper in ((world.community_a, world.staff_a), (world.community_b, world.staff_b)):
        store = Location.objects.create(
            name=f"{community.name}物资站",
            kind=LocationKind.COMMUNITY_STORE,
            area=community,
            path=community.path,
        )
        post_movements(
            user=keeper,
            lines=[Line(kind=MovementKind.RECEIVE, location=store, item=i, quantity=100) for i in items],
        )
    return kit
