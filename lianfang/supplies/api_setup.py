"""Supplies API for setting up (services in `supplies.setup`): the city's items (listed for readers of
stock, added by community staff and the command centre), a store opened, and the minimum level of an item
at a store read and set. Refusals answer {"code", "message"} with 400, 403 or 404, like `supplies.api`.
"""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.shortcuts import get_object_or_404
from ninja import Field, Path, Router, Schema, Status

from lianfang.core.errors import DomainError
from lianfang.core.roles import READ_STOCK
from lianfang.supplies.models import ID_MAX, Item, Location
from lianfang.supplies.setup import create_item, open_store, set_threshold, stock_level

router = Router(tags=["supplies"])

ID = Path(..., ge=1, le=ID_MAX)


class ItemOut(Schema):
    id: int
    name: str
    unit: str
    category: str
    household_limit: int | None
    limit_days: int
    is_active: bool


class ItemIn(Schema):
    name: str = Field(..., max_length=200, description="Unique whatever its case and spacing (60 at most).")
    unit: str = Field(..., max_length=50, description="What one counts (10 characters at most).")
    category: Literal["protective", "medical", "food", "disinfection", "other"]
    household_limit: int | None = Field(None, description="Scarce items: 1 to 10,000,000 per period.")
    limit_days: int = Field(7, description="The period of the limit: 1 to 366 days.")


class StoreIn(Schema):
    kind: Literal["city", "district", "community", "checkpoint"]
    name: str = Field(..., max_length=200)
    area_id: int | None = Field(None, ge=1, le=ID_MAX, description="Empty: the caller's own area.")
    gate_id: int | None = Field(None, ge=1, le=ID_MAX, description="A checkpoint's gate.")


class StoreOut(Schema):
    id: int
    name: str
    kind: str
    area_id: int
    gate_id: int | None
    is_active: bool


class LevelIn(Schema):
    minimum: int | None = Field(None, description="0 to 10,000,000; with no days of cover, 0 removes it.")
    days_of_cover: int | None = Field(None, description="1 to 90 days at the last 7 days' use; 0: none.")


class LevelOut(Schema):
    store_id: int
    item_id: int
    minimum: int
    days_of_cover: int | None
    low_since: datetime.datetime | None
    stock: int
    level: int
    low: bool


def _reader(request: Any) -> Any:
    user = request.user
    if not READ_STOCK.allows(user):
        raise DomainError("forbidden", READ_STOCK.refused, status=403)
    return user


def _item_out(i: Item) -> ItemOut:
    return ItemOut(
        id=i.pk,
        name=i.name,
        unit=i.unit,
        category=i.category,
        household_limit=i.household_limit,
        limit_days=i.limit_days,
        is_active=i.is_active,
    )


@router.get("/supplies/items", response=list[ItemOut], summary="The city's items")
def list_items(request: Any) -> list[ItemOut]:
    _reader(request)
    return [_item_out(i) for i in Item.objects.order_by("category", "name")[:1000]]


@router.post("/supplies/items", response={201: ItemOut}, summary="Add an item to the catalogue")
def add_item(request: Any, payload: ItemIn) -> Status[ItemOut]:
    item = create_item(
        user=_reader(request),
        name=payload.name,
        unit=payload.unit,
        category=payload.category,
        household_limit=payload.household_limit,
        limit_days=payload.limit_days,
    )
    return Status(201, _item_out(item))


@router.post("/supplies/stores", response={201: StoreOut}, summary="Open a store in scope")
def post_store(request: Any, payload: StoreIn) -> Status[StoreOut]:
    store = open_store(
        user=_reader(request),
        kind=payload.kind,
        name=payload.name,
        area=payload.area_id,
        gate=payload.gate_id,
    )
    return Status(
        201,
        StoreOut(
            id=store.pk,
            name=store.name,
            kind=store.kind,
            area_id=store.area_id,
            gate_id=store.gate_id,
            is_active=store.is_active,
        ),
    )


def _store_item(request: Any, store_id: int, item_id: int) -> tuple[Location, Item]:
    user = _reader(request)
    return (
        get_object_or_404(Location.objects.visible_to(user), pk=store_id),
        get_object_or_404(Item, pk=item_id),
    )


@router.get(
    "/supplies/stores/{store_id}/thresholds/{item_id}",
    response=LevelOut,
    summary="An item's minimum level at a store, its stock and whether it is low",
)
def get_threshold(request: Any, store_id: int = ID, item_id: int = ID) -> LevelOut:
    store, item = _store_item(request, store_id, item_id)
    return LevelOut(**stock_level(store, item))


@router.put(
    "/supplies/stores/{store_id}/thresholds/{item_id}",
    response=LevelOut,
    summary="Set an item's minimum level at a store (both empty or 0: removed)",
)
def put_threshold(request: Any, payload: LevelIn, store_id: int = ID, item_id: int = ID) -> LevelOut:
    store, item = _store_item(request, store_id, item_id)
    set_threshold(
        user=request.user,
        store=store,
        item=item,
        minimum=payload.minimum,
        days_of_cover=payload.days_of_cover,
    )
    return LevelOut(**stock_level(store, item))
