"""GET /api/v1/compounds?community=CODE: compounds of a community in the caller's scope."""

URL = "/api/v1/compounds"


def test_anonymous_caller_gets_401(client, world):
    response = client.get(URL, {"community": "340403001001"})

    assert response.status_code == 401
    assert set(response.json()) >= {"code", "message"}


def test_community_staff_lists_the_compounds_of_their_community_with_gate_counts(client, world, api_client):
    response = client.get(URL, {"community": "340403001001"}, **api_client(world.staff_a))

    assert response.status_code == 200
    assert response.json() == [
        {
            "id": world.compound_a.id,
            "name": "阳光小区",
            "address": "",
            "community": "340403001001",
            "gates": 2,
        },
    ]


def test_a_community_outside_the_scope_answers_404_like_a_missing_one(client, world, api_client):
    headers = api_client(world.staff_a)

    outside = client.get(URL, {"community": "340403001002"}, **headers)
    missing = client.get(URL, {"community": "999999999999"}, **headers)

    assert outside.status_code == missing.status_code == 404
    assert outside.json() == missing.json()
    assert outside.json()["code"] == "not_found"


def test_without_a_community_the_whole_scope_is_listed(client, world, api_client):
    response = client.get(URL, **api_client(world.commander))

    assert [c["name"] for c in response.json()] == ["阳光小区", "春晖园"]


def test_listing_compounds_takes_a_fixed_number_of_queries(
    client, world, api_client, django_assert_max_num_queries
):
    from lianfang.places.models import Compound, Gate

    for i in range(10):
        c = Compound.objects.create(community=world.community_a, name=f"小区{i}", path=world.community_a.path)
        Gate.objects.create(compound=c, name="南门", path=c.path)
    headers = api_client(world.staff_a)

    with django_assert_max_num_queries(4):
        response = client.get(URL, {"community": "340403001001"}, **headers)

    assert len(response.json()) == 11
    assert all(c["gates"] >= 1 for c in response.json())
