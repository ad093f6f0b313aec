"""A scan's device time (scanned_at) is bounded like every event (core.bounds: 1900-01-01 to tomorrow): a
bad one refuses that scan alone (scanned_at_invalid, not stored); the scans before and after it in a batch
are decided and stored, and the batch sent again gets the same answers. A time in year 1 (or year 10000 in
UTC) used to store the scans before it, drop those after it and answer 500 to every resend."""

import datetime
import io
import json
import uuid

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from lianfang.access.models import Passage

BAD_TIMES = ["0001-01-01T00:00:00", "9999-12-31T23:59:59-14:00", "2026-03-04T10:00:00+08:00", "not a time"]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2026, 3, 2, 2, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def device(world):
    out = io.StringIO()
    call_command("create_gate_device", gate=world.gate_a.pk, name="east kiosk", stdout=out)
    return {"HTTP_AUTHORIZATION": f"Bearer {out.getvalue().strip()}"}


def scan(p, direction, scanned_at):
    return {
        "client_id": str(uuid.uuid4()),
        "token": p.qr_text,
        "direction": direction,
        "temperature": 36.6,
        "scanned_at": scanned_at,
    }


def batch(passes, bad):
    a1, a2 = passes["household_a1"], passes["household_a2"]
    return [
        scan(a1, "in", "2026-03-02T09:00:00+08:00"),
        scan(a1, "out", bad),
        scan(a1, "out", "2026-03-02T09:01:00+08:00"),
        scan(a2, "out", bad),
        scan(a2, "out", "2026-03-01T23:59:00Z"),
    ]


def codes(response):
    assert response.status_code == 200, response.content[:300]
    return [a["code"] for a in response.json()]


@pytest.mark.parametrize("bad", BAD_TIMES)
def test_a_bad_scan_time_refuses_that_scan_alone_and_a_resent_batch_gets_the_same_answers(
    world, passes, device, bad
):
    client = Client(raise_request_exception=False)
    body = json.dumps(batch(passes, bad))
    expected = ["entry_allowed", "scanned_at_invalid", "exit_allowed", "scanned_at_invalid", "exit_allowed"]

    first = client.post("/api/v1/gate/scans", body, content_type="application/json", **device)
    assert codes(first) == expected
    assert first.json()[1]["decision"] == "refused" and first.json()[1]["message"]
    assert Passage.objects.count() == 3

    again = client.post("/api/v1/gate/scans", body, content_type="application/json", **device)
    assert codes(again) == expected
    assert [a["duplicate"] for a in again.json()] == [True, False, True, False, True]
    assert Passage.objects.count() == 3


def test_the_checkpoint_queue_drains_past_a_bad_scan_time(world, passes):
    client = Client(raise_request_exception=False)
    client.force_login(world.guard_a)
    body = json.dumps(batch(passes, "0001-01-01T00:00:00"))

    for _attempt in range(2):
        response = client.post("/access/checkpoint/scans", body, content_type="application/json")
        assert codes(response) == [
            "entry_allowed",
            "scanned_at_invalid",
            "exit_allowed",
            "scanned_at_invalid",
            "exit_allowed",
        ]
    assert Passage.objects.count() == 3


def test_a_device_time_within_the_window_is_kept(world, passes, device):
    client = Client()
    body = json.dumps(scan(passes["household_a1"], "in", "1900-01-01T08:00:00+08:00"))

    response = client.post("/api/v1/gate/scans", body, content_type="application/json", **device)

    assert response.json()["code"] == "entry_allowed"
    assert Passage.objects.get().client_time.year == 1900


@pytest.mark.parametrize("start", ["0001-01-01T00:00", "9999-12-31T23:59"])
def test_a_passage_search_outside_the_window_shows_the_error_on_its_field(world, start):
    client = Client(raise_request_exception=False)
    client.force_login(world.staff_a)

    response = client.get("/access/passages/", {"start": start})

    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["start"][0].code == "date_out_of_range"
    assert client.get("/access/passages/export.xlsx", {"start": start}).status_code == 200
