import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.html import escape

from lianfang.conftest import id_for
from lianfang.core.models import AuditAction, AuditLog
from lianfang.people.models import Resident


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def url(resident):
    return reverse("people:resident-edit", args=[resident.pk])


def form(resident, **overrides):
    data = {
        "name": resident.name,
        "id_number": "",
        "sex": resident.sex,
        "birth_date": resident.birth_date.isoformat(),
        "phone": resident.phone,
        "relation": resident.relation,
        "tags": resident.tag_list,
        "notes": resident.notes,
    }
    data.update(overrides)
    return data


def state(resident):
    r = Resident.objects.get(pk=resident.pk)
    return (r.name, r.phone, r.sex, r.birth_date, r.id_hash, r.id_cipher, r.tags, r.updated_at)


def test_anonymous_is_sent_to_login(world, client):
    response = client.get(url(world.zhang_san))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_form_is_filled_in_but_the_id_field_is_empty(world, login):
    page = login(world.staff_a).get(url(world.zhang_san)).content.decode()
    assert 'value="张三"' in page
    assert 'value="13955401234"' in page
    assert world.zhang_san.full_id() not in page
    assert world.zhang_san.masked_id in page  # in the help text: "leave empty to keep"
    assert 'value="chronic" id="id_tags_3" checked' in page


def test_an_empty_id_field_keeps_the_stored_number(world, login):
    before_hash = world.zhang_san.id_hash
    response = login(world.staff_a).post(url(world.zhang_san), form(world.zhang_san, phone="13800001111"))
    assert response.status_code == 302
    resident = Resident.objects.get(pk=world.zhang_san.pk)
    assert resident.phone == "13800001111"
    assert resident.id_hash == before_hash
    assert resident.full_id() == world.zhang_san.full_id()
    assert AuditLog.objects.filter(action=AuditAction.CHANGE, object_id=str(resident.pk)).exists()


def test_tags_can_be_cleared_with_the_checkboxes(world, login):
    data = form(world.zhang_san)
    del data["tags"]
    login(world.staff_a).post(url(world.zhang_san), data)
    assert Resident.objects.get(pk=world.zhang_san.pk).tags == ""


def test_a_new_id_number_can_correct_the_stored_one(world, login):
    birth = world.zhang_san.birth_date
    new_id = id_for(birth, 99, "M")
    login(world.staff_a).post(url(world.zhang_san), form(world.zhang_san, id_number=new_id))
    assert Resident.objects.get(pk=world.zhang_san.pk).full_id() == new_id


def test_bad_input_changes_nothing(world, login):
    client = login(world.staff_a)
    cases = [
        (form(world.zhang_san, phone="999"), "is not a Chinese mobile"),
        (
            form(world.zhang_san, id_number=world.li_si.full_id(), sex="", birth_date=""),
            "A resident with this ID number is already registered.",
        ),
        (
            form(world.zhang_san, id_number=world.zhang_san.full_id(), sex="F"),
            "The sex does not match the ID number.",
        ),
        (form(world.zhang_san, birth_date="2999-01-01"), "The birth date is in the future."),
    ]
    for data, message in cases:
        before = state(world.zhang_san)
        response = client.post(url(world.zhang_san), data)
        assert response.status_code == 200
        assert escape(message) in response.content.decode()
        assert state(world.zhang_san) == before


def test_a_grid_worker_editing_a_resident_outside_their_grid_gets_404(world, login):
    before = state(world.li_si)
    client = login(world.grid_a1_worker)
    assert client.get(url(world.li_si)).status_code == 404
    assert client.post(url(world.li_si), form(world.li_si, name="改名")).status_code == 404
    assert state(world.li_si) == before


def test_staff_of_another_community_get_404(world, login):
    before = state(world.zhang_san)
    assert (
        login(world.staff_b).post(url(world.zhang_san), form(world.zhang_san, name="改名")).status_code == 404
    )
    assert state(world.zhang_san) == before
