"""An ID number registered outside the user's scope is refused exactly like a mistyped number (same code,
message and field), so the refusal does not tell that the person is registered elsewhere; inside the scope
"already registered" stays (people/services.py)."""

import datetime
import io

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from lianfang.conftest import id_for
from lianfang.core import idnumbers
from lianfang.core.errors import DomainError
from lianfang.people.importer import run_import
from lianfang.people.models import Resident
from lianfang.people.services import ResidentData, create_resident, update_resident
from lianfang.people.tests.import_files import bad_checksum, xlsx_bytes

ALREADY = "A resident with this ID number is already registered."
CHECKSUM = "The check digit of the ID number is wrong; please check it against the card."
NEW_ID = id_for(datetime.date(1985, 3, 9), 41, "F")


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def refusal(**kwargs) -> tuple[str, str, str | None]:
    with pytest.raises(DomainError) as exc:
        create_resident(**kwargs)
    return exc.value.code, str(exc.value.message), exc.value.field


def test_outside_the_scope_the_refusal_is_that_of_a_mistyped_number(world):
    registered_in_a = world.zhang_san.full_id()
    elsewhere = refusal(
        user=world.staff_b, household=world.household_b, data=ResidentData("赵六", registered_in_a)
    )
    mistyped = refusal(
        user=world.staff_b, household=world.household_b, data=ResidentData("赵六", bad_checksum(NEW_ID))
    )
    assert elsewhere == mistyped == ("id_bad_checksum", CHECKSUM, "id_number")


def test_the_refusal_is_the_one_idnumbers_gives(world):
    with pytest.raises(DomainError) as exc:
        idnumbers.parse(bad_checksum(NEW_ID))
    assert (exc.value.code, str(exc.value.message)) == ("id_bad_checksum", CHECKSUM)


def test_inside_the_scope_it_says_already_registered(world):
    registered = world.zhang_san.full_id()
    assert refusal(
        user=world.staff_a, household=world.household_a1, data=ResidentData("赵六", registered)
    ) == (
        "id_duplicate",
        ALREADY,
        "id_number",
    )


def test_a_grid_worker_is_told_only_about_their_own_grid(world):
    """李四 lives in grid A2: for the grid A1 worker that is outside the scope."""
    li_si = world.li_si.full_id()
    code, _message, _field = refusal(
        user=world.grid_a1_worker, household=world.household_a1, data=ResidentData("赵六", li_si)
    )
    assert code == "id_bad_checksum"


def test_the_page_shows_the_same_message_for_both(world, login):
    client = login(world.staff_b)
    before = Resident.objects.count()
    response = client.post(
        reverse("people:resident-create", args=[world.household_b.pk]),
        {"name": "赵六", "id_number": world.zhang_san.full_id(), "relation": "other"},
    )
    page = response.content.decode()
    assert escape(CHECKSUM) in page
    assert ALREADY not in page
    assert Resident.objects.count() == before


def test_editing_to_a_number_registered_elsewhere_is_refused_the_same_way(world):
    with pytest.raises(DomainError) as exc:
        update_resident(
            user=world.staff_b,
            resident=world.wang_wu,
            data=ResidentData("王五", world.zhang_san.full_id(), relation="head"),
        )
    assert (exc.value.code, str(exc.value.message)) == ("id_bad_checksum", CHECKSUM)
    assert Resident.objects.get(pk=world.wang_wu.pk).id_hash != world.zhang_san.id_hash


def test_the_case_api_refuses_a_person_registered_elsewhere_like_a_mistyped_number(client, world, api_client):
    """POST /api/v1/cases with a non-resident whose number belongs to 张三 of community A, by B's staff."""

    def register(number):
        person = {"name": "赵六", "id_number": number, "community": world.community_b.code}
        return client.post(
            "/api/v1/cases",
            {"person": person, "status": "suspected"},
            content_type="application/json",
            **api_client(world.staff_b),
        )

    elsewhere = register(world.zhang_san.full_id())
    mistyped = register(bad_checksum(NEW_ID))
    assert elsewhere.status_code == mistyped.status_code == 400
    assert elsewhere.json() == mistyped.json()
    assert elsewhere.json()["code"] == "id_bad_checksum"


def test_an_import_refuses_a_number_registered_in_another_community_like_a_mistyped_one(world):
    """The roster of community A: one row with a number registered in B, one with 张三's (in A)."""
    create_resident(user=world.staff_b, household=world.household_b, data=ResidentData("赵六", NEW_ID))
    header = ["姓名", "性别", "身份证号", "联系电话", "小区", "楼栋", "单元", "门牌号", "与户主关系", "备注"]
    rows = [
        ["赵六", "", NEW_ID, "", "阳光小区", 20, 1, 101, "户主", ""],
        ["张三", "", world.zhang_san.full_id(), "", "阳光小区", 20, 1, 102, "户主", ""],
    ]
    report = run_import(
        fileobj=io.BytesIO(xlsx_bytes(rows, header=header)),
        filename="花名册.xlsx",
        community=world.community_a,
        user=world.staff_a,
        commit=None,
    )
    errors = [(e["code"], e["message"]) for e in sorted(report["errors"], key=lambda e: e["row"])]
    assert errors == [("id_bad_checksum", CHECKSUM), ("id_duplicate", ALREADY)]
