"""Registry dates are bounded (core.bounds): travel arrivals and visits between 1900-01-01 and tomorrow,
birth dates from 1900-01-01 to today. A travel record in year 1 used to be stored as given."""

import datetime

import pytest
import time_machine
from django.test import Client

from lianfang.people.models import Resident, TravelRecord, Visit


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2026, 3, 2, 2, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def staff(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.staff_a)
    return client


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "2026-03-04", "9999-12-31"])
def test_a_travel_record_outside_the_window_is_refused_on_its_field(world, staff, day):
    response = staff.post(
        f"/people/residents/{world.zhang_san.pk}/travels/new/",
        {"origin": "武汉市", "arrival_date": day, "source": "visit"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["arrival_date"][0].code == "date_out_of_range"
    assert not TravelRecord.objects.exists()


def test_a_travel_record_inside_the_window_is_taken(world, staff):
    response = staff.post(
        f"/people/residents/{world.zhang_san.pk}/travels/new/",
        {"origin": "武汉市", "arrival_date": "1950-03-02", "source": "visit"},
    )

    assert response.status_code == 302 and TravelRecord.objects.count() == 1


@pytest.mark.parametrize("at", ["0001-01-01T00:00", "9999-12-31T23:59"])
def test_a_visit_outside_the_window_is_refused(world, staff, at):
    response = staff.post(
        f"/people/households/{world.household_a1.pk}/visits/new/", {"visited_at": at, "findings": "在家"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["visited_at"][0].code == "date_out_of_range"
    assert not Visit.objects.exists()


@pytest.mark.parametrize(
    ("day", "code"), [("0001-01-01", "date_out_of_range"), ("9999-12-31", "birth_future")]
)
def test_a_birth_date_outside_the_window_is_refused(world, staff, day, code):
    before = Resident.objects.count()
    response = staff.post(
        f"/people/households/{world.household_a1.pk}/residents/new/",
        {"name": "张小", "birth_date": day, "relation": "child"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["birth_date"][0].code == code
    assert Resident.objects.count() == before
