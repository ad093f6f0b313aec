"""A posted movement is never changed or deleted: the model refuses, and so does the database (a trigger),
whoever sends the statement; a mistake is corrected by a reversing movement."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from lianfang.core.errors import DomainError
from lianfang.supplies.ledger import audit_ledger, post_movement, reverse_movement
from lianfang.supplies.models import Balance, Movement, MovementKind

pytestmark = pytest.mark.django_db


def test_saving_or_deleting_a_posted_movement_is_refused_by_the_model(world, stock, receive):
    (m,) = receive(stock.store_a, stock.rice, 5)
    m.quantity = 50
    with pytest.raises(DomainError):
        m.save()
    with pytest.raises(DomainError):
        m.delete()
    with pytest.raises(DomainError):
        Movement.objects.filter(pk=m.pk).update(quantity=50)
    with pytest.raises(DomainError):
        Movement.objects.filter(pk=m.pk).delete()
    assert Movement.objects.get(pk=m.pk).quantity == 5


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE supplies_movement SET quantity = 50 WHERE id = %s",
        "DELETE FROM supplies_movement WHERE id = %s",
    ],
)
def test_updating_or_deleting_a_movement_in_sql_is_refused_by_the_database(world, stock, receive, sql):
    (m,) = receive(stock.store_a, stock.rice, 5)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [m.pk])
    assert Movement.objects.get(pk=m.pk).quantity == 5


def test_a_back_dated_insert_is_refused_by_the_database(world, stock, receive):
    (m,) = receive(stock.store_a, stock.rice, 5)
    with (
        pytest.raises(DatabaseError, match="before the day"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "INSERT INTO supplies_movement (kind, location_id, item_id, lot_id, quantity, direction, at, "
            "effective_day, reason, issued_to, reference, path) SELECT kind, location_id, item_id, lot_id, "
            "quantity, direction, at, effective_day - 1, reason, issued_to, reference, path "
            "FROM supplies_movement WHERE id = %s",
            [m.pk],
        )


def test_a_reversal_puts_the_stock_back_once(world, stock, receive):
    receive(stock.store_a, stock.rice, 5)
    (issue,) = post_movement(
        user=world.staff_a, kind=MovementKind.ISSUE, location=stock.store_a, item=stock.rice, quantity=3
    )
    (rev,) = reverse_movement(user=world.staff_a, movement=issue, reason="发错了")
    assert (rev.kind, rev.direction, rev.quantity, rev.reverses_id) == (MovementKind.REVERSAL, 1, 3, issue.pk)
    assert Balance.objects.get(location=stock.store_a, item=stock.rice).quantity == 5
    with pytest.raises(DomainError) as err:
        reverse_movement(user=world.staff_a, movement=issue, reason="again")
    assert err.value.code == "already_reversed"
    with pytest.raises(DomainError) as err:
        reverse_movement(user=world.staff_b, movement=issue, reason="not mine")
    assert err.value.code == "not_found"
    assert audit_ledger() == []


def test_the_audit_names_a_balance_that_differs_from_its_ledger(world, stock, receive):
    receive(stock.store_a, stock.rice, 5)
    Balance.objects.filter(location=stock.store_a).update(quantity=7)  # what the ledger's code never does
    [(location, item, _lot, balance, ledger)] = audit_ledger()
    assert (location, item, balance, ledger) == (stock.store_a.pk, stock.rice.pk, 7, 5)
