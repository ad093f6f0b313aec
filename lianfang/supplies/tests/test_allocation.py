"""Stock sent down unasked (调拨/下拨): the city warehouse allocates to a community store, which sees it in
transit and receives it, partly then fully, with the existing receive flow; the ledger still adds up. Short
stock refuses the whole allocation and leaves no request behind; a store not strictly below the supplier is
refused; a supplier out of scope is 404, a role that may not issue 403 — on the page and in the API."""

from __future__ import annotations

import datetime
import json

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from lianfang.care.tests.conftest import make_user
from lianfang.core.errors import DomainError
from lianfang.core.roles import Role
from lianfang.supplies.ledger import audit_ledger, find_lot
from lianfang.supplies.models import (
    Balance,
    Location,
    LocationKind,
    Movement,
    MovementKind,
    Request,
    RequestLine,
    RequestStatus,
)
from lianfang.supplies.services import allocate_supplies

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def qty(location, item) -> int:
    return sum(Balance.objects.filter(location=location, item=item).values_list("quantity", flat=True))


@pytest.fixture
def city_stock(world, stock, receive):
    """The city warehouse holds 1,000 masks in two lots (the earlier expiry first out) and 40 bags of rice."""
    soon = find_lot(
        item=stock.masks, code="KZ-1", expires_on=timezone.localdate() + datetime.timedelta(days=90)
    )
    later = find_lot(
        item=stock.masks, code="KZ-2", expires_on=timezone.localdate() + datetime.timedelta(days=400)
    )
    receive(stock.city, stock.masks, 400, lot=soon)
    receive(stock.city, stock.masks, 600, lot=later)
    receive(stock.city, stock.rice, 40)
    return soon, later


@pytest.fixture
def district(world, stock):
    """The district's warehouse, between the city's and the communities', and its keeper."""
    warehouse = Location.objects.create(
        name="田家庵区物资仓库", kind=LocationKind.DISTRICT_WAREHOUSE, area=world.district,
        path=world.district.path,
    )  # fmt: skip
    return warehouse, make_user("district_keeper", Role.COMMAND, area=world.district)


def written() -> tuple[int, int, int]:
    return Request.objects.count(), RequestLine.objects.count(), Movement.objects.count()


# ------------------------------------------------------------------ the service, the whole path
def test_an_allocation_is_in_transit_then_received_partly_and_fully_and_the_ledger_adds_up(
    world, stock, city_stock, login
):
    soon, later = city_stock
    req = allocate_supplies(
        user=world.commander,
        supplier=stock.city,
        receiver=stock.store_a,
        lines=[(stock.masks, 500), (stock.rice, 10)],
        note="第一批捐赠口罩",
    )
    assert (req.status, req.requester_id, req.supplier_id, req.note) == (
        RequestStatus.SENT, stock.store_a.pk, stock.city.pk, "第一批捐赠口罩",
    )  # fmt: skip
    lines = {x.item_id: (x.asked, x.committed, x.sent, x.received) for x in req.lines.all()}
    assert lines == {stock.masks.pk: (500, 500, 500, 0), stock.rice.pk: (10, 10, 10, 0)}
    out = Movement.objects.filter(request=req, kind=MovementKind.TRANSFER_OUT)
    assert sorted((m.lot_id, m.quantity) for m in out if m.item_id == stock.masks.pk) == sorted(
        [(soon.pk, 400), (later.pk, 100)]
    )  # first to expire, first out
    assert (qty(stock.city, stock.masks), qty(stock.store_a, stock.masks)) == (500, 0)

    # A's keeper sees it in transit on the requests page and receives it there: 200 masks, then the rest.
    staff = login(world.staff_a)
    page = staff.get(reverse("supplies:requests")).content.decode()
    assert f'data-request="{req.pk}" data-status="sent"' in page
    staff.post(reverse("supplies:request-receive", args=[req.pk]), {f"q_{stock.masks.pk}": "200"})
    req.refresh_from_db()
    assert req.status == RequestStatus.PARTLY_RECEIVED and qty(stock.store_a, stock.masks) == 200
    staff.post(reverse("supplies:request-receive", args=[req.pk]))
    req.refresh_from_db()
    assert req.status == RequestStatus.RECEIVED
    assert (qty(stock.store_a, stock.masks), qty(stock.store_a, stock.rice)) == (500, 10)
    assert Balance.objects.get(location=stock.store_a, lot=soon).quantity == 400  # the lots travel
    assert (qty(stock.city, stock.masks), qty(stock.city, stock.rice)) == (500, 30)
    assert audit_ledger() == []


def test_short_stock_refuses_the_whole_allocation_and_leaves_nothing_behind(world, stock, city_stock):
    before = written()
    with pytest.raises(DomainError) as err:
        allocate_supplies(
            user=world.commander,
            supplier=stock.city,
            receiver=stock.store_a,
            lines=[(stock.masks, 100), (stock.rice, 41)],
        )
    assert err.value.code == "insufficient_stock"
    assert (
        str(err.value.message) == "Not enough stock: 大米: 1 袋 short at 市应急物资仓库. Nothing was issued."
    )
    assert written() == before
    assert (qty(stock.city, stock.masks), qty(stock.city, stock.rice)) == (1000, 40)


