"""Reversing a posted movement (冲正) from the ledger page, a store's latest movements and the API: the
balance comes back, the original stays as it was, a movement is reversed once and a reversal never; the
reason is required; another community's movement is 404, a role that may not adjust is refused."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lianfang.care.tests.conftest import make_user
from lianfang.core.errors import DomainError
from lianfang.core.roles import Role
from lianfang.supplies.ledger import audit_ledger, post_movement, reverse_movement
from lianfang.supplies.models import Balance, Movement, MovementKind
from lianfang.supplies.services import allocate_supplies, receive_request

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def issued(world, stock, receive):
    """30 bags of rice received at A's store, 10 of them issued: the issue to correct."""
    receive(stock.store_a, stock.rice, 30)
    (issue,) = post_movement(
        user=world.staff_a,
        kind=MovementKind.ISSUE,
        location=stock.store_a,
        item=stock.rice,
        quantity=10,
        reason="3栋1单元101",
    )
    return issue


def rice_at(stock) -> int:
    return Balance.objects.get(location=stock.store_a, item=stock.rice).quantity


def reverse_on_page(client, movement, reason="发错了", next_url=""):
    data = {"reason": reason, **({"next": next_url} if next_url else {})}
    return client.post(reverse("supplies:movement-reverse", args=[movement.pk]), data)


def as_row(m: Movement) -> tuple:
    return (m.kind, m.location_id, m.item_id, m.lot_id, m.quantity, m.direction, m.reason, m.at)


# ------------------------------------------------------------------ the pages
def test_a_store_keeper_reverses_an_issue_from_the_ledger_and_the_stock_comes_back(
    world, stock, issued, login
):
    before = as_row(issued)
    client = login(world.staff_a)
    ledger = reverse("supplies:ledger") + f"?location={stock.store_a.pk}"
    response = reverse_on_page(client, issued, next_url=ledger)
    assert (response.status_code, response["Location"]) == (302, ledger)
    assert rice_at(stock) == 30
    reversal = Movement.objects.get(reverses=issued)
    assert (reversal.kind, reversal.direction, reversal.quantity, reversal.reason) == (
        "reversal",
        1,
        10,
        "发错了",
    )
    assert as_row(Movement.objects.get(pk=issued.pk)) == before
    page = client.get(ledger).content.decode()
    assert "Reversed: 大米 10 袋 at A社区物资站." in page
    issue_row = page.split(f'data-movement="{issued.pk}"')[1].split("</tr>")[0]
    reversal_row = page.split(f'data-movement="{reversal.pk}"')[1].split("</tr>")[0]
    assert 'data-test="reversed"' in issue_row and 'data-test="reverse"' not in issue_row
    assert 'data-test="reverse"' not in reversal_row and 'data-test="reversed"' not in reversal_row
    assert audit_ledger() == []


def test_a_second_reversal_and_the_reversal_of_a_reversal_are_refused_with_their_message(
    world, stock, issued, login
):
    client = login(world.staff_a)
    reverse_on_page(client, issued)
    reversal = Movement.objects.get(reverses=issued)
    again = reverse_on_page(client, issued, reason="again")
    assert again["Location"] == reverse("supplies:ledger")
    assert "This movement was already reversed." in client.get(again["Location"]).content.decode()
    reverse_on_page(client, reversal, reason="undo")
    page = client.get(reverse("supplies:ledger")).content.decode()
    assert "A reversal is not reversed: post the movement again." in page
    assert (Movement.objects.count(), rice_at(stock)) == (3, 30)


def test_a_receipt_whose_stock_has_gone_out_is_not_reversed(world, stock, issued, login):
    receipt = Movement.objects.get(kind=MovementKind.RECEIVE)  # 30 received, 10 of them issued
    client = login(world.staff_a)
    page = client.get(reverse_on_page(client, receipt)["Location"]).content.decode()
    assert "Not enough stock: 大米: 10 袋 short at A社区物资站. Nothing was issued." in page
    assert (Movement.objects.count(), rice_at(stock)) == (2, 20)


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_reversal_without_a_reason_is_refused_and_writes_nothing(world, stock, issued, login, reason):
    client = login(world.staff_a)
    response = reverse_on_page(client, issued, reason=reason)
    assert "Give the reason for the reversal." in client.get(response["Location"]).content.decode()
    assert (Movement.objects.count(), rice_at(stock)) == (2, 20)


def test_the_store_page_reverses_and_comes_back_to_the_store(world, stock, issued, login):
    client = login(world.staff_a)
    store = reverse("supplies:store", args=[stock.store_a.pk])
    page = client.get(store).content.decode()
    assert page.count('data-test="reverse"') == 2  # the receipt and the issue
    response = reverse_on_page(client, issued, next_url=store)
    assert response["Location"] == store and rice_at(stock) == 30
    page = client.get(store).content.decode()
    assert page.count('data-test="reversed"') == 1 and page.count('data-test="reverse"') == 1


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x", "supplies:stock"])
def test_a_next_page_outside_this_site_goes_back_to_the_ledger(world, stock, issued, login, next_url):
    response = reverse_on_page(login(world.staff_a), issued, next_url=next_url)
    assert response["Location"] == reverse("supplies:ledger")


