"""The demo city's epidemic data, read through the API as the demo accounts would: a sealed unit with its
case in the neighbouring community (the commander sees it, the health worker does not), facilities, a
returnee due for release in the health worker's community, and a unit still free to seal there."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from lianfang.accounts.models import User
from lianfang.epi.models import Case, EpiPolicy, Facility, Lockdown, Quarantine
from lianfang.places.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("seed_demo", "--scale", "tiny", stdout=io.StringIO())
    return {u.username: u for u in User.objects.all()}


def test_the_commander_reads_the_sealed_unit_s_case_and_the_health_worker_does_not(client, demo, api_client):
    case = Lockdown.objects.get().case  # the sealed unit's; the outbreak has more (demo/history.py)
    lockdown = Lockdown.objects.get()

    as_commander = client.get(f"/api/v1/cases/{case.id}", **api_client(demo["commander"]))
    as_health = client.get(f"/api/v1/cases/{case.id}", **api_client(demo["health"]))

    assert as_commander.status_code == 200
    assert as_commander.json()["status"] == "confirmed"
    assert as_health.status_code == 404
    assert lockdown.case_id == case.id and lockdown.scope_kind == "unit" and lockdown.residents > 0
    assert lockdown.compound_id != demo["guard"].gate.compound_id
    assert not lockdown.path.startswith(demo["health"].area.path)


def test_the_history_case_has_confirmed_contacts_in_facility_rooms(client, demo, api_client):
    case = Lockdown.objects.get().case  # the sealed unit's; the outbreak has more (demo/history.py)

    data = client.get(f"/api/v1/cases/{case.id}/contacts", **api_client(demo["staff2"])).json()

    confirmed = [c for c in data["candidates"] if c["decision"] == "confirmed"]
    assert confirmed and all(c["reasons"][0]["kind"] == "household" for c in confirmed)
    assert any(c["decision"] is None for c in data["candidates"])
    rooms = Quarantine.objects.filter(contact__case=case).values_list("room__facility__area", flat=True)
    assert set(rooms) == {demo["staff2"].area_id}


def test_the_health_worker_sees_one_returnee_on_the_last_day_and_their_facility(client, demo, api_client):
    health = demo["health"]

    quarantines = client.get("/api/v1/quarantines", **api_client(health)).json()

    # The care demo (demo/care.py) adds households in home quarantine; one ends today.
    [q] = [q for q in quarantines if q["last_day"] == str(timezone.localdate())]

    assert (q["kind"], q["reason"], q["status"]) == ("home", "travel", "active")
    assert q["day"] == q["days"] == 14
    assert q["last_day"] == str(timezone.localdate())
    assert q["household_id"] != demo["resident"].household_id
    assert Facility.objects.visible_to(health).get().rooms.count() > 0
    assert EpiPolicy.objects.get().lockdown_days == 14


def test_the_health_worker_can_still_seal_a_unit_of_the_guard_s_compound(client, demo, api_client):
    unit = Unit.objects.filter(building__compound=demo["guard"].gate.compound).order_by("id").first()
    body = {"scope": "unit", "id": unit.id, "start": str(timezone.localdate()), "preview": True}

    preview = client.post(
        "/api/v1/lockdowns", body, content_type="application/json", **api_client(demo["health"])
    )

    assert preview.status_code == 200
    assert preview.json()["overlaps"] is None
    assert preview.json()["residents"] > 0


def test_reseeding_replaces_the_epidemic_data_instead_of_failing_on_it(demo):
    before = (
        Case.objects.count(),
        Lockdown.objects.count(),
        Quarantine.objects.count(),
        Facility.objects.count(),
    )

    call_command("seed_demo", "--scale", "tiny", "--reset", stdout=io.StringIO())

    after = (
        Case.objects.count(),
        Lockdown.objects.count(),
        Quarantine.objects.count(),
        Facility.objects.count(),
    )
    assert after == before
