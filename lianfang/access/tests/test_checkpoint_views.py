"""The checkpoint pages: only gate duty at its own gate; scans through the session keep the guard."""

import json
import uuid

from lianfang.access.models import Delivery, OutingPolicy, Passage, Visitor, VisitorRule


def test_checkpoint_requires_login(client, world):
    r = client.get("/access/checkpoint/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_guard_gets_the_checkpoint_of_their_gate(login, world):
    r = login(world.guard_a).get("/access/checkpoint/")
    assert r.status_code == 200
    assert "阳光小区" in r.content.decode() and "东门" in r.content.decode()


def test_other_roles_have_no_checkpoint(login, world):
    for u in (world.staff_a, world.grid_a1_worker, world.resident_a, world.commander):
        assert login(u).get("/access/checkpoint/").status_code == 404


def test_session_scan_records_the_guard(login, world, passes):
    c = login(world.guard_a)
    body = {
        "client_id": str(uuid.uuid4()),
        "token": passes["household_a1"].display_number,
        "direction": "out",
        "temperature": 36.5,
    }
    r = c.post("/access/checkpoint/scans", data=json.dumps(body), content_type="application/json")
    assert r.status_code == 200 and r.json()["code"] == "exit_allowed"
    assert Passage.objects.get().guard == world.guard_a


def test_session_scan_batch_and_bad_json(login, world, passes):
    c = login(world.guard_a)
    batch = [
        {
            "client_id": str(uuid.uuid4()),
            "token": passes["household_a1"].qr_text,
            "direction": d,
            "temperature": 36.4,
        }
        for d in ("in", "out", "out")
    ]
    r = c.post("/access/checkpoint/scans", data=json.dumps(batch), content_type="application/json")
    assert [a["code"] for a in r.json()] == ["entry_allowed", "exit_allowed", "quota_used"]
    r = c.post("/access/checkpoint/scans", data="[1,2", content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "malformed_json"
    assert Passage.objects.count() == 3


def test_staff_cannot_post_scans_through_the_checkpoint(login, world, passes):
    r = login(world.staff_a).post("/access/checkpoint/scans", data="{}", content_type="application/json")
    assert r.status_code == 404


def test_visitor_refused_by_default_policy(login, world):
    r = login(world.guard_a).post(
        "/access/checkpoint/visitors/",
        {"name": "赵六", "phone": "13900001111", "purpose": "送药", "host": "3-1-101", "temperature": "36.5"},
    )
    assert r.status_code == 200
    v = Visitor.objects.get()
    assert (v.decision, v.code, v.host) == ("refused", "visitors_refused", world.household_a1)


def test_visitor_allowed_with_registration_when_policy_says_so(login, world):
    OutingPolicy.objects.create(area=world.community_a, visitors=VisitorRule.REGISTER)
    login(world.guard_a).post(
        "/access/checkpoint/visitors/",
        {
            "name": "赵六",
            "phone": "13900001111",
            "purpose": "送药",
            "host": "3栋1单元101",
            "temperature": "36.5",
        },
    )
    assert Visitor.objects.get().decision == "allowed"


def test_visitor_bad_input_changes_nothing(login, world):
    c = login(world.guard_a)
    for bad in ({"phone": "123"}, {"temperature": "50"}, {"name": ""}, {"host": "9-9-909"}):
        data = {
            "name": "赵六",
            "phone": "13900001111",
            "purpose": "送药",
            "host": "3-1-101",
            "temperature": "36.5",
            **bad,
        }
        r = c.post("/access/checkpoint/visitors/", data)
        assert r.status_code == 200 and 'class="msg error"' in r.content.decode()
    assert Visitor.objects.count() == 0


def test_delivery_logged_and_picked_up(login, world):
    c = login(world.guard_a)
    c.post("/access/checkpoint/deliveries/", {"household": "3-1-101", "carrier": "顺丰"})
    d = Delivery.objects.get()
    assert d.household == world.household_a1
    c.post("/access/checkpoint/deliveries/", {"picked_up": d.pk})
    d.refresh_from_db()
    assert d.picked_up_at is not None
    r = c.post(
        "/access/checkpoint/deliveries/", {"household": "1-1-101"}
    )  # 春晖园's address, not this compound
    assert Delivery.objects.count() == 1 and 'class="msg error"' in r.content.decode()
