"""Integers of query parameters and form fields go through one parser (core.bounds): a unicode digit such
as '²' passes str.isdigit() but not int(), and used to answer 500 in each of these places."""

import pytest
from django.test import Client

from lianfang.access.models import Delivery
from lianfang.access.services import log_delivery

pytestmark = pytest.mark.django_db
ODD = ["²", "abc", "99999999999999999999", "-3"]


@pytest.fixture
def as_user():
    def _as(user):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        return client

    return _as


@pytest.mark.parametrize("value", ODD)
def test_response_times_take_the_default_period_for_an_odd_number_of_days(as_user, world, value):
    response = as_user(world.staff_a).get("/care/response-times/", {"days": value})

    assert response.status_code == 200 and response.context["days"] == 7


@pytest.mark.parametrize("value", ODD)
def test_the_residents_export_of_an_odd_compound_is_not_found(as_user, world, value):
    assert as_user(world.staff_a).get("/people/residents/export.xlsx", {"compound": value}).status_code == 404


@pytest.mark.parametrize("value", ODD)
def test_a_new_case_with_an_odd_resident_shows_the_search(as_user, world, value):
    response = as_user(world.health_a).get("/epi/cases/new/", {"resident": value})

    assert response.status_code == 200 and response.context["resident"] is None


@pytest.mark.parametrize("name", ["compound", "case"])
@pytest.mark.parametrize("value", ODD)
def test_a_new_lockdown_with_an_odd_compound_or_case_shows_the_empty_form(as_user, world, name, value):
    assert as_user(world.staff_a).get("/epi/lockdowns/new/", {name: value}).status_code == 200


@pytest.mark.parametrize("value", ODD)
def test_a_room_move_with_an_odd_way_back_returns_to_the_quarantine(as_user, world, value):
    from lianfang.epi.models import QuarantineKind, QuarantineReason
    from lianfang.epi.services import start_quarantine

    quarantine = start_quarantine(
        user=world.health_a,
        resident=world.zhang_san,
        kind=QuarantineKind.HOME,
        reason=QuarantineReason.CONTACT,
    )
    response = as_user(world.health_a).post(
        f"/epi/quarantines/{quarantine.pk}/room/", {"room": "", "back": value}
    )

    assert response.status_code == 302 and response["Location"] == f"/epi/quarantines/{quarantine.pk}/"


@pytest.mark.parametrize("beds", ["²", "0", "51", "99999999999999999999", "two"])
def test_a_facility_room_list_with_an_odd_number_of_beds_is_refused_on_its_line(as_user, world, beds):
    from lianfang.epi.models import Facility

    response = as_user(world.health_a).post(
        "/epi/facilities/", {"name": "宾馆", "area": world.community_a.pk, "rooms": f"301 2\n302 {beds}"}
    )

    assert response.status_code == 200
    assert "第 2 行" in str(response.context["form"].errors["rooms"])
    assert not Facility.objects.exists()


@pytest.mark.parametrize("value", ["abc", "²", "99999999999999999999"])
def test_picking_up_an_odd_delivery_is_not_found_and_changes_nothing(as_user, world, value):
    log_delivery(guard=world.guard_a, gate=world.gate_a, household=world.household_a1, carrier="顺丰")

    response = as_user(world.guard_a).post("/access/checkpoint/deliveries/", {"picked_up": value})

    assert response.status_code == 404
    assert not Delivery.objects.filter(picked_up_at__isnull=False).exists()


def test_a_building_numbered_with_a_superscript_digit_still_lists_and_prints(as_user, world):
    # A spreadsheet import keeps a building number such as "3²" as written (str.isdigit() is true for it).
    from lianfang.access.services import issue_household_passes
    from lianfang.places.models import Building

    issue_household_passes(user=world.staff_a, compound=world.compound_a)
    Building.objects.filter(pk=world.household_a1.unit.building_id).update(number="3²")
    client = as_user(world.staff_a)

    assert client.get(f"/places/compounds/{world.compound_a.pk}/").status_code == 200
    assert client.get(f"/places/buildings/{world.household_a1.unit.building_id}/").status_code == 200
    assert client.get(f"/access/compounds/{world.compound_a.pk}/passes.pdf").status_code == 200
