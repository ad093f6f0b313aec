import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.html import escape

from lianfang.core.models import AuditAction, AuditLog
from lianfang.people.models import Membership, Resident


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def url(resident):
    return reverse("people:resident-move", args=[resident.pk])


def state():
    return (
        list(Resident.objects.order_by("pk").values_list("pk", "household_id", "grid_id", "path")),
        list(Membership.objects.order_by("pk").values_list("pk", "household_id", "ended")),
    )


def test_anonymous_is_sent_to_login(world, client):
    response = client.get(url(world.zhang_san))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_form_offers_only_compounds_in_scope(world, login):
    page = login(world.staff_a).get(url(world.zhang_san)).content.decode()
    assert "阳光小区" in page
    assert "春晖园" not in page


def test_move_by_compound_building_unit_and_room_keeps_history(world, login):
    data = {
        "compound": world.compound_a.pk,
        "building": "5栋",
        "unit": "1",
        "room": "201",
        "relation": "tenant",
        "reason": "租房",
    }
    response = login(world.staff_a).post(url(world.zhang_san), data)
    assert response.status_code == 302
    resident = Resident.objects.get(pk=world.zhang_san.pk)
    assert resident.household == world.household_a2
    assert resident.grid == world.grid_a2
    assert resident.relation == "tenant"
    old, new = Membership.objects.filter(resident=resident).order_by("id")
    assert (old.household, old.reason) == (world.household_a1, "租房") and old.ended is not None
    assert new.household == world.household_a2 and new.ended is None
    assert AuditLog.objects.filter(action=AuditAction.MOVE, object_id=str(resident.pk)).exists()


def test_move_by_household_number(world, login):
    response = login(world.staff_a).post(url(world.li_si), {"household_id": world.household_a1.pk})
    assert response.status_code == 302
    assert Resident.objects.get(pk=world.li_si.pk).household == world.household_a1


def refused(client, resident, data, message):
    before = state()
    response = client.post(url(resident), data)
    assert response.status_code == 200
    assert escape(message) in response.content.decode()
    assert state() == before


def test_a_household_in_another_community_is_not_offered(world, login):
    refused(
        login(world.staff_a),
        world.zhang_san,
        {"household_id": world.household_b.pk},
        f"There is no household number {world.household_b.pk} in your area.",
    )


def test_an_address_that_does_not_exist_is_refused(world, login):
    refused(
        login(world.staff_a),
        world.zhang_san,
        {"compound": world.compound_a.pk, "building": "9", "room": "909"},
        "There is no household 9栋1单元909 in 阳光小区 in your area.",
    )


def test_nothing_chosen_is_refused(world, login):
    refused(
        login(world.staff_a),
        world.zhang_san,
        {"reason": "x"},
        "Give the household number, or choose the compound and type the building and room.",
    )


def test_the_same_household_is_refused(world, login):
    refused(
        login(world.staff_a),
        world.zhang_san,
        {"household_id": world.household_a1.pk},
        "The resident already lives in that household.",
    )


def test_a_grid_worker_cannot_move_someone_into_another_grid(world, login):
    refused(
        login(world.grid_a1_worker),
        world.zhang_san,
        {"household_id": world.household_a2.pk},
        f"There is no household number {world.household_a2.pk} in your area.",
    )


def test_out_of_scope_residents_are_404(world, login):
    before = state()
    assert (
        login(world.grid_a1_worker)
        .post(url(world.li_si), {"household_id": world.household_a1.pk})
        .status_code
        == 404
    )
    assert login(world.staff_b).get(url(world.zhang_san)).status_code == 404
    assert state() == before
