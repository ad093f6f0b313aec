"""POST /api/v1/lockdowns: the preview answers the counts and writes nothing; applying seals the area
(home quarantine for everyone inside, exits held); overlaps, scope and bad input are refused cleanly."""

import datetime

import pytest
from django.utils import timezone

from lianfang.core.models import Alert, AuditLog
from lianfang.epi.models import Lockdown, Quarantine, QuarantineChange
from lianfang.people.services import ResidentData, create_resident
from lianfang.places.models import Household
from lianfang.places.services import ensure_household

URL = "/api/v1/lockdowns"


@pytest.fixture
def unit_of_two(world):
    """Unit 3-1 of 阳光小区: 101 (张三) and 102 (two people) — 2 households, 3 residents."""
    neighbour = ensure_household(compound=world.compound_a, building="3", unit="1", room="102")
    for name in ("钱一", "钱二"):
        create_resident(user=world.staff_a, household=neighbour, data=ResidentData(name=name))
    return world.household_a1.unit


def post(client, headers, body):
    return client.post(URL, body, content_type="application/json", **headers)


def state() -> tuple:
    holds = tuple(Household.objects.order_by("id").values_list("exits_held_until", flat=True))
    return (
        Lockdown.objects.count(),
        Quarantine.objects.count(),
        QuarantineChange.objects.count(),
        AuditLog.objects.count(),
        Alert.objects.count(),
        holds,
    )


def body(unit, **extra) -> dict:
    return {"scope": "unit", "id": unit.id, "start": str(timezone.localdate()), **extra}


def test_anonymous_caller_gets_401(client, world, unit_of_two):
    response = post(client, {}, body(unit_of_two, preview=True))

    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


def test_the_preview_answers_the_counts_and_the_last_day(client, world, api_client, unit_of_two):
    start = timezone.localdate()

    response = post(client, api_client(world.health_a), body(unit_of_two, preview=True))

    assert response.status_code == 200
    data = response.json()
    assert data["preview"] is True
    assert data["scope"] == "unit"
    assert (data["units"], data["households"], data["residents"]) == (1, 2, 3)
    assert data["already_quarantined"] == 0
    assert data["days"] == 14
    assert data["ends_on"] == str(start + datetime.timedelta(days=13))
    assert data["overlaps"] is None


def test_the_preview_writes_nothing(client, world, api_client, unit_of_two):
    before = state()

    response = post(client, api_client(world.health_a), body(unit_of_two, preview=True, days=7))

    assert response.status_code == 200
    assert state() == before


def test_applying_seals_the_unit_and_holds_the_exits_of_its_households(
    client, world, api_client, unit_of_two
):
    response = post(client, api_client(world.health_a), body(unit_of_two, days=14, reason="确诊病例"))

    assert response.status_code == 201
    data = response.json()
    lockdown = Lockdown.objects.get()
    assert data["id"] == lockdown.id
    assert (data["scope"], data["unit_id"], data["compound_id"]) == (
        "unit",
        unit_of_two.id,
        world.compound_a.id,
    )
    assert (data["households"], data["residents"], data["status"]) == (2, 3, "active")
    ends_on = timezone.localdate() + datetime.timedelta(days=13)
    assert data["ends_on"] == str(ends_on)
    assert Quarantine.objects.filter(lockdown=lockdown, kind="home").count() == 3
    assert set(Household.objects.filter(unit=unit_of_two).values_list("exits_held_until", flat=True)) == {
        ends_on
    }
    assert Household.objects.get(pk=world.household_a2.pk).exits_held_until is None


def test_a_lockdown_overlapping_an_active_one_is_refused_and_nothing_is_written(
    client, world, api_client, unit_of_two
):
    headers = api_client(world.health_a)
    first = post(client, headers, body(unit_of_two)).json()
    before = state()

    response = post(
        client,
        headers,
        {"scope": "building", "id": unit_of_two.building_id, "start": str(timezone.localdate())},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "lockdown_overlaps"
    assert first["label"] in response.json()["message"]
    assert state() == before


def test_the_preview_names_the_active_lockdown_it_would_overlap(client, world, api_client, unit_of_two):
    headers = api_client(world.health_a)
    first = post(client, headers, body(unit_of_two)).json()
    before = state()

    response = post(
        client,
        headers,
        {
            "scope": "building",
            "id": unit_of_two.building_id,
            "start": str(timezone.localdate()),
            "preview": True,
        },
    )

    assert response.status_code == 200
    assert response.json()["overlaps"]["id"] == first["id"]
    assert state() == before


def test_a_unit_outside_the_scope_answers_404_for_preview_and_apply(client, world, api_client, unit_of_two):
    headers = api_client(world.staff_b)
    before = state()

    preview = post(client, headers, body(unit_of_two, preview=True))
    apply = post(client, headers, body(unit_of_two))
    missing = post(client, headers, {"scope": "unit", "id": 999999, "start": str(timezone.localdate())})

    assert preview.status_code == apply.status_code == missing.status_code == 404
    assert preview.json()["code"] == apply.json()["code"] == "not_found"
    assert state() == before


def test_a_role_that_may_not_seal_is_refused_with_403(client, world, api_client, unit_of_two):
    before = state()

    response = post(client, api_client(world.commander), body(unit_of_two))

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert state() == before


@pytest.mark.parametrize(
    "change",
    [{"scope": "street"}, {"days": 0}, {"start": "2026-02-30"}, {"id": "three"}],
    ids=["unknown scope", "zero days", "impossible date", "id not a number"],
)
def test_a_body_off_the_schema_is_invalid_and_writes_nothing(client, world, api_client, unit_of_two, change):
    before = state()

    response = post(client, api_client(world.health_a), {**body(unit_of_two), **change})

    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert state() == before


def test_malformed_json_is_refused_with_a_code(client, world, api_client, unit_of_two):
    before = state()

    response = client.post(
        URL, '{"scope": "unit",', content_type="application/json", **api_client(world.health_a)
    )

    assert response.status_code == 400
    assert response.json()["code"] == "malformed_json"
    assert state() == before


def test_a_lockdown_starting_after_tomorrow_is_refused_in_preview_and_apply(
    client, world, api_client, unit_of_two
):
    headers = api_client(world.health_a)
    later = str(timezone.localdate() + datetime.timedelta(days=3))
    before = state()

    preview = post(client, headers, body(unit_of_two, start=later, preview=True))
    apply = post(client, headers, body(unit_of_two, start=later))

    assert preview.status_code == apply.status_code == 400
    assert preview.json()["code"] == apply.json()["code"] == "date_in_future"
    assert apply.json()["field"] == "start"
    assert state() == before
