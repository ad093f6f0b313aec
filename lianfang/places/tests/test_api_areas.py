"""GET /api/v1/areas: the areas of the caller's scope, as code, name, level and parent code."""

from lianfang.conftest import add_communities

URL = "/api/v1/areas"


def test_anonymous_caller_gets_401_with_code_and_message(client, world):
    response = client.get(URL)

    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"
    assert response.json()["message"]


def test_community_staff_sees_only_their_own_community(client, world, api_client):
    response = client.get(URL, {"level": "community"}, **api_client(world.staff_a))

    assert response.status_code == 200
    assert response.json() == [
        {"code": "340403001001", "name": "A社区", "level": "community", "parent": "340403001000"},
    ]


def test_outsider_from_community_b_does_not_see_community_a(client, world, api_client):
    response = client.get(URL, {"level": "community"}, **api_client(world.staff_b))

    assert [a["code"] for a in response.json()] == ["340403001002"]


def test_commander_sees_every_community_of_the_city(client, world, api_client):
    response = client.get(URL, {"level": "community"}, **api_client(world.commander))

    assert [a["code"] for a in response.json()] == ["340403001001", "340403001002"]


def test_children_of_one_parent_can_be_listed(client, world, api_client):
    response = client.get(URL, {"parent": "340403"}, **api_client(world.commander))

    assert [a["code"] for a in response.json()] == ["340403001000"]


def test_gate_guard_sees_no_areas(client, world, api_client):
    response = client.get(URL, **api_client(world.guard_a))

    assert response.status_code == 200
    assert response.json() == []


def test_an_unknown_level_is_refused_with_422(client, world, api_client):
    response = client.get(URL, {"level": "planet"}, **api_client(world.commander))

    assert response.status_code == 422
    assert response.json()["code"] == "invalid"


def test_the_browser_session_works_as_well_as_a_token(login, world):
    response = login(world.staff_a).get(URL, {"level": "community"})

    assert response.status_code == 200
    assert [a["code"] for a in response.json()] == ["340403001001"]


def test_listing_areas_takes_a_fixed_number_of_queries(
    client, world, api_client, django_assert_max_num_queries
):
    add_communities(world, 10)
    headers = api_client(world.commander)

    with django_assert_max_num_queries(3):
        response = client.get(URL, **headers)

    assert len(response.json()) == 5 + 10
