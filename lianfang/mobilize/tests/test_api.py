"""The JSON API: report in, the roster of a gate with its people and gaps, claims and check-ins."""

from __future__ import annotations

import datetime
import json

import pytest
import time_machine

from lianfang.conftest import id_for
from lianfang.mobilize.models import Assignment, AssignmentStatus, Volunteer
from lianfang.mobilize.services import CallData, post_call, take_shift
from lianfang.mobilize.tests.conftest import add_shift, local

pytestmark = pytest.mark.django_db


def post(client, url, headers, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json", **headers)


def test_reporting_in_answers_201_with_the_id_number_masked(client, world, api_client):
    number = id_for(datetime.date(1988, 8, 8), 77, "F")
    body = {
        "community": world.community_a.code,
        "name": "钱志愿",
        "phone": "13911112222",
        "id_number": number,
        "kind": "volunteer",
    }
    r = post(client, "/api/v1/volunteers", api_client(world.staff_a), body)
    assert r.status_code == 201, r.content
    assert r.json()["id_number"] == number[:6] + "********" + number[-4:]
    bad = post(
        client,
        "/api/v1/volunteers",
        api_client(world.staff_a),
        {**body, "id_number": number[:-1] + "0" if number[-1] != "0" else number[:-1] + "1"},
    )
    assert bad.status_code == 400 and bad.json()["code"] == "id_bad_checksum"
    assert Volunteer.objects.count() == 1


def test_the_roster_of_a_gate_lists_its_shifts_people_and_gaps(client, world, api_client, volunteers):
    with time_machine.travel(local(2026, 3, 1, 9), tick=False):
        s1 = add_shift(world, local(2026, 3, 2, 0))
        s2 = add_shift(world, local(2026, 3, 2, 8))
        take_shift(user=volunteers[0].user, shift=s1.pk)
        r = client.get(
            f"/api/v1/roster?gate={world.gate_a.pk}&from=2026-03-02&to=2026-03-02",
            **api_client(world.staff_a),
        )
    assert r.status_code == 200, r.content
    shifts = {s["id"]: s for s in r.json()["shifts"]}
    assert shifts[s1.pk]["gap"] == "ok" and shifts[s1.pk]["people"][0]["name"] == volunteers[0].name
    assert shifts[s2.pk]["gap"] == "uncovered"
    other = client.get(f"/api/v1/roster?gate={world.gate_a.pk}", **api_client(world.staff_b))
    assert other.status_code == 404
    too_long = client.get("/api/v1/roster?from=2026-03-01&to=2026-04-01", **api_client(world.staff_a))
    assert too_long.status_code == 400


def test_a_volunteer_claims_a_call_and_the_guard_checks_them_in(client, world, api_client, volunteers):
    with time_machine.travel(local(2026, 3, 1, 9), tick=False):
        call = post_call(
            user=world.staff_a,
            data=CallData(
                kind="patrol",
                place="小区周边",
                starts_at=local(2026, 3, 1, 14),
                ends_at=local(2026, 3, 1, 16),
                head_count=1,
            ),
        )
        r = post(client, f"/api/v1/calls/{call.pk}/claim", api_client(volunteers[0].user))
        assert r.json() == {"call": call.pk, "status": "claimed"}
        assert (
            post(client, f"/api/v1/calls/{call.pk}/claim", api_client(volunteers[1].user)).json()["status"]
            == "waiting"
        )
        a = take_shift(user=volunteers[0].user, shift=add_shift(world, local(2026, 3, 1, 16, 30)).pk)
    with time_machine.travel(local(2026, 3, 1, 16, 20), tick=False):
        r = post(client, f"/api/v1/assignments/{a.pk}/check-in", api_client(world.guard_a))
    assert r.status_code == 200, r.content
    assert Assignment.objects.get(pk=a.pk).status == AssignmentStatus.CHECKED_IN
