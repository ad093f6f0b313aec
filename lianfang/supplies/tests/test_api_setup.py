"""The setting-up API: the city's items listed and added (201; a name used twice 400 `item_exists`), a store
opened (201), an item's minimum level at a store read and set (PUT; the answer says whether it is now low);
refusals answer {"code", "message"}: 400 bad numbers, 403 a role that may not, 404 out of scope, 422 a body
that does not validate — and change nothing."""

from __future__ import annotations

import json

import pytest

from lianfang.supplies.models import Item, Location, Threshold

pytestmark = pytest.mark.django_db


def send(client, method, url, headers, body):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json", **headers)


def level_url(store, item):
    return f"/api/v1/supplies/stores/{store.pk}/thresholds/{item.pk}"


def test_items_listed_and_added(world, stock, client, api_client):
    headers = api_client(world.staff_a)
    names = [i["name"] for i in client.get("/api/v1/supplies/items", **headers).json()]
    assert names == ["消毒液", "大米", "口罩"]  # by category: disinfection, food, protective
    body = {"name": "体温计", "unit": "支", "category": "medical", "household_limit": None, "limit_days": 7}
    response = send(client, "post", "/api/v1/supplies/items", headers, body)
    assert response.status_code == 201
    assert response.json() | {"id": 0} == {**body, "id": 0, "is_active": True}
    response = send(client, "post", "/api/v1/supplies/items", headers, {**body, "name": " 体温计 "})
    assert (response.status_code, response.json()["code"]) == (400, "item_exists")
    assert Item.objects.count() == 4


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"household_limit": 0}, 400, "limit_invalid"),
        ({"limit_days": 367}, 400, "limit_days_invalid"),
        ({"name": "口" * 61}, 400, "name_too_long"),
        ({"category": "weapons"}, 422, "invalid"),
        ({"limit_days": "a week"}, 422, "invalid"),
    ],
)
def test_bad_items_are_refused_and_add_nothing(world, client, api_client, change, status, code):
    body = {"name": "体温计", "unit": "支", "category": "medical", **change}
    response = send(client, "post", "/api/v1/supplies/items", api_client(world.staff_a), body)
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert not Item.objects.exists()


def test_other_roles_may_not_add_items_or_open_stores(world, client, api_client):
    for who in ("grid_a1_worker", "guard_a"):
        headers = api_client(getattr(world, who))
        body = {"name": "体温计", "unit": "支", "category": "medical"}
        assert send(client, "post", "/api/v1/supplies/items", headers, body).status_code == 403
        body = {"kind": "community", "name": "A社区物资站", "area_id": world.community_a.pk}
        assert send(client, "post", "/api/v1/supplies/stores", headers, body).status_code == 403
    assert not Item.objects.exists() and not Location.objects.exists()


def test_a_store_opened_in_scope_and_refused_out_of_it(world, client, api_client):
    headers = api_client(world.staff_a)
    body = {"kind": "checkpoint", "name": "东门卡点", "gate_id": world.gate_a.pk}
    response = send(client, "post", "/api/v1/supplies/stores", headers, body)
    assert response.status_code == 201
    assert (
        response.json()["gate_id"] == world.gate_a.pk and response.json()["area_id"] == world.community_a.pk
    )
    response = send(client, "post", "/api/v1/supplies/stores", headers, body)
    assert (response.status_code, response.json()["code"]) == (400, "store_exists")
    body = {"kind": "community", "name": "B社区物资站", "area_id": world.community_b.pk}
    response = send(client, "post", "/api/v1/supplies/stores", headers, body)
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    response = send(client, "post", "/api/v1/supplies/stores", headers, {**body, "kind": "shop"})
    assert response.status_code == 422
    assert Location.objects.count() == 1


def test_a_minimum_level_read_and_set_says_whether_the_item_is_low(world, stock, receive, client, api_client):
    receive(stock.store_a, stock.rice, 4)
    headers = api_client(world.staff_a)
    url = level_url(stock.store_a, stock.rice)
    assert client.get(url, **headers).json() == {
        "store_id": stock.store_a.pk, "item_id": stock.rice.pk, "minimum": 0, "days_of_cover": None,
        "low_since": None, "stock": 4, "level": 0, "low": False,
    }  # fmt: skip
    response = send(client, "put", url, headers, {"minimum": 10})
    assert response.status_code == 200
    assert (response.json()["minimum"], response.json()["level"], response.json()["low"]) == (10, 10, True)
    response = send(client, "put", url, headers, {"minimum": 10, "days_of_cover": 91})
    assert (response.status_code, response.json()["code"]) == (400, "cover_days_invalid")
    response = send(client, "put", url, headers, {"minimum": "ten"})
    assert response.status_code == 422
    assert Threshold.objects.get().days_of_cover is None
    response = send(client, "put", url, headers, {"minimum": 0})
    assert (response.status_code, response.json()["low"]) == (200, False)
    assert not Threshold.objects.exists()


def test_a_minimum_level_out_of_scope_or_of_another_role_is_refused(world, stock, client, api_client):
    url = level_url(stock.store_a, stock.rice)
    response = send(client, "put", url, api_client(world.staff_b), {"minimum": 3})
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert client.get(url, **api_client(world.staff_b)).status_code == 404
    response = send(
        client, "put", level_url(stock.checkpoint_a, stock.rice), api_client(world.guard_a), {"minimum": 3}
    )
    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    response = send(
        client,
        "put",
        f"/api/v1/supplies/stores/{stock.store_a.pk}/thresholds/0",
        api_client(world.staff_a),
        {"minimum": 3},
    )
    assert response.status_code == 422
    assert not Threshold.objects.exists()
