"""GET /api/v1/households/{id}: a household with its members; out of scope is 404."""

import datetime

from lianfang.conftest import id_for


def url(household) -> str:
    return f"/api/v1/households/{household.id}"


def test_anonymous_caller_gets_401(client, world):
    response = client.get(url(world.household_a1))

    assert response.status_code == 401
    assert set(response.json()) >= {"code", "message"}


def test_community_staff_reads_a_household_of_their_community(client, world, api_client):
    h = world.household_a1

    response = client.get(url(h), **api_client(world.staff_a))

    assert response.status_code == 200
    body = response.json()
    assert body["label"] == "3栋1单元101"
    assert body["compound_id"] == world.compound_a.id
    assert body["unit_id"] == h.unit_id
    assert body["building_id"] == h.unit.building_id
    assert body["grid_id"] == world.grid_a1.id
    assert [m["name"] for m in body["members"]] == ["张三"]


def test_members_carry_masked_id_numbers_only(client, world, api_client):
    full = id_for(datetime.date(1980, 5, 17), 12, "M")

    response = client.get(url(world.household_a1), **api_client(world.health_a))

    assert full not in response.content.decode()
    assert response.json()["members"][0]["id_number"].count("*") == 8


def test_a_household_outside_the_scope_answers_404_like_a_missing_one(client, world, api_client):
    headers = api_client(world.staff_a)

    outside = client.get(url(world.household_b), **headers)
    missing = client.get("/api/v1/households/999999", **headers)

    assert outside.status_code == missing.status_code == 404
    assert outside.json() == missing.json() == {"code": "not_found", "message": outside.json()["message"]}


def test_a_grid_worker_cannot_read_a_household_of_the_other_grid(client, world, api_client):
    headers = api_client(world.grid_a1_worker)

    assert client.get(url(world.household_a1), **headers).status_code == 200
    assert client.get(url(world.household_a2), **headers).status_code == 404


def test_a_resident_reads_their_own_household_and_no_other(login, world):
    client = login(world.resident_a)

    assert client.get(url(world.household_a1)).status_code == 200
    assert client.get(url(world.household_a2)).status_code == 404


def test_a_gate_guard_cannot_read_households(client, world, api_client):
    response = client.get(url(world.household_a1), **api_client(world.guard_a))

    assert response.status_code == 404


def test_reading_a_household_takes_a_fixed_number_of_queries(
    client, world, api_client, django_assert_max_num_queries
):
    headers = api_client(world.staff_a)

    with django_assert_max_num_queries(4):
        response = client.get(url(world.household_a1), **headers)

    assert response.status_code == 200
