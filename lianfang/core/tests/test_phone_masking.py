"""Residents' phones are masked (139****1234) for roles that do not call households — the command centre —
in pages and in every API answer; the roles that call (community staff, grid workers, health workers,
volunteers) see full numbers (core/phones.py, core.roles.SEE_FULL_PHONE)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from lianfang.accounts.models import User
from lianfang.conftest import PASSWORD
from lianfang.core.phones import mask_phone, phone_for
from lianfang.core.roles import Role
from lianfang.epi.models import QuarantineKind, QuarantineReason
from lianfang.epi.services import create_case, start_quarantine

FULL = "13955401234"  # 张三's phone in the world of lianfang/conftest.py
MASKED = "139****1234"


@pytest.fixture
def case(world):
    return create_case(user=world.health_a, resident=world.zhang_san, status="confirmed", source="other")


@pytest.fixture
def quarantine(world):
    today = timezone.localdate()
    return start_quarantine(
        user=world.health_a,
        resident=world.li_si,
        kind=QuarantineKind.HOME,
        reason=QuarantineReason.CONTACT,
        start=today,
        days=14,
        today=today,
    )


def test_the_mask_keeps_the_first_three_and_last_four():
    assert mask_phone(FULL) == MASKED
    assert mask_phone("05546661111") == "055****1111"
    assert mask_phone("") == ""


@pytest.mark.parametrize(
    ("role", "full"),
    [
        (Role.COMMAND, False),
        (Role.GATE, False),
        (Role.RESIDENT, False),
        (Role.COMMUNITY, True),
        (Role.GRID, True),
        (Role.HEALTH, True),
        (Role.VOLUNTEER, True),
    ],
)
def test_which_roles_see_full_numbers(role, full):
    assert phone_for(User(role=role), FULL) == (FULL if full else MASKED)


def api_phone(client, headers, url, pick):
    response = client.get(url, **headers)
    assert response.status_code == 200, response.content
    return pick(response.json())


def test_the_resident_search_api_masks_the_phone_for_the_commander(world, client, api_client):
    def first(body):
        return body[0]["phone"]

    url = "/api/v1/residents?q=张三"
    assert api_phone(client, api_client(world.commander), url, first) == MASKED
    assert api_phone(client, api_client(world.staff_a), url, first) == FULL
    assert api_phone(client, api_client(world.grid_a1_worker), url, first) == FULL


def test_the_household_api_masks_the_members_phones_for_the_commander(world, client, api_client):
    url = f"/api/v1/households/{world.household_a1.pk}"

    def member(body):
        return body["members"][0]["phone"]

    assert api_phone(client, api_client(world.commander), url, member) == MASKED
    assert api_phone(client, api_client(world.staff_a), url, member) == FULL


def test_the_case_api_masks_the_phone_for_the_commander(world, case, client, api_client):
    url = f"/api/v1/cases/{case.pk}"

    def person(body):
        return body["person"]["phone"]

    assert api_phone(client, api_client(world.commander), url, person) == MASKED
    assert api_phone(client, api_client(world.health_a), url, person) == FULL


def test_the_quarantine_api_masks_the_phone_for_the_commander(world, quarantine, client, api_client):
    url = f"/api/v1/quarantines?household={world.household_a2.pk}"

    def person(body):
        return body[0]["person"]["phone"]

    assert api_phone(client, api_client(world.commander), url, person) == "138****5678"
    assert api_phone(client, api_client(world.health_a), url, person) == "13855405678"


@pytest.mark.parametrize("which", ["resident", "household", "search", "case", "quarantine"])
def test_pages_mask_the_phone_for_the_commander_and_show_it_to_staff(world, case, quarantine, login, which):
    url, full, masked = {
        "resident": (reverse("people:resident-detail", args=[world.zhang_san.pk]), FULL, MASKED),
        "household": (reverse("places:household-detail", args=[world.household_a1.pk]), FULL, MASKED),
        "search": (reverse("people:search") + "?q=张三", FULL, MASKED),
        "case": (reverse("epi:case-detail", args=[case.pk]), FULL, MASKED),
        "quarantine": (reverse("epi:quarantine-detail", args=[quarantine.pk]), "13855405678", "138****5678"),
    }[which]
    commander = login(world.commander).get(url)
    assert commander.status_code == 200
    assert full not in commander.content.decode() and masked in commander.content.decode()
    staff = login(world.staff_a).get(url).content.decode()
    assert full in staff


def test_a_volunteer_sees_full_numbers(world):
    volunteer = User.objects.create_user(
        username="vol", password=PASSWORD, role=Role.VOLUNTEER, area=world.community_a
    )
    assert phone_for(volunteer, FULL) == FULL
