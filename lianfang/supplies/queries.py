"""What the store keeper's pages read: the stock of the stores in the user's scope, by item, with the low
(below its level) and expiring (within EXPIRING_DAYS) marks. A fixed number of queries whatever the stock."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, Min, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from lianfang.supplies.lowstock import cover_levels, level_of
from lianfang.supplies.models import (
    Balance,
    Item,
    Location,
    LocationKind,
    Movement,
    Request,
    RequestStatus,
    Threshold,
)

EXPIRING_DAYS = 30
STORES_BELOW = 1000  # a city warehouse's select of the stores it may send to


@dataclass
class StockRow:
    item: Item
    quantity: int
    minimum: int | None
    first_expiry: datetime.date | None
    low: bool = False
    expiring: bool = False


@dataclass
class StoreStock:
    store: Location
    rows: list[StockRow] = field(default_factory=list)

    @property
    def low_count(self) -> int:
        return sum(1 for r in self.rows if r.low)


def stock_of(user: Any, stores: list[Location], today: datetime.date | None = None) -> list[StoreStock]:
    """Each store's stock by item (3 queries, 4 when a threshold has days of cover); low when a threshold
    says so (`low_since` set by the ledger, or the stock below its level: a level just set shows at once)."""
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=EXPIRING_DAYS)
    ids = [s.pk for s in stores]
    sums = (
        Balance.objects.visible_to(user)
        .filter(location_id__in=ids)
        .values("location_id", "item_id")
        .annotate(n=Sum("quantity"), first=Min("lot__expires_on", filter=Q(quantity__gt=0)))
    )
    items = {i.pk: i for i in Item.objects.all()}
    mins = {(t.location_id, t.item_id): t for t in Threshold.objects.filter(location_id__in=ids)}
    cover = cover_levels(list(mins.values()), timezone.now())
    by_store: dict[int, StoreStock] = {s.pk: StoreStock(s) for s in stores}
    # An item with a minimum but never received shows with 0 (below its minimum: low).
    rows = [(r["location_id"], r["item_id"], int(r["n"] or 0), r["first"]) for r in sums]
    seen = {(loc, item) for loc, item, _n, _first in rows}
    rows += [(loc, item, 0, None) for (loc, item) in mins if (loc, item) not in seen]
    for loc, item, n, first in rows:
        t = mins.get((loc, item))
        row = StockRow(items[item], n, t.minimum if t else None, first)
        row.low = t is not None and (t.low_since is not None or n < level_of(t, cover))
        row.expiring = row.first_expiry is not None and row.first_expiry <= soon
        by_store[loc].rows.append(row)
    for s in by_store.values():
        s.rows.sort(key=lambda r: (not r.low, r.item.category, r.item.name))
    return list(by_store.values())


def open_requests(user: Any, store: Location) -> list[Request]:
    """Requests of the store, or to it, still under way."""
    under_way = [
        RequestStatus.OPEN,
        RequestStatus.COMMITTED,
        RequestStatus.SENT,
        RequestStatus.PARTLY_RECEIVED,
    ]
    return list(
        Request.objects.filter(Q(requester=store) | Q(supplier=store), status__in=under_way)
        .select_related("requester", "supplier")
        .prefetch_related("lines__item")
        .order_by("-created_at")[:50]
    )


def with_reversed_mark(movements: QuerySet[Movement]) -> QuerySet[Movement]:
    """`is_reversed` on each movement (one EXISTS on the unique `reverses` index, not a query per row)."""
    return movements.annotate(is_reversed=Exists(Movement.objects.filter(reverses_id=OuterRef("pk"))))


def below(store: Location) -> Q:
    """The stores below `store`: those whose path is strictly under its path, and the checkpoints of its own
    area (a checkpoint shares its community's path; the community's store supplies it)."""
    strictly = Q(path__startswith=store.path) & ~Q(path=store.path)
    if store.kind != LocationKind.CHECKPOINT:
        strictly |= Q(path=store.path, kind=LocationKind.CHECKPOINT)
    return strictly & ~Q(pk=store.pk)


def stores_below(user: Any, store: Location) -> list[Location]:
    """The active stores below `store` (`below`) that the user sees: where it may send stock unasked
    (`services.allocate_supplies`)."""
    return list(
        Location.objects.visible_to(user)
        .filter(below(store), is_active=True)
        .order_by("path", "kind", "name")
        .only("pk", "name", "kind", "path")[:STORES_BELOW]
    )
