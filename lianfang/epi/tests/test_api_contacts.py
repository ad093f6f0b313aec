"""GET /api/v1/cases/{id}/contacts: ranked candidates with their reasons and the decision taken on each;
scoped like the case itself."""

import datetime

import pytest
from django.utils import timezone

from lianfang.epi import contacts, services
from lianfang.people.services import ResidentData, create_resident
from lianfang.places.services import ensure_household


@pytest.fixture
def case(world):
    """张三's confirmed case; his wife at home (household contact), a neighbour in 3-1-102 (same unit)."""
    create_resident(user=world.staff_a, household=world.household_a1, data=ResidentData(name="张妻"))
    neighbour = ensure_household(compound=world.compound_a, building="3", unit="1", room="102")
    create_resident(user=world.staff_a, household=neighbour, data=ResidentData(name="钱邻"))
    today = timezone.localdate()
    return services.create_case(
        user=world.health_a,
        resident=world.zhang_san,
        status="confirmed",
        source="hospital",
        onset_date=today - datetime.timedelta(days=3),
        report_date=today,
    )


def url(case) -> str:
    return f"/api/v1/cases/{case.id}/contacts"


def test_anonymous_caller_gets_401(client, world, case):
    assert client.get(url(case)).status_code == 401


def test_candidates_come_ranked_household_first_with_their_reasons(client, world, api_client, case):
    response = client.get(url(case), **api_client(world.health_a))

    assert response.status_code == 200
    data = response.json()
    assert data["case_id"] == case.id
    assert data["window_minutes"] == 15
    assert data["infectious_from"] < data["infectious_until"]
    names = [c["name"] for c in data["candidates"]]
    assert names[:2] == ["张妻", "钱邻"]
    assert "张三" not in names
    wife, neighbour = data["candidates"][:2]
    assert [r["kind"] for r in wife["reasons"]] == ["household"]
    assert [r["kind"] for r in neighbour["reasons"]] == ["unit"]
    assert wife["reasons"][0]["text"]
    assert (wife["degree"], wife["decision"], wife["contact_id"]) == (1, None, None)
    assert wife["score"] > neighbour["score"]


def test_the_decision_on_a_candidate_shows_in_the_list(client, world, api_client, case):
    wife = next(c for c in contacts.candidates(case, user=world.health_a) if c.name == "张妻")
    from lianfang.people.models import Resident

    contact = contacts.confirm_contact(
        user=world.health_a,
        case=case,
        resident=Resident.objects.get(pk=wife.resident_id),
        quarantine_kind="home",
    )

    data = client.get(url(case), **api_client(world.health_a)).json()

    row = next(c for c in data["candidates"] if c["name"] == "张妻")
    assert (row["decision"], row["contact_id"]) == ("confirmed", contact.id)


def test_the_contacts_of_a_case_outside_the_scope_answer_404(client, world, api_client, case):
    headers = api_client(world.staff_b)

    outside = client.get(url(case), **headers)
    missing = client.get("/api/v1/cases/999999/contacts", **headers)

    assert outside.status_code == missing.status_code == 404
    assert outside.json() == missing.json()


def test_a_gate_guard_cannot_read_contacts(client, world, api_client, case):
    assert client.get(url(case), **api_client(world.guard_a)).status_code == 404
