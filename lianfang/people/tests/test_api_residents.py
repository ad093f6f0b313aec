"""GET /api/v1/residents?q=...: search inside the caller's scope; ID numbers are always masked."""

import datetime

from lianfang.conftest import id_for

URL = "/api/v1/residents"
ZHANG_SAN_ID = id_for(datetime.date(1980, 5, 17), 12, "M")


def test_anonymous_caller_gets_401_with_code_and_message(client, world):
    response = client.get(URL, {"q": "张"})

    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "unauthorized"
    assert body["message"]


def test_community_staff_finds_a_resident_of_their_community_by_name(client, world, api_client):
    response = client.get(URL, {"q": "张三"}, **api_client(world.staff_a))

    assert response.status_code == 200
    [item] = response.json()
    assert item["id"] == world.zhang_san.id
    assert item["name"] == "张三"
    assert item["household_id"] == world.household_a1.id
    assert item["household"] == "阳光小区 3栋1单元101"


def test_the_full_id_number_never_leaves_the_api(client, world, api_client):
    response = client.get(URL, {"q": "zs"}, **api_client(world.staff_a))

    assert response.status_code == 200
    assert ZHANG_SAN_ID not in response.content.decode()
    assert response.json()[0]["id_number"] == f"340403********{ZHANG_SAN_ID[-4:]}"


def test_an_outsider_does_not_find_residents_of_another_community(client, world, api_client):
    response = client.get(URL, {"q": "张三"}, **api_client(world.staff_b))

    assert response.status_code == 200
    assert response.json() == []


def test_a_grid_worker_finds_only_residents_of_their_grid(client, world, api_client):
    headers = api_client(world.grid_a1_worker)

    assert [r["name"] for r in client.get(URL, {"q": "张三"}, **headers).json()] == ["张三"]
    assert client.get(URL, {"q": "李四"}, **headers).json() == []


def test_search_by_the_last_four_digits_of_the_phone(client, world, api_client):
    response = client.get(URL, {"q": "5678"}, **api_client(world.commander))

    assert [r["name"] for r in response.json()] == ["李四"]


def test_an_empty_query_is_refused_with_a_clear_message(client, world, api_client):
    response = client.get(URL, {"q": "  "}, **api_client(world.staff_a))

    assert response.status_code == 400
    assert response.json()["code"] == "query_missing"
    assert response.json()["message"]


def test_searching_takes_a_fixed_number_of_queries(client, world, api_client, django_assert_max_num_queries):
    from lianfang.people.models import Membership, Resident
    from lianfang.people.services import CleanResident, apply_clean, place_in
    from lianfang.places.services import ensure_household

    for i in range(10):
        household = ensure_household(compound=world.compound_a, building="3", unit="1", room=f"{i + 2}01")
        r = Resident()
        apply_clean(
            r,
            CleanResident(
                name=f"张{i}",
                sex="M",
                birth_date=None,
                phone="",
                relation="head",
                tags="",
                notes="",
                id_info=None,
            ),
        )
        place_in(r, household)
        r.save()
        Membership.objects.create(resident=r, household=household, relation="head")
    headers = api_client(world.staff_a)

    with django_assert_max_num_queries(3):
        response = client.get(URL, {"q": "张"}, **headers)

    assert len(response.json()) == 11
