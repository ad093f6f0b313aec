"""Requests between stores (asked → committed → sent: in transit → received partly or fully) and
stock-takes (counted against the book; a second person approves the adjustments)."""

from __future__ import annotations

import pytest

from lianfang.core.errors import DomainError
from lianfang.supplies.ledger import audit_ledger
from lianfang.supplies.models import Balance, Movement, MovementKind, RequestStatus, StockTakeStatus
from lianfang.supplies.services import (
    commit_request,
    decide_stocktake,
    receive_request,
    record_stocktake,
    request_supplies,
    send_request,
)

pytestmark = pytest.mark.django_db


def qty(location, item) -> int:
    return sum(Balance.objects.filter(location=location, item=item).values_list("quantity", flat=True))


def test_a_checkpoint_asks_its_community_which_sends_and_the_checkpoint_receives_in_two_goes(
    world, stock, receive
):
    receive(stock.store_a, stock.masks, 300)
    req = request_supplies(
        user=world.guard_a, requester=stock.checkpoint_a, supplier=stock.store_a, lines=[(stock.masks, 200)]
    )
    commit_request(user=world.staff_a, request=req, committed={stock.masks.pk: 150})
    send_request(user=world.staff_a, request=req)
    assert (qty(stock.store_a, stock.masks), qty(stock.checkpoint_a, stock.masks)) == (
        150,
        0,
    )  # 150 in transit
    receive_request(user=world.staff_a, request=req, received={stock.masks.pk: 100})
    req.refresh_from_db()
    assert req.status == RequestStatus.PARTLY_RECEIVED
    with pytest.raises(DomainError) as err:
        receive_request(user=world.staff_a, request=req, received={stock.masks.pk: 51})
    assert err.value.code == "more_than_in_transit"
    receive_request(user=world.staff_a, request=req)
    req.refresh_from_db()
    assert req.status == RequestStatus.RECEIVED
    assert qty(stock.checkpoint_a, stock.masks) == 150
    assert audit_ledger() == []


def test_a_request_must_go_to_a_store_above_and_is_answered_by_that_store_only(world, stock):
    with pytest.raises(DomainError) as err:
        request_supplies(
            user=world.staff_a, requester=stock.store_a, supplier=stock.store_b, lines=[(stock.rice, 5)]
        )
    assert err.value.code == "supplier_invalid"
    req = request_supplies(
        user=world.staff_a, requester=stock.store_a, supplier=stock.city, lines=[(stock.rice, 5)]
    )
    with pytest.raises(DomainError) as err:
        commit_request(user=world.staff_a, request=req)
    assert err.value.code == "not_found"
    commit_request(user=world.commander, request=req)
    with pytest.raises(DomainError) as err:  # nothing in the city warehouse yet
        send_request(user=world.commander, request=req)
    assert err.value.code == "insufficient_stock"


def test_a_stocktake_is_posted_as_adjustments_only_when_a_second_person_approves(world, stock, receive):
    receive(stock.store_a, stock.rice, 40)
    lot = Balance.objects.get(location=stock.store_a, item=stock.rice).lot_id
    take = record_stocktake(user=world.staff_a, location=stock.store_a, counted={lot: 37})
    assert qty(stock.store_a, stock.rice) == 40
    with pytest.raises(DomainError) as err:
        decide_stocktake(user=world.staff_a, stocktake=take, approve=True)
    assert err.value.code == "stocktake_same_person"
    with pytest.raises(DomainError) as err:
        decide_stocktake(user=world.staff_b, stocktake=take, approve=True)
    assert err.value.code == "not_found"
    [adjust] = decide_stocktake(user=world.commander, stocktake=take, approve=True)
    assert (adjust.kind, adjust.direction, adjust.quantity) == (MovementKind.ADJUST, -1, 3)
    take.refresh_from_db()
    assert take.status == StockTakeStatus.APPROVED and take.decided_by == world.commander
    assert qty(stock.store_a, stock.rice) == 37
    with pytest.raises(DomainError) as err:
        decide_stocktake(user=world.commander, stocktake=take, approve=True)
    assert err.value.code == "stocktake_decided"
    assert Movement.objects.count() == 2
