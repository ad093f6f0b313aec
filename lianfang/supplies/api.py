"""Supplies API: the balances and the movements of the stores in the caller's scope, posting a movement
through the ledger (`ledger.post_movements`: the same checks as the pages), reversing one
(`ledger.reverse_movement`) and allocating stock down to a store below (`services.allocate_supplies`). A
refusal answers {"code", "message"} with 400, 403 or 404. Staff tokens or the session; gate duty reads its
checkpoint.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from lianfang.core.api_schema import documented_body, read_body
from lianfang.core.bounds import BIGINT_MAX
from lianfang.core.errors import DomainError
from lianfang.core.roles import READ_STOCK
from lianfang.supplies.ledger import Line, post_movements, reverse_movement
from lianfang.supplies.models import ID_MAX, Balance, IssueTo, Location, Movement, MovementKind
from lianfang.supplies.services import allocate_supplies

router = Router(tags=["supplies"])
Id = Annotated[int, Field(ge=1, le=BIGINT_MAX)]

MAX_ROWS = 1000


class BalanceOut(Schema):
    location_id: int
    location: str
    item_id: int
    item: str
    unit: str
    lot_id: int
    lot: str
    expires_on: datetime.date | None
    quantity: int


class MovementOut(Schema):
    id: int
    kind: str
    location_id: int
    item_id: int
    item: str
    lot_id: int
    quantity: int = Field(..., description="Always > 0; `direction` says in (+1) or out (-1).")
    direction: int
    at: datetime.datetime
    effective_day: datetime.date
    by: str | None
    reason: str
    household_id: int | None
    reverses_id: int | None


class MovementIn(Schema):
    kind: Literal["receive", "issue", "return", "write_off", "adjust"]
    location_id: int = Field(..., ge=1, le=ID_MAX)
    item_id: int = Field(..., ge=1, le=ID_MAX)
    quantity: int = Field(..., description="A whole number > 0 (else 400 quantity_not_positive).")
    lot_id: int | None = Field(
        None, ge=1, le=ID_MAX, description="Empty: incoming to the plain lot, outgoing FEFO."
    )
    direction: Literal[-1, 0, 1] = Field(0, description="Adjustments only: +1 or -1.")
    reason: str = Field("", max_length=200)
    issued_to: Literal["", "household", "checkpoint", "care_team", "other"] = ""
    household_id: int | None = Field(None, ge=1, le=ID_MAX)


class ReversalIn(Schema):
    reason: str = Field(..., max_length=200, description="Why the movement is corrected (required).")


class AllocationLineIn(Schema):
    item_id: int = Field(..., ge=1, le=ID_MAX)
    quantity: int = Field(..., description="A whole number > 0 (else 400 quantity_not_positive).")


class AllocationIn(Schema):
    supplier_id: int = Field(..., ge=1, le=ID_MAX, description="The store the stock leaves (yours).")
    receiver_id: int = Field(..., ge=1, le=ID_MAX, description="An active store below the supplier.")
    lines: list[AllocationLineIn] = Field(..., min_length=1, max_length=100)
    note: str = Field("", max_length=200)


class AllocationOut(Schema):
    request_id: int
    supplier_id: int
    receiver_id: int
    status: str
    movements: list[MovementOut] = Field(..., description="The `transfer_out` movements: in transit.")


def _reader(request: Any) -> Any:
    user = request.user
    if not READ_STOCK.allows(user):
        raise DomainError("forbidden", READ_STOCK.refused, status=403)
    return user


def _movement_out(m: Movement) -> MovementOut:
    return MovementOut(
        id=m.pk,
        kind=m.kind,
        location_id=m.location_id,
        item_id=m.item_id,
        item=m.item.name,
        lot_id=m.lot_id,
        quantity=m.quantity,
        direction=m.direction,
        at=m.at,
        effective_day=m.effective_day,
        by=m.by.username if m.by else None,
        reason=m.reason,
        household_id=m.household_id,
        reverses_id=m.reverses_id,
    )


@router.get(
    "/supplies/balances", response=list[BalanceOut], summary="Stock by store, item and lot (in scope)"
)
def list_balances(request: Any, location_id: int | None = Query(None, ge=1, le=ID_MAX)) -> list[BalanceOut]:
    user = _reader(request)
    qs = Balance.objects.visible_to(user).filter(quantity__gt=0).select_related("location", "item", "lot")
    if location_id is not None:
        qs = qs.filter(location_id=location_id)
    return [
        BalanceOut(
            location_id=b.location_id,
            location=b.location.name,
            item_id=b.item_id,
            item=b.item.name,
            unit=b.item.unit,
            lot_id=b.lot_id,
            lot=b.lot.code,
            expires_on=b.lot.expires_on,
            quantity=b.quantity,
        )
        for b in qs.order_by("location_id", "item_id", "lot_id")[:MAX_ROWS]
    ]


@router.get("/supplies/movements", response=list[MovementOut], summary="The ledger, newest first (in scope)")
def list_movements(
    request: Any, location_id: int | None = None, before_id: int | None = None
) -> list[MovementOut]:
    user = _reader(request)
    qs = Movement.objects.visible_to(user).select_related("item", "by").order_by("-id")
    if location_id is not None:
        qs = qs.filter(location_id=location_id)
    if before_id is not None:
        qs = qs.filter(id__lt=before_id)
    return [_movement_out(m) for m in qs[:MAX_ROWS]]


@router.post(
    "/supplies/movements", response={201: list[MovementOut]}, summary="Post a movement (FEFO when no lot)"
)
def post_movement(request: Any, payload: MovementIn) -> Status[list[MovementOut]]:
    user = _reader(request)
    location = get_object_or_404(Location.objects.visible_to(user), pk=payload.location_id)
    moves = post_movements(
        user=user,
        lines=[
            Line(
                kind=MovementKind(payload.kind),
                location=location,
                item=payload.item_id,
                quantity=payload.quantity,
                lot=payload.lot_id,
                direction=payload.direction,
                reason=payload.reason,
                issued_to=IssueTo(payload.issued_to) if payload.issued_to else "",
                household_id=payload.household_id,
            )
        ],
    )
    for m in moves:
        m.by = user if getattr(user, "is_authenticated", False) else None
    return Status(201, [_movement_out(m) for m in moves])


@router.post(
    "/supplies/movements/{movement_id}/reversal",
    response={201: list[MovementOut]},
    summary="Reverse a posted movement (冲正): the same quantity the other way, once",
    openapi_extra=documented_body(ReversalIn),
)
def post_reversal(request: Any, movement_id: Id) -> Status[list[MovementOut]]:
    user = _reader(request)
    found = get_object_or_404(Movement.objects.visible_to(user), pk=movement_id)
    payload = read_body(request, ReversalIn)
    moves = reverse_movement(user=user, movement=found, reason=payload.reason)
    for m in moves:
        m.by = user if getattr(user, "is_authenticated", False) else None
    return Status(201, [_movement_out(m) for m in moves])


@router.post(
    "/supplies/allocations",
    response={201: AllocationOut},
    summary="Send stock down to a store below, unasked (调拨): in transit until it is received",
)
def post_allocation(request: Any, payload: AllocationIn) -> Status[AllocationOut]:
    user = _reader(request)
    req = allocate_supplies(
        user=user,
        supplier=payload.supplier_id,
        receiver=payload.receiver_id,
        lines=[(x.item_id, x.quantity) for x in payload.lines],
        note=payload.note,
    )
    moves = req.movements.select_related("item", "by").order_by("id")
    return Status(
        201,
        AllocationOut(
            request_id=req.pk,
            supplier_id=req.supplier_id,
            receiver_id=req.requester_id,
            status=req.status,
            movements=[_movement_out(m) for m in moves],
        ),
    )
