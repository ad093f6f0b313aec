"""A receipt posted while its store is being closed (PostgreSQL, two connections): the closing takes the
store's row first, the receipt waits for it and is then refused, so a closed store never holds stock (it
would be off every page). Before the ledger locked the stores it fills, the receipt landed in the closed
store."""

from __future__ import annotations

import pytest

from lianfang.core.errors import DomainError
from lianfang.supplies.ledger import audit_ledger, find_lot, post_movement
from lianfang.supplies.models import Balance, Location, Movement, MovementKind
from lianfang.supplies.setup import close_store
from lianfang.supplies.tests.concurrently import while_held

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def test_a_receipt_into_a_new_lot_while_the_store_closes_is_refused(world, stock):
    lot = find_lot(item=stock.masks, code="KZ-NEW")
    refused: list[str] = []

    def receipt() -> None:
        try:
            post_movement(
                user=world.staff_a,
                kind=MovementKind.RECEIVE,
                location=stock.store_a.pk,
                item=stock.masks,
                lot=lot,
                quantity=100,
            )
        except DomainError as err:
            refused.append(err.code)

    errors = while_held(lambda: close_store(user=world.staff_a, store=stock.store_a), receipt)
    assert errors == []
    assert refused == ["location_inactive"]
    assert not Location.objects.get(pk=stock.store_a.pk).is_active
    assert not Movement.objects.filter(location=stock.store_a).exists()
    assert not Balance.objects.filter(location=stock.store_a, quantity__gt=0).exists()
    assert audit_ledger() == []
