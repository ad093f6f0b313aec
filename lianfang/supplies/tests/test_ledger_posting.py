"""Posting movements: a balance is the sum of its movements; a refused posting writes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from lianfang.core.errors import DomainError
from lianfang.supplies.ledger import Line, audit_ledger, find_lot, post_movement, post_movements
from lianfang.supplies.models import Balance, Movement, MovementKind

pytestmark = pytest.mark.django_db


def on_hand(location, item) -> int:
    return sum(Balance.objects.filter(location=location, item=item).values_list("quantity", flat=True))


def test_receiving_then_issuing_leaves_the_difference_and_the_ledger_agrees(world, stock, receive):
    receive(stock.store_a, stock.masks, 500)
    post_movement(
        user=world.staff_a, kind=MovementKind.ISSUE, location=stock.store_a, item=stock.masks, quantity=120
    )
    assert on_hand(stock.store_a, stock.masks) == 380
    assert Movement.objects.count() == 2
    assert audit_ledger() == []


def test_issuing_more_than_the_balance_is_refused_and_writes_nothing(world, stock, receive):
    receive(stock.store_a, stock.masks, 10)
    with pytest.raises(DomainError) as err:
        post_movement(
            user=world.staff_a, kind=MovementKind.ISSUE, location=stock.store_a, item=stock.masks, quantity=11
        )
    assert err.value.code == "insufficient_stock"
    assert "口罩" in str(err.value.message) and "1 只" in str(err.value.message)
    assert on_hand(stock.store_a, stock.masks) == 10
    assert Movement.objects.count() == 1


@pytest.mark.parametrize("quantity", [0, -5, "", "abc", 1.5, True, "3.0", 10**12])
def test_a_quantity_that_is_not_a_whole_number_above_zero_is_refused(world, stock, receive, quantity):
    receive(stock.store_a, stock.masks, 10)
    with pytest.raises(DomainError) as err:
        post_movement(
            user=world.staff_a,
            kind=MovementKind.ISSUE,
            location=stock.store_a,
            item=stock.masks,
            quantity=quantity,
        )
    assert err.value.code.startswith("quantity_")
    assert Movement.objects.count() == 1


def test_a_store_out_of_the_users_scope_answers_not_found(world, stock):
    with pytest.raises(DomainError) as err:
        post_movement(
            user=world.staff_b,
            kind=MovementKind.RECEIVE,
            location=stock.store_a,
            item=stock.masks,
            quantity=5,
        )
    assert (err.value.code, err.value.status) == ("not_found", 404)
    assert not Movement.objects.exists()


@pytest.mark.parametrize("persona", ["grid_a1_worker", "health_a", "guard_a", "resident_a"])
def test_roles_that_keep_no_store_may_not_receive_stock(world, stock, persona):
    with pytest.raises(DomainError) as err:
        post_movement(
            user=getattr(world, persona),
            kind=MovementKind.RECEIVE,
            location=stock.store_a,
            item=stock.masks,
            quantity=5,
        )
    assert err.value.status == 403
    assert not Movement.objects.exists()


def test_the_command_centre_keeps_the_city_warehouse_and_reaches_every_store_below(world, stock):
    post_movement(
        user=world.commander, kind=MovementKind.RECEIVE, location=stock.city, item=stock.rice, quantity=50
    )
    post_movement(
        user=world.commander, kind=MovementKind.RECEIVE, location=stock.store_b, item=stock.rice, quantity=5
    )
    assert on_hand(stock.city, stock.rice) == 50
    assert on_hand(stock.store_b, stock.rice) == 5


def test_a_lot_past_its_expiry_is_neither_received_nor_issued_but_can_be_written_off(world, stock, receive):
    today = timezone.localdate()
    old = find_lot(item=stock.disinfectant, code="D-1", expires_on=today + datetime.timedelta(days=1))
    receive(stock.store_a, stock.disinfectant, 4, lot=old)
    later = timezone.now() + datetime.timedelta(days=3)
    with pytest.raises(DomainError) as err:
        post_movement(
            user=world.staff_a,
            kind=MovementKind.RECEIVE,
            location=stock.store_a,
            item=stock.disinfectant,
            quantity=1,
            lot=old,
            now=later,
        )
    assert err.value.code == "lot_expired"
    with pytest.raises(DomainError) as err:
        post_movement(
            user=world.staff_a,
            kind=MovementKind.ISSUE,
            location=stock.store_a,
            item=stock.disinfectant,
            quantity=1,
            lot=old,
            now=later,
        )
    assert err.value.code == "lot_expired"
    with pytest.raises(DomainError) as err:  # FEFO never takes it either
        post_movement(
            user=world.staff_a,
            kind=MovementKind.ISSUE,
            location=stock.store_a,
            item=stock.disinfectant,
            quantity=1,
            now=later,
        )
    assert err.value.code == "insufficient_stock"
    post_movement(
        user=world.staff_a,
        kind=MovementKind.WRITE_OFF,
        location=stock.store_a,
        item=stock.disinfectant,
        quantity=4,
        lot=old,
        now=later,
        reason="过期",
    )
    assert on_hand(stock.store_a, stock.disinfectant) == 0


def test_a_movement_dated_before_today_or_after_it_is_refused(world, stock):
    today = timezone.localdate()
    for day, code in (
        (today - datetime.timedelta(days=1), "backdated"),
        (today + datetime.timedelta(days=1), "date_in_future"),
    ):
        with pytest.raises(DomainError) as err:
            post_movement(
                user=world.staff_a,
                kind=MovementKind.RECEIVE,
                location=stock.store_a,
                item=stock.rice,
                quantity=1,
                effective_day=day,
            )
        assert err.value.code == code
    assert not Movement.objects.exists()


def test_an_adjustment_needs_a_reason_and_a_direction(world, stock, receive):
    receive(stock.store_a, stock.rice, 5)
    with pytest.raises(DomainError) as err:
        post_movement(
            user=world.staff_a,
            kind=MovementKind.ADJUST,
            location=stock.store_a,
            item=stock.rice,
            quantity=1,
            direction=-1,
        )
    assert err.value.code == "reason_required"
    with pytest.raises(DomainError) as err:
        post_movement(
            user=world.staff_a,
            kind=MovementKind.ADJUST,
            location=stock.store_a,
            item=stock.rice,
            quantity=1,
            reason="破损",
        )
    assert err.value.code == "direction_invalid"
    post_movement(
        user=world.staff_a,
        kind=MovementKind.ADJUST,
        location=stock.store_a,
        item=stock.rice,
        quantity=2,
        direction=-1,
        reason="破损",
    )
    assert on_hand(stock.store_a, stock.rice) == 3


def test_a_lot_of_another_item_is_refused(world, stock, receive):
    lot = find_lot(item=stock.rice, code="R1")
    with pytest.raises(DomainError) as err:
        post_movement(
            user=world.staff_a,
            kind=MovementKind.RECEIVE,
            location=stock.store_a,
            item=stock.masks,
            quantity=1,
            lot=lot,
        )
    assert err.value.code == "lot_unknown"


def test_one_short_line_refuses_the_whole_posting(world, stock, receive):
    receive(stock.store_a, stock.rice, 5)
    receive(stock.store_a, stock.masks, 5)
    with pytest.raises(DomainError) as err:
        post_movements(
            user=world.staff_a,
            lines=[
                Line(kind=MovementKind.ISSUE, location=stock.store_a, item=stock.rice, quantity=2),
                Line(kind=MovementKind.ISSUE, location=stock.store_a, item=stock.masks, quantity=6),
            ],
        )
    assert err.value.code == "insufficient_stock"
    assert on_hand(stock.store_a, stock.rice) == 5
    assert Movement.objects.count() == 2
