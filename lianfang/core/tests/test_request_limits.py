"""Bodies and nesting are bounded before any view reads them: 413 for a body over the upload limit, 400 for
JSON nested past the limit or carrying NUL, 400 for NUL in the path, the query or a form — never a 500."""

import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
SIXTY_MB = 60 * 1024 * 1024
DEEP = "[" * 100_000 + "]" * 100_000


@pytest.fixture
def anyone():
    return Client(raise_request_exception=False)


@pytest.fixture
def device(world):
    from lianfang.access.services import create_gate_device

    _device, raw = create_gate_device(gate=world.gate_a, name="kiosk")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_a_60_mb_api_body_is_refused_with_413_before_it_is_read(anyone, world, api_client):
    response = anyone.post(
        "/api/v1/cases", b"x" * SIXTY_MB, content_type="application/json", **api_client(world.health_a)
    )

    assert response.status_code == 413
    assert response.json()["code"] == "body_too_large" and "50 MB" in response.json()["message"]


def test_a_60_mb_form_is_refused_with_413(anyone, world):
    anyone.force_login(world.health_a)
    response = anyone.post(
        "/epi/cases/new/", b"a=" + b"x" * SIXTY_MB, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/plain")


def test_a_body_within_the_limit_is_read_as_usual(anyone, world, api_client):
    response = anyone.post(
        "/api/v1/cases",
        {"status": "confirmed"},
        content_type="application/json",
        **api_client(world.health_a),
    )

    assert response.status_code == 400 and response.json()["code"] == "person_required"


@pytest.mark.parametrize("url", ["/api/v1/cases", "/api/v1/lockdowns"])
def test_deeply_nested_json_for_the_api_is_400_json_too_deep(anyone, world, api_client, url):
    for body in (
        DEEP,
        json.dumps(
            {
                "status": "confirmed",
                "notes": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["x"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],
            }
        ),
    ):
        response = anyone.post(url, body, content_type="application/json", **api_client(world.health_a))
        assert response.status_code == 400, body[:40]
        assert response.json()["code"] == "json_too_deep"


def test_deeply_nested_json_for_the_gate_is_400_json_too_deep(anyone, device):
    response = anyone.post("/api/v1/gate/scans", DEEP, content_type="application/json", **device)

    assert response.status_code == 400 and response.json()["code"] == "json_too_deep"


def test_deeply_nested_json_at_the_checkpoint_is_400_json_too_deep(anyone, world):
    anyone.force_login(world.guard_a)
    response = anyone.post("/access/checkpoint/scans", DEEP, content_type="application/json")

    assert response.status_code == 400 and response.json()["code"] == "json_too_deep"


def test_nul_in_a_json_string_is_400(anyone, world, api_client):
    body = json.dumps({"resident_id": world.zhang_san.pk, "status": "confirmed", "notes": "a\x00b"})
    response = anyone.post(
        "/api/v1/cases", body, content_type="application/json", **api_client(world.health_a)
    )

    assert response.status_code == 400 and response.json()["code"] == "nul_character"


@pytest.mark.parametrize(
    "url",
    [
        "/people/residents/?q=%00",
        "/audit/?action=%00",
        "/places/areas/%00/",
        "/api/v1/compounds?community=%00",
    ],
)
def test_nul_in_the_path_or_the_query_is_400(anyone, world, url):
    anyone.force_login(world.staff_a)

    assert anyone.get(url).status_code == 400


def test_nul_in_a_form_field_is_400(anyone, world):
    anyone.force_login(world.guard_a)
    response = anyone.post(
        "/access/checkpoint/deliveries/",
        "household=3-1-101&carrier=%00",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400
