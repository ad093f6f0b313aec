"""The scan endpoint reads its body and its device token itself (the gate's hot path): a clear answer for
each kind of bad body, one bad item of a batch answered on its own, and the body documented in OpenAPI."""

import io
import json
import uuid

import pytest
from django.core.management import call_command

from lianfang.access.models import Passage

URL = "/api/v1/gate/scans"


@pytest.fixture
def raw_token(world):
    out = io.StringIO()
    call_command("create_gate_device", gate=world.gate_a.pk, name="east kiosk", stdout=out)
    return out.getvalue().strip()


def scan(passes, **kw):
    return {
        "client_id": str(uuid.uuid4()),
        "token": passes["household_a1"].qr_text,
        "direction": "in",
        "temperature": 36.6,
        **kw,
    }


def post(client, auth, body):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(URL, data=data, content_type="application/json", HTTP_AUTHORIZATION=auth)


@pytest.mark.parametrize("body", ['"a string"', "42", "null", "[1, {}]", '[{"token": "x"}, []]'])
def test_a_body_that_is_not_an_object_or_a_list_of_objects_is_invalid(client, raw_token, passes, body):
    r = post(client, f"Bearer {raw_token}", body)
    assert r.status_code == 422 and r.json()["code"] == "invalid" and r.json()["message"]
    assert Passage.objects.count() == 0


def test_fields_of_the_wrong_type_are_answered_item_by_item(client, raw_token, passes):
    good = scan(passes)
    bad = [
        scan(passes, token=12345),
        scan(passes, direction=["in"]),
        scan(passes, client_id=5),
        scan(passes, temperature=True),
        scan(passes, scanned_at=["2026-03-02"]),
    ]
    r = post(client, f"Bearer {raw_token}", [*bad, good])
    assert r.status_code == 200
    codes = [a["code"] for a in r.json()]
    assert codes == [
        "token_malformed",
        "bad_direction",
        "bad_client_id",
        "temperature_impossible",
        "scanned_at_invalid",
        "entry_allowed",
    ]
    assert Passage.objects.count() == 2  # the malformed token is logged; input errors are not


@pytest.mark.parametrize("body", ["", "{not json", b"\xff\xfe"])
def test_a_body_that_is_not_json_is_malformed(client, raw_token, passes, body):
    r = post(client, f"Bearer {raw_token}", body)
    assert r.status_code == 400 and r.json()["code"] == "malformed_json"
    assert Passage.objects.count() == 0


def test_a_batch_over_500_is_refused_whole(client, raw_token, passes):
    r = post(client, f"Bearer {raw_token}", [scan(passes) for _ in range(501)])
    assert r.status_code == 400 and r.json()["code"] == "batch_too_large"
    assert Passage.objects.count() == 0


def test_unknown_fields_are_ignored(client, raw_token, passes):
    r = post(client, f"Bearer {raw_token}", scan(passes, firmware="2.1"))
    assert r.status_code == 200 and r.json()["code"] == "entry_allowed"


def test_the_bearer_scheme_is_read_in_any_case_and_other_schemes_are_401(client, raw_token, passes):
    assert post(client, f"bearer {raw_token}", scan(passes)).status_code == 200
    assert post(client, f"Basic {raw_token}", scan(passes)).status_code == 401
    assert post(client, raw_token, scan(passes)).status_code == 401
    assert post(client, "", scan(passes)).status_code == 401
    assert Passage.objects.count() == 1


def test_the_openapi_schema_documents_one_scan_or_a_list(client):
    op = client.get("/api/v1/openapi.json").json()["paths"][URL]["post"]
    one, many = op["requestBody"]["content"]["application/json"]["schema"]["anyOf"]
    assert set(one["properties"]) == {"client_id", "token", "direction", "temperature", "scanned_at"}
    assert many["type"] == "array" and many["items"] == one and many["maxItems"] == 500
    assert op["security"] == [{"DeviceToken": []}]