def test_a_store_not_strictly_below_the_supplier_is_refused(world, stock, city_stock, receive, district):
    receive(stock.store_a, stock.rice, 20)
    beside = Location.objects.create(  # the same area as A's store: beside it, not below
        name="A社区第二物资站", kind=LocationKind.COMMUNITY_STORE, area=world.community_a,
        path=world.community_a.path,
    )  # fmt: skip
    closed = Location.objects.create(
        name="B社区停用物资站", kind=LocationKind.COMMUNITY_STORE, area=world.community_b,
        path=world.community_b.path, is_active=False,
    )  # fmt: skip
    before = written()
    # A's store: the city above, itself, B's store beside, a second store of the same area.
    for receiver in (stock.city, stock.store_a, stock.store_b, beside, 999999):
        with pytest.raises(DomainError) as err:
            allocate_supplies(user=world.staff_a, supplier=stock.store_a, receiver=receiver,
                              lines=[(stock.rice, 1)])  # fmt: skip
        assert err.value.code == "receiver_invalid", receiver
        assert str(err.value.message) == "Send to an active store below A社区物资站."
    for receiver in (closed, district[0]):  # a store no longer in use; the district above B
        with pytest.raises(DomainError) as err:
            allocate_supplies(user=world.commander, supplier=stock.store_b, receiver=receiver,
                              lines=[(stock.rice, 1)])  # fmt: skip
        assert err.value.code == "receiver_invalid", receiver
    assert written() == before


def test_a_district_warehouse_allocates_to_a_community_of_its_district(world, stock, receive, district):
    warehouse, keeper = district
    stock.keepers[warehouse.pk] = keeper
    receive(warehouse, stock.masks, 100)
    req = allocate_supplies(
        user=keeper, supplier=warehouse, receiver=stock.store_b, lines=[(stock.masks, 60)]
    )
    assert (req.status, req.path, qty(warehouse, stock.masks)) == (RequestStatus.SENT, stock.store_b.path, 40)
    with pytest.raises(DomainError) as err:  # the city's warehouse is above the district's: out of its scope
        allocate_supplies(user=keeper, supplier=stock.city, receiver=stock.store_b, lines=[(stock.masks, 1)])
    assert err.value.code == "not_found"


def test_a_supplier_out_of_scope_is_404_and_a_role_that_may_not_issue_403(world, stock, city_stock):
    cases = [(world.staff_a, stock.city, "not_found"), (world.grid_a1_worker, stock.store_a, "forbidden")]
    for user, supplier, code in cases:
        with pytest.raises(DomainError) as err:
            allocate_supplies(
                user=user, supplier=supplier, receiver=stock.checkpoint_a, lines=[(stock.rice, 1)]
            )
        assert err.value.code == code
    with pytest.raises(DomainError) as err:
        allocate_supplies(
            user=world.commander, supplier=stock.city, receiver=stock.store_a, lines=[(stock.rice, 0)]
        )
    assert err.value.code == "quantity_not_positive"
    assert Request.objects.count() == 0


# ------------------------------------------------------------------ the store page
def test_the_store_page_offers_the_stores_below_to_those_who_issue(world, stock, city_stock, login, district):
    warehouse, keeper = district
    page = login(world.commander).get(reverse("supplies:store", args=[stock.city.pk])).content.decode()
    form = page.split('data-test="allocate"')[1].split("</details>")[0]
    assert all(s.name in form for s in (warehouse, stock.store_a, stock.store_b, stock.checkpoint_a))
    assert "市应急物资仓库" not in form
    page = login(keeper).get(reverse("supplies:store", args=[warehouse.pk])).content.decode()
    form = page.split('data-test="allocate"')[1].split("</details>")[0]
    assert stock.store_a.name in form and "田家庵区物资仓库" not in form
    page = login(world.staff_a).get(reverse("supplies:store", args=[stock.store_a.pk])).content.decode()
    form = page.split('data-test="allocate"')[1].split("</details>")[0]  # its own checkpoint is below it
    assert stock.checkpoint_a.name in form and stock.store_b.name not in form
    page = login(world.staff_a).get(reverse("supplies:store", args=[stock.checkpoint_a.pk])).content.decode()
    assert 'data-test="allocate"' not in page  # nothing is below a checkpoint
    page = (
        login(world.grid_a1_worker).get(reverse("supplies:store", args=[stock.store_a.pk])).content.decode()
    )
    assert 'data-test="allocate"' not in page


