import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.html import escape

from lianfang.conftest import id_for
from lianfang.core.models import AuditAction, AuditLog
from lianfang.people.models import Membership, Resident

NEW_ID = id_for(datetime.date(1985, 3, 9), 41, "F")  # a woman born 1985-03-09


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def url(household):
    return reverse("people:resident-create", args=[household.pk])


def form(**overrides):
    data = {
        "name": "赵六",
        "id_number": NEW_ID,
        "sex": "",
        "birth_date": "",
        "phone": "13912345678",
        "relation": "spouse",
        "tags": ["pregnant"],
        "notes": "",
    }
    data.update(overrides)
    return data


def snapshot():
    return (Resident.objects.count(), Membership.objects.count(), AuditLog.objects.count())


def test_anonymous_is_sent_to_login(world, client):
    response = client.get(url(world.household_a1))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_form_shows_sex_and_relation_selects_and_tag_checkboxes(world, login):
    page = login(world.staff_a).get(url(world.household_a1)).content.decode()
    assert '<select name="sex"' in page
    assert '<select name="relation"' in page
    assert 'type="checkbox" name="tags" value="elderly_alone"' in page


def test_staff_add_a_resident_to_a_household(world, login):
    response = login(world.staff_a).post(url(world.household_a1), form())
    resident = Resident.objects.get(name="赵六")
    assert response.status_code == 302
    assert response["Location"] == reverse("people:resident-detail", args=[resident.pk])
    assert (resident.sex, resident.birth_date) == ("F", datetime.date(1985, 3, 9))
    assert resident.household == world.household_a1
    assert resident.tag_list == ["pregnant"]
    assert resident.full_id() == NEW_ID
    assert Membership.objects.filter(resident=resident, household=world.household_a1, ended=None).exists()
    assert AuditLog.objects.filter(action=AuditAction.CREATE, object_id=str(resident.pk)).exists()


def test_a_grid_worker_adds_to_their_own_grid(world, login):
    response = login(world.grid_a1_worker).post(url(world.household_a1), form())
    assert response.status_code == 302


def refused(login, user, household, data, message, field=None):
    before = snapshot()
    response = login(user).post(url(household), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert escape(message) in page
    assert snapshot() == before
    return page


def test_a_wrong_check_digit_is_refused(world, login):
    bad = NEW_ID[:-1] + ("0" if NEW_ID[-1] != "0" else "1")
    refused(
        login,
        world.staff_a,
        world.household_a1,
        form(id_number=bad),
        "The check digit of the ID number is wrong; please check it against the card.",
    )


def test_a_bad_phone_is_refused(world, login):
    refused(
        login,
        world.staff_a,
        world.household_a1,
        form(phone="12345"),
        "“12345” is not a Chinese mobile (11 digits starting with 1) or landline number (with area code).",
    )


def test_a_sex_that_disagrees_with_the_id_is_refused(world, login):
    refused(login, world.staff_a, world.household_a1, form(sex="M"), "The sex does not match the ID number.")


def test_a_birth_date_that_disagrees_with_the_id_is_refused(world, login):
    refused(
        login,
        world.staff_a,
        world.household_a1,
        form(birth_date="1985-03-10"),
        "The birth date does not match the ID number.",
    )


def test_a_duplicate_id_number_is_refused(world, login):
    refused(
        login,
        world.staff_a,
        world.household_a1,
        form(id_number=world.zhang_san.full_id(), sex=""),
        "A resident with this ID number is already registered.",
    )


def test_the_error_is_shown_on_the_id_field(world, login):
    page = refused(
        login,
        world.staff_a,
        world.household_a1,
        form(id_number="123"),
        "An ID number has 18 characters (or 15 for old cards); this one has 3.",
    )
    field = page.split('name="id_number"')[1]
    assert "errorlist" in field.split('name="sex"')[0]


def test_a_missing_name_is_refused(world, login):
    refused(login, world.staff_a, world.household_a1, form(name=""), "This field is required.")


def test_a_household_in_another_community_is_404(world, login):
    before = snapshot()
    assert login(world.staff_a).post(url(world.household_b), form()).status_code == 404
    assert login(world.staff_a).get(url(world.household_b)).status_code == 404
    assert snapshot() == before


def test_a_grid_worker_cannot_add_to_another_grid(world, login):
    before = snapshot()
    assert login(world.grid_a1_worker).post(url(world.household_a2), form()).status_code == 404
    assert snapshot() == before


def test_read_only_roles_are_refused(world, login):
    before = snapshot()
    assert login(world.commander).post(url(world.household_a1), form()).status_code == 403
    assert login(world.health_a).get(url(world.household_a1)).status_code == 403
    assert snapshot() == before
