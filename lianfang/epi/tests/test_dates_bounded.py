"""Epidemic dates are bounded (core.bounds): an onset at most a year back, events between 1900-01-01 and
tomorrow, planned days at most a year ahead. A case with an onset in year 1 used to be accepted with 201,
and its page and contacts endpoint answered 500 from then on; now it is refused and nothing is written."""

import datetime

import pytest
import time_machine
from django.test import Client

from lianfang.epi.models import Case, HealthCheck, Lockdown

TODAY = datetime.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2026, 3, 2, 2, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def health(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.health_a)
    return client


def post_case(client, headers, **dates):
    body = {"resident_id": dates.pop("resident_id"), "status": "confirmed", **dates}
    return client.post("/api/v1/cases", body, content_type="application/json", **headers)


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("onset_date", "0001-01-01", "onset_too_early"),
        ("onset_date", "2025-02-28", "onset_too_early"),
        ("report_date", "0001-01-01", "date_out_of_range"),
        ("report_date", "9999-12-31", "date_out_of_range"),
        ("isolation_date", "1899-12-31", "date_out_of_range"),
    ],
)
def test_the_api_refuses_a_case_date_outside_its_window_and_writes_nothing(
    client, world, api_client, field, value, code
):
    response = post_case(client, api_client(world.health_a), resident_id=world.zhang_san.pk, **{field: value})

    assert response.status_code == 400
    assert response.json()["code"] == code and response.json()["field"] == field
    assert "2025-03-01" in response.json()["message"] or "1900-01-01" in response.json()["message"]
    assert not Case.objects.exists()


def test_an_onset_a_year_back_is_accepted_and_its_pages_answer(client, world, api_client, health):
    headers = api_client(world.health_a)
    response = post_case(client, headers, resident_id=world.zhang_san.pk, onset_date="2025-03-02")

    assert response.status_code == 201
    case_id = response.json()["id"]
    assert client.get(f"/api/v1/cases/{case_id}/contacts", **headers).status_code == 200
    assert health.get(f"/epi/cases/{case_id}/").status_code == 200


def test_the_case_page_refuses_an_onset_in_year_1_on_its_field(world, health):
    response = health.post(
        f"/epi/cases/new/?resident={world.zhang_san.pk}",
        {
            "resident": world.zhang_san.pk,
            "status": "confirmed",
            "source": "hospital",
            "onset_date": "0001-01-01",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["onset_date"][0].code == "onset_too_early"
    assert not Case.objects.exists()


def test_changing_a_cases_dates_to_year_1_is_refused(world, health):
    from lianfang.epi.services import create_case

    case = create_case(user=world.health_a, resident=world.zhang_san, status="confirmed", source="hospital")
    response = health.post(f"/epi/cases/{case.pk}/dates/", {"onset_date": "0001-01-01", "isolation_date": ""})

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.onset_date is None
    assert health.get(f"/epi/cases/{case.pk}/").status_code == 200


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_health_check_outside_the_window_is_refused(world, health, day):
    response = health.post(
        f"/epi/residents/{world.zhang_san.pk}/checks/new/", {"temperature": "36.5", "date": day}
    )

    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["date"][0].code == "date_out_of_range"
    assert not HealthCheck.objects.exists()


@pytest.mark.parametrize("day", ["9999-12-31", "2027-03-04"])
def test_a_lockdown_starting_more_than_a_year_ahead_is_refused(client, world, api_client, day):
    body = {"scope": "unit", "id": world.household_a1.unit_id, "start": day}
    response = client.post(
        "/api/v1/lockdowns", body, content_type="application/json", **api_client(world.staff_a)
    )

    assert response.status_code == 400 and response.json()["code"] == "date_out_of_range"
    assert not Lockdown.objects.exists()
