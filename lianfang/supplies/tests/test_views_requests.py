"""The pages of requests and stock-takes: a checkpoint asks its community's store, which commits and sends;
the checkpoint's keeper receives; a count is approved by a second person only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lianfang.supplies.models import Balance, Request, RequestStatus, StockTake, StockTakeStatus

pytestmark = pytest.mark.django_db


def qty(location, item) -> int:
    return sum(Balance.objects.filter(location=location, item=item).values_list("quantity", flat=True))


def test_a_checkpoint_asks_the_store_which_sends_and_it_is_received(world, stock, receive, login):
    receive(stock.store_a, stock.masks, 100)
    guard = login(world.guard_a)
    page = guard.get(reverse("supplies:requests")).content.decode()
    assert 'data-test="request-form"' in page
    guard.post(
        reverse("supplies:request-new"),
        {
            "requester": stock.checkpoint_a.pk,
            "supplier": stock.store_a.pk,
            "item": stock.masks.pk,
            "quantity": 40,
        },
    )
    req = Request.objects.get()
    staff = login(world.staff_a)
    staff.post(reverse("supplies:request-commit", args=[req.pk]))
    staff.post(reverse("supplies:request-send", args=[req.pk]))
    assert (qty(stock.store_a, stock.masks), qty(stock.checkpoint_a, stock.masks)) == (60, 0)
    staff.post(reverse("supplies:request-receive", args=[req.pk]), {f"q_{stock.masks.pk}": "25"})
    req.refresh_from_db()
    assert req.status == RequestStatus.PARTLY_RECEIVED and qty(stock.checkpoint_a, stock.masks) == 25
    assert login(world.staff_b).post(reverse("supplies:request-send", args=[req.pk])).status_code == 404


def test_a_count_is_approved_by_a_second_person_only(world, stock, receive, login):
    receive(stock.store_a, stock.rice, 10)
    lot = Balance.objects.get(location=stock.store_a, item=stock.rice).lot_id
    staff = login(world.staff_a)
    assert (
        f'name="lot_{lot}"'
        in staff.get(reverse("supplies:stocktake", args=[stock.store_a.pk])).content.decode()
    )
    staff.post(reverse("supplies:stocktake-new", args=[stock.store_a.pk]), {f"lot_{lot}": "8"})
    take = StockTake.objects.get()
    staff.post(reverse("supplies:stocktake-decide", args=[take.pk]), {"decision": "approve"})
    take.refresh_from_db()
    assert take.status == StockTakeStatus.COUNTED and qty(stock.store_a, stock.rice) == 10
    login(world.commander).post(reverse("supplies:stocktake-decide", args=[take.pk]), {"decision": "approve"})
    take.refresh_from_db()
    assert take.status == StockTakeStatus.APPROVED and qty(stock.store_a, stock.rice) == 8