def test_another_communitys_movement_is_404_and_roles_that_may_not_adjust_are_refused(
    world, stock, issued, login
):
    assert reverse_on_page(login(world.staff_b), issued).status_code == 404
    assert reverse_on_page(login(world.grid_a1_worker), issued).status_code == 403
    volunteer = make_user("volunteer_a", Role.VOLUNTEER, area=world.community_a)
    assert reverse_on_page(login(volunteer), issued).status_code == 404  # sees no supplies at all
    assert (Movement.objects.count(), rice_at(stock)) == (2, 20)
    page = login(world.grid_a1_worker).get(reverse("supplies:ledger")).content.decode()
    assert f'data-movement="{issued.pk}"' in page and 'data-test="reverse"' not in page


def test_the_ledger_marks_reversed_movements_without_a_query_per_row(world, stock, receive, login):
    client = login(world.staff_a)
    url = reverse("supplies:ledger")

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    (first,) = receive(stock.store_a, stock.rice, 5)
    reverse_movement(user=world.staff_a, movement=first, reason="x")
    few = queries()
    for _n in range(8):
        (m,) = receive(stock.store_a, stock.disinfectant, 2)
        reverse_movement(user=world.staff_a, movement=m, reason="x")
    assert queries() == few
    assert client.get(url).content.decode().count('data-test="reversed"') == 9


# ------------------------------------------------------------------ the API
def api_reverse(client, headers, movement_id, body):
    return client.post(
        f"/api/v1/supplies/movements/{movement_id}/reversal",
        json.dumps(body) if body is not None else "",
        content_type="application/json",
        **headers,
    )


def test_the_api_reverses_a_movement_once_and_answers_the_reversal(world, stock, issued, client, api_client):
    headers = api_client(world.staff_a)
    response = api_reverse(client, headers, issued.pk, {"reason": "发错了"})
    assert response.status_code == 201
    [out] = response.json()
    assert (out["kind"], out["direction"], out["quantity"], out["reverses_id"], out["by"]) == (
        "reversal", 1, 10, issued.pk, "staff_a",
    )  # fmt: skip
    assert rice_at(stock) == 30
    again = api_reverse(client, headers, issued.pk, {"reason": "again"})
    assert (again.status_code, again.json()["code"]) == (400, "already_reversed")
    of_reversal = api_reverse(client, headers, out["id"], {"reason": "undo"})
    assert (of_reversal.status_code, of_reversal.json()["code"]) == (400, "reversal_of_reversal")
    assert (Movement.objects.count(), rice_at(stock)) == (3, 30)


@pytest.mark.parametrize(
    ("who", "movement", "body", "status", "code"),
    [
        ("staff_a", "issued", {"reason": " "}, 400, "reason_required"),
        ("staff_a", "issued", {}, 422, "invalid"),
        ("staff_a", "issued", {"reason": "x" * 201}, 422, "invalid"),
        ("staff_a", "issued", None, 422, "invalid"),
        ("staff_a", 10**30, {"reason": "x"}, 422, "invalid"),
        ("staff_a", 999999, {"reason": "x"}, 404, "not_found"),
        ("staff_b", "issued", {"reason": "x"}, 404, "not_found"),
        ("staff_b", "issued", None, 404, "not_found"),
        ("guard_a", "issued", {"reason": "x"}, 404, "not_found"),
        ("grid_a1_worker", "issued", {"reason": "x"}, 403, "forbidden"),
    ],
)
def test_the_api_refuses_and_writes_nothing(
    world, stock, issued, client, api_client, who, movement, body, status, code
):
    pk = issued.pk if movement == "issued" else movement
    response = api_reverse(client, api_client(getattr(world, who)), pk, body)
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert (Movement.objects.count(), rice_at(stock)) == (2, 20)


def test_neither_side_of_a_transfer_is_reversed_and_the_page_offers_no_reverse_on_it(
    world, stock, receive, login
):
    """Reversing a request's transfer_out left the request 'sent': the receiver still received it, and the
    same masks were counted twice (the audit stayed empty). A transfer is settled by its request."""
    receive(stock.store_a, stock.masks, 50)
    req = allocate_supplies(
        user=world.staff_a, supplier=stock.store_a, receiver=stock.checkpoint_a, lines=[(stock.masks, 30)]
    )
    receive_request(user=world.staff_a, request=req)
    for kind in (MovementKind.TRANSFER_OUT, MovementKind.TRANSFER_IN):
        moved = Movement.objects.get(kind=kind, request=req)
        with pytest.raises(DomainError) as err:
            reverse_movement(user=world.staff_a, movement=moved, reason="发错了")
        assert err.value.code == "transfer_not_reversed"
    page = login(world.staff_a).get(reverse("supplies:ledger")).content.decode()
    rows = {m.pk: m.kind for m in Movement.objects.all()}
    for pk, kind in rows.items():
        row = page.split(f'data-movement="{pk}"')[1].split("</tr>")[0]
        assert ('data-test="reverse"' in row) == (kind not in ("transfer_out", "transfer_in")), kind
    assert not Movement.objects.filter(kind=MovementKind.REVERSAL).exists()
    assert audit_ledger() == []
