"""The device API: POST /api/v1/gate/scans with a gate device token; GET /api/v1/gates for staff."""

import io
import json
import uuid

import pytest
from django.core.management import call_command

from lianfang.access.models import GateDevice, Passage
from lianfang.access.scan import queries_per_scan
from lianfang.access.services import revoke_gate_device

URL = "/api/v1/gate/scans"


@pytest.fixture
def device(world):
    out = io.StringIO()
    call_command("create_gate_device", gate=world.gate_a.pk, name="east kiosk", stdout=out)
    raw = out.getvalue().strip()
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}", "raw": raw}


def post(client, device, body, raw=False):
    headers = {k: v for k, v in device.items() if k.startswith("HTTP_")}
    data = body if raw else json.dumps(body)
    return client.post(URL, data=data, content_type="application/json", **headers)


def one(passes, direction="out", **kw):
    return {
        "client_id": str(uuid.uuid4()),
        "token": passes["household_a1"].qr_text,
        "direction": direction,
        "temperature": 36.6,
        "scanned_at": "2026-03-02T09:00:00+08:00",
        **kw,
    }


def test_create_gate_device_prints_a_token_and_stores_only_its_digest(device):
    assert device["raw"].startswith("lfg_")
    assert not GateDevice.objects.filter(digest=device["raw"]).exists()
    assert GateDevice.objects.count() == 1


def test_create_gate_device_for_an_unknown_gate_fails_clearly(db):
    from django.core.management.base import CommandError
    from django.utils import translation

    with translation.override("en"), pytest.raises(CommandError, match="No gate with id 999"):
        call_command("create_gate_device", gate=999)


def test_a_single_scan_answers_the_decision(client, device, passes):
    r = post(client, device, one(passes))
    assert r.status_code == 200
    body = r.json()
    assert body["decision"] == "allowed" and body["code"] == "exit_allowed"
    assert body["household"] == "阳光小区 3栋1单元101"
    assert body["exits_left"] == 0
    assert set(body) >= {"client_id", "decision", "code", "message", "household", "exits_left"}
    p = Passage.objects.get()
    assert p.device_id == GateDevice.objects.get().pk and p.client_time is not None


def test_the_answer_never_carries_a_name_or_id_number(client, device, passes, world):
    text = post(client, device, one(passes)).content.decode()
    assert "张三" not in text and world.zhang_san.id_last4 not in text.replace("exits_left", "")


def test_sending_a_client_id_again_returns_the_first_decision(client, device, passes):
    body = one(passes)
    first = post(client, device, body).json()
    again = post(client, device, body).json()
    assert again["code"] == first["code"] == "exit_allowed" and again["duplicate"] is True
    assert Passage.objects.count() == 1


def test_a_batch_answers_each_item_and_records_the_good_ones(client, device, passes):
    batch = [
        one(passes, direction="in"),
        one(passes, temperature=99),
        one(passes, token="LF1.1.1.AAAAAAAAAAAAAAAAAAAA"),
        one(passes, client_id="nope"),
        one(passes),
    ]
    r = post(client, device, batch)
    assert r.status_code == 200
    codes = [a["code"] for a in r.json()]
    assert codes == [
        "entry_allowed",
        "temperature_impossible",
        "token_forged",
        "bad_client_id",
        "exit_allowed",
    ]
    assert Passage.objects.count() == 3  # the entry, the forged scan (logged), the exit
    assert Passage.objects.filter(counted=True).count() == 1


def test_device_clock_far_off_keeps_both_times_and_decides_on_server_time(client, device, passes):
    r = post(client, device, one(passes, scanned_at="2019-01-01T00:00:00+08:00"))
    assert r.json()["code"] == "exit_allowed"
    p = Passage.objects.get()
    from django.utils import timezone

    assert timezone.localtime(p.client_time).year == 2019 and p.server_time.year >= 2026


def test_unknown_token_is_401(client, passes):
    r = post(client, {"HTTP_AUTHORIZATION": "Bearer lfg_nope"}, one(passes))
    assert r.status_code == 401 and r.json()["code"] == "unauthorized"
    assert Passage.objects.count() == 0


def test_revoked_device_is_refused(client, device, passes):
    revoke_gate_device(device=GateDevice.objects.get())
    r = post(client, device, one(passes))
    assert r.status_code == 401
    assert Passage.objects.count() == 0


def test_staff_api_token_cannot_post_scans(client, world, passes, api_client):
    r = post(client, api_client(world.staff_a), one(passes))
    assert r.status_code == 401


def test_malformed_json_is_refused_clearly(client, device, passes):
    r = post(client, device, "{not json", raw=True)
    assert r.status_code == 400
    assert r.json()["code"] == "malformed_json" and r.json()["message"]
    assert Passage.objects.count() == 0


def test_scan_endpoint_query_count_is_pinned(client, device, passes, django_assert_max_num_queries):
    post(client, device, one(passes, direction="in"))  # warm caches
    with django_assert_max_num_queries(queries_per_scan()):
        post(client, device, one(passes))


def test_gates_list_is_scoped(client, world, api_client):
    r = client.get("/api/v1/gates", **api_client(world.staff_a))
    names = sorted(g["name"] for g in r.json())
    assert names == ["东门", "西门"]
    assert client.get("/api/v1/gates", **api_client(world.staff_b)).json() == []
    assert client.get("/api/v1/gates").status_code == 401


def test_household_passes_scoped(client, world, passes, api_client):
    url = f"/api/v1/households/{world.household_a1.pk}/passes"
    r = client.get(url, **api_client(world.staff_a))
    assert r.status_code == 200 and r.json()[0]["qr"] == passes["household_a1"].qr_text
    assert client.get(url, **api_client(world.staff_b)).status_code == 404
    assert client.get(url, **api_client(world.grid_a1_worker)).status_code == 200
    other = f"/api/v1/households/{world.household_a2.pk}/passes"
    assert client.get(other, **api_client(world.grid_a1_worker)).status_code == 404
    assert client.get(url).status_code == 401


def test_openapi_lists_the_gate_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/gate/scans" in paths and "/api/v1/gates" in paths
