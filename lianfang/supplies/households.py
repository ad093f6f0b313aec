"""Supplies given to one household: what it had from stock lately, what it may still have of each scarce
item (an item's limit per household per period), and handing it items from a store in scope.

`household_supplies` is what the page reads (three queries); `issue_to_household` posts the issue through
the ledger (which checks the limit under the household's row lock, the stock, the store's scope).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from lianfang.core.roles import ISSUE_STOCK
from lianfang.core.scoping import authorize_write, not_found
from lianfang.places.models import Household
from lianfang.supplies.ledger import Line, given_to_household, post_movements
from lianfang.supplies.models import IssueTo, Item, Location, LocationKind, Movement, MovementKind

RECENT_DAYS = 30
RECENT_ROWS = 50


@dataclass
class Allowance:
    """A scarce item for one household: given within the period, the limit, and what is left."""

    item: Item
    given: int

    @property
    def left(self) -> int:
        return max(0, (self.item.household_limit or 0) - self.given)


def allowances(household: Household, now: datetime.datetime) -> list[Allowance]:
    """Every scarce item in use with what this household was given of it within the item's period (two
    queries: the items, the ledger's issues not reversed)."""
    scarce = list(
        Item.objects.filter(is_active=True, household_limit__isnull=False).order_by("category", "name")
    )
    if not scarce:
        return []
    given = given_to_household(household.pk, scarce, now)
    return [Allowance(i, given.get(i.pk, 0)) for i in scarce]


def recent_given(user: Any, household: Household, now: datetime.datetime) -> list[Movement]:
    """What the household had from stock in the last RECENT_DAYS days, newest first (in the user's scope)."""
    return list(
        Movement.objects.visible_to(user)
        .filter(household=household, at__gte=now - datetime.timedelta(days=RECENT_DAYS))
        .select_related("item", "location", "by")
        .order_by("-at", "-id")[:RECENT_ROWS]
    )


def stores_for(user: Any, household: Household) -> list[Location]:
    """The stores a household is given from: the active community stores and checkpoints of its community
    that the user sees, the community's own store first."""
    return list(
        Location.objects.visible_to(user)
        .filter(
            is_active=True,
            path__startswith=household.path,
            kind__in=[LocationKind.COMMUNITY_STORE, LocationKind.CHECKPOINT],
        )
        .order_by("-kind", "name", "pk")  # 'community' after 'checkpoint': descending, the store first
    )


@transaction.atomic
def issue_to_household(
    *,
    user: Any,
    household: Household | int,
    location: Location | int,
    item: Item | int,
    quantity: Any,
    note: str = "",
    now: datetime.datetime | None = None,
) -> list[Movement]:
    """Give `quantity` of `item` from `location` to `household`: one issue, first-expiry-first-out, within
    the item's limit per household. The household must be one the user sees, and the store one of its
    community."""
    authorize_write(user, action=ISSUE_STOCK)
    pk = getattr(household, "pk", household)
    found = Household.objects.visible_to(user).filter(pk=pk).first()
    if found is None:
        raise not_found()
    store_pk = getattr(location, "pk", location)
    if not any(s.pk == store_pk for s in stores_for(user, found)):
        raise not_found()
    return post_movements(
        user=user,
        now=now or timezone.now(),
        lines=[
            Line(
                kind=MovementKind.ISSUE,
                location=store_pk,
                item=item,
                quantity=quantity,
                issued_to=IssueTo.HOUSEHOLD,
                household_id=found.pk,
                reason=note,
            )
        ],
    )