def test_the_store_page_allocates_and_shows_a_refusal(world, stock, city_stock, login):
    client = login(world.commander)
    url = reverse("supplies:store-allocate", args=[stock.city.pk])
    data = {"receiver": stock.store_a.pk, "item": stock.masks.pk, "quantity": 300, "note": "下拨"}
    response = client.post(url, data, follow=True)
    assert response.redirect_chain[-1][0] == reverse("supplies:store", args=[stock.city.pk])
    assert "Sent to A社区物资站: 口罩 300 只, in transit until it is received." in response.content.decode()
    assert Request.objects.get().status == RequestStatus.SENT and qty(stock.city, stock.masks) == 700
    page = client.post(url, {**data, "quantity": 701}, follow=True).content.decode()
    assert "Not enough stock: 口罩: 1 只 short at 市应急物资仓库. Nothing was issued." in page
    page = client.post(url, {**data, "quantity": 0}, follow=True).content.decode()
    assert "Ensure this value is greater than or equal to 1." in page
    page = client.post(url, {**data, "receiver": stock.city.pk}, follow=True).content.decode()
    assert "Send to an active store below 市应急物资仓库." in page
    assert Request.objects.count() == 1 and qty(stock.city, stock.masks) == 700


def test_the_page_answers_404_out_of_scope_and_403_to_a_role_that_may_not_issue(
    world, stock, city_stock, login
):
    data = {"receiver": stock.checkpoint_a.pk, "item": stock.masks.pk, "quantity": 1}
    assert (
        login(world.staff_b)
        .post(reverse("supplies:store-allocate", args=[stock.store_a.pk]), data)
        .status_code
        == 404
    )
    assert (
        login(world.staff_a).post(reverse("supplies:store-allocate", args=[stock.city.pk]), data).status_code
        == 404
    )
    grid = login(world.grid_a1_worker)
    assert grid.post(reverse("supplies:store-allocate", args=[stock.store_a.pk]), data).status_code == 403
    assert Request.objects.count() == 0


# ------------------------------------------------------------------ the API
def api_allocate(client, headers, body):
    return client.post(
        "/api/v1/supplies/allocations", json.dumps(body), content_type="application/json", **headers
    )


def test_the_api_allocates_and_answers_the_movements_in_transit(world, stock, city_stock, client, api_client):
    body = {
        "supplier_id": stock.city.pk,
        "receiver_id": stock.store_a.pk,
        "lines": [{"item_id": stock.masks.pk, "quantity": 450}],
        "note": "下拨",
    }
    response = api_allocate(client, api_client(world.commander), body)
    assert response.status_code == 201
    out = response.json()
    req = Request.objects.get()
    assert (out["request_id"], out["supplier_id"], out["receiver_id"], out["status"]) == (
        req.pk, stock.city.pk, stock.store_a.pk, "sent",
    )  # fmt: skip
    assert sorted((m["kind"], m["quantity"], m["direction"], m["by"]) for m in out["movements"]) == [
        ("transfer_out", 50, -1, "commander"), ("transfer_out", 400, -1, "commander"),
    ]  # fmt: skip
    assert qty(stock.city, stock.masks) == 550


def line(item, n):
    return {"item_id": item, "quantity": n}


@pytest.mark.parametrize(
    ("who", "change", "status", "code"),
    [
        (
            "commander",
            lambda s: {"lines": [line(s.rice.pk, 41), line(s.masks.pk, 1)]},
            400,
            "insufficient_stock",
        ),
        ("commander", lambda s: {"lines": [line(s.rice.pk, 0)]}, 400, "quantity_not_positive"),
        ("commander", lambda s: {"lines": [line("大米", 1)]}, 422, "invalid"),
        ("commander", lambda s: {"lines": []}, 422, "invalid"),
        ("commander", lambda s: {"lines": [line(999999, 1)]}, 400, "item_unknown"),
        ("commander", lambda s: {"receiver_id": s.city.pk}, 400, "receiver_invalid"),
        ("commander", lambda s: {"receiver_id": 10**30}, 422, "invalid"),
        ("commander", lambda s: {"note": "x" * 201}, 422, "invalid"),
        ("staff_a", lambda s: {}, 404, "not_found"),  # the city's warehouse is not staff_a's
        ("grid_a1_worker", lambda s: {"supplier_id": s.store_a.pk}, 403, "forbidden"),
    ],
)
def test_the_api_refuses_and_writes_nothing(
    world, stock, city_stock, client, api_client, who, change, status, code
):
    body = {
        "supplier_id": stock.city.pk,
        "receiver_id": stock.checkpoint_a.pk,
        "lines": [line(stock.rice.pk, 1)],
        **change(stock),
    }
    before = written()
    response = api_allocate(client, api_client(getattr(world, who)), body)
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert written() == before


def test_a_community_store_sends_its_own_checkpoint_masks_and_the_checkpoint_sends_nothing_up(
    world, stock, receive
):
    """A checkpoint shares its community's path; it is below its community's store (which supplies it), and
    the store is not below the checkpoint."""
    receive(stock.store_a, stock.masks, 50)
    req = allocate_supplies(
        user=world.staff_a, supplier=stock.store_a, receiver=stock.checkpoint_a, lines=[(stock.masks, 30)]
    )
    assert (req.status, req.requester_id, qty(stock.store_a, stock.masks)) == (
        RequestStatus.SENT,
        stock.checkpoint_a.pk,
        20,
    )
    receive(stock.checkpoint_a, stock.rice, 5)
    with pytest.raises(DomainError) as err:
        allocate_supplies(
            user=world.staff_a, supplier=stock.checkpoint_a, receiver=stock.store_a, lines=[(stock.rice, 1)]
        )
    assert err.value.code == "receiver_invalid"
