"""API authentication: bearer tokens or the browser session; anything else is 401 {"code", "message"}."""

from django.utils import timezone

from lianfang.accounts.models import ApiToken

URL = "/api/v1/areas"


def test_a_valid_bearer_token_authenticates_its_user(client, world, api_client):
    response = client.get(URL, {"level": "community"}, **api_client(world.staff_a))

    assert response.status_code == 200
    assert [a["code"] for a in response.json()] == ["340403001001"]


def test_using_a_token_records_when_it_was_last_used(client, world):
    row, raw = ApiToken.issue(world.staff_a, "script")

    client.get(URL, HTTP_AUTHORIZATION=f"Bearer {raw}")

    row.refresh_from_db()
    assert row.last_used_at is not None


def test_only_a_digest_of_the_token_is_stored(world):
    row, raw = ApiToken.issue(world.staff_a, "script")

    assert raw.startswith("lf_")
    assert raw not in row.digest
    assert row.digest == ApiToken.hash(raw)


def test_a_revoked_token_gets_401(client, world):
    row, raw = ApiToken.issue(world.staff_a, "script")
    row.revoked_at = timezone.now()
    row.save()

    response = client.get(URL, HTTP_AUTHORIZATION=f"Bearer {raw}")

    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


def test_a_token_of_a_deactivated_user_gets_401(client, world):
    _row, raw = ApiToken.issue(world.staff_a, "script")
    world.staff_a.is_active = False
    world.staff_a.save()

    assert client.get(URL, HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_a_made_up_token_gets_401(client, world):
    response = client.get(URL, HTTP_AUTHORIZATION="Bearer lf_not-a-real-token")

    assert response.status_code == 401
    assert set(response.json()) == {"code", "message"}


def test_no_credentials_get_401_with_code_and_message(client, world):
    response = client.get(URL)

    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"
    assert response.json()["message"]


def test_a_logged_in_browser_session_is_accepted(login, world):
    assert login(world.commander).get(URL).status_code == 200


def test_the_openapi_schema_lists_the_endpoints(client, db):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/areas",
        "/api/v1/compounds",
        "/api/v1/residents",
        "/api/v1/households/{household_id}",
    ):
        assert path in paths
    assert "bearer" in str(response.json()["components"]["securitySchemes"]).lower()
