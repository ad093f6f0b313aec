"""The supplies API: balances and movements of the caller's scope; posting a movement answers 201 with
what was written, a refusal answers {"code", "message"} (400 short, 403 role, 404 out of scope), and
bad input changes nothing."""

from __future__ import annotations

import json

import pytest

from lianfang.supplies.models import Movement

pytestmark = pytest.mark.django_db


def post(client, headers, body):
    return client.post(
        "/api/v1/supplies/movements", json.dumps(body), content_type="application/json", **headers
    )


def test_balances_and_movements_of_the_callers_scope_only(world, stock, receive, client, api_client):
    receive(stock.store_a, stock.masks, 30)
    receive(stock.store_b, stock.rice, 5)
    headers = api_client(world.staff_a)
    balances = client.get("/api/v1/supplies/balances", **headers).json()
    assert [(b["location"], b["item"], b["quantity"]) for b in balances] == [("A社区物资站", "口罩", 30)]
    moves = client.get("/api/v1/supplies/movements", **headers).json()
    assert [(m["kind"], m["quantity"], m["direction"]) for m in moves] == [("receive", 30, 1)]
    guard = client.get("/api/v1/supplies/balances", **api_client(world.guard_a)).json()
    assert guard == []  # the checkpoint holds nothing; community A's store is not the guard's


def test_posting_an_issue_answers_201_and_a_shortage_400(world, stock, receive, client, api_client):
    receive(stock.store_a, stock.masks, 30)
    headers = api_client(world.staff_a)
    body = {"kind": "issue", "location_id": stock.store_a.pk, "item_id": stock.masks.pk, "quantity": 12}
    response = post(client, headers, body)
    assert response.status_code == 201
    assert [(m["quantity"], m["by"]) for m in response.json()] == [(12, "staff_a")]
    response = post(client, headers, {**body, "quantity": 19})
    assert (response.status_code, response.json()["code"]) == (400, "insufficient_stock")


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"quantity": 0}, 400, "quantity_not_positive"),
        ({"quantity": -3}, 400, "quantity_not_positive"),
        ({"quantity": "lots"}, 422, "invalid"),
        ({"kind": "teleport"}, 422, "invalid"),
        ({"location_id": 10**30}, 422, "invalid"),
        ({"household_id": 999999}, 404, "not_found"),
        ({"item_id": 999999}, 400, "item_unknown"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(
    world, stock, receive, client, api_client, change, status, code
):
    receive(stock.store_a, stock.masks, 30)
    body = {
        "kind": "issue",
        "location_id": stock.store_a.pk,
        "item_id": stock.masks.pk,
        "quantity": 1,
        **change,
    }
    response = post(client, api_client(world.staff_a), body)
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert Movement.objects.count() == 1


def test_another_communitys_store_is_404_and_gate_duty_may_not_issue(
    world, stock, receive, client, api_client
):
    receive(stock.store_a, stock.masks, 30)
    body = {"kind": "issue", "location_id": stock.store_a.pk, "item_id": stock.masks.pk, "quantity": 1}
    assert post(client, api_client(world.staff_b), body).status_code == 404
    body["location_id"] = stock.checkpoint_a.pk
    assert post(client, api_client(world.guard_a), body).status_code == 403
    assert Movement.objects.count() == 1
