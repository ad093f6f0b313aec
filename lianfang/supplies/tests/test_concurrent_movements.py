"""Clerks posting at once, each on their own database connection (PostgreSQL): the balances they touch are
locked in one fixed order, so no posting deadlocks, no balance ever goes below zero, and at the end every
balance equals the sum of its movements. The last box, issued by two people at once, goes to exactly one."""

from __future__ import annotations

import random
import threading

import pytest
from django.db import connection

from lianfang.core.errors import DomainError
from lianfang.supplies.ledger import Line, audit_ledger, find_lot, post_movement, post_movements
from lianfang.supplies.models import Balance, Movement, MovementKind

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def run_threads(target, n: int) -> list[BaseException]:
    errors: list[BaseException] = []

    def wrapped(i: int) -> None:
        try:
            target(i)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=wrapped, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return errors


def test_random_concurrent_movements_keep_every_balance_equal_to_its_ledger_and_never_negative(
    world, stock, receive
):
    stores = [stock.city, stock.store_a, stock.store_b, stock.checkpoint_a]
    items = [stock.masks, stock.rice, stock.disinfectant]
    lots = {item.pk: [None, find_lot(item=item, code="L1"), find_lot(item=item, code="L2")] for item in items}
    for store in stores:
        for item in items:
            receive(store, item, 20)
    start = threading.Barrier(6)
    refused: list[str] = []
    lowest: list[int] = []

    def clerk(seed: int) -> None:
        rng = random.Random(seed)
        start.wait(30)
        for _ in range(60):
            src, dst = rng.sample(stores, 2)
            item = rng.choice(items)
            n = rng.randint(1, 12)
            lot = rng.choice(lots[item.pk])
            choice = rng.random()
            if choice < 0.3:
                lines = [Line(kind=MovementKind.RECEIVE, location=src, item=item, quantity=n, lot=lot)]
            elif choice < 0.6:
                lines = [Line(kind=MovementKind.ISSUE, location=src, item=item, quantity=n)]
            else:  # a transfer and its opposite, item by item in whatever order the clerk thinks of them
                other = rng.choice(items)
                lines = [
                    Line(
                        kind=MovementKind.TRANSFER_OUT,
                        location=src,
                        item=item,
                        quantity=n,
                        counterpart_id=dst.pk,
                    ),
                    Line(
                        kind=MovementKind.TRANSFER_IN,
                        location=dst,
                        item=item,
                        quantity=n,
                        counterpart_id=src.pk,
                    ),
                    Line(
                        kind=MovementKind.TRANSFER_OUT,
                        location=dst,
                        item=other,
                        quantity=1,
                        counterpart_id=src.pk,
                    ),
                    Line(
                        kind=MovementKind.TRANSFER_IN,
                        location=src,
                        item=other,
                        quantity=1,
                        counterpart_id=dst.pk,
                    ),
                ]
                rng.shuffle(lines)
            try:
                post_movements(user=world.commander, lines=lines)
            except DomainError as err:
                refused.append(err.code)

    def watcher(_i: int) -> None:
        start.wait(30)
        for _ in range(40):
            lowest.append(min(Balance.objects.values_list("quantity", flat=True)))

    errors = run_threads(lambda i: watcher(i) if i == 5 else clerk(i), 6)
    assert errors == []  # no deadlock, no database error
    assert set(refused) <= {"insufficient_stock"}
    assert min(lowest) >= 0
    assert audit_ledger() == []
    assert Movement.objects.count() > 12 + 100


def test_the_last_box_issued_by_two_people_at_once_goes_to_exactly_one(world, stock, receive):
    receive(stock.store_a, stock.disinfectant, 1)
    start = threading.Barrier(2)
    done: list[str] = []

    def clerk(_i: int) -> None:
        start.wait(30)
        try:
            post_movement(
                user=world.staff_a,
                kind=MovementKind.ISSUE,
                location=stock.store_a,
                item=stock.disinfectant,
                quantity=1,
            )
            done.append("issued")
        except DomainError as err:
            done.append(err.code)

    assert run_threads(clerk, 2) == []
    assert sorted(done) == ["insufficient_stock", "issued"]
    assert Balance.objects.get(location=stock.store_a, item=stock.disinfectant).quantity == 0
    assert Movement.objects.filter(kind=MovementKind.ISSUE).count() == 1
