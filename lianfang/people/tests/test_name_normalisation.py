"""Names are stored in one spelling (core/names.py) whichever way in: the form, the edit form, the epidemic
API's non-resident and the import. "王  磊 " is stored "王磊", so a search for 王磊 finds him."""

import datetime
import io

from django.urls import reverse

from lianfang.conftest import id_for
from lianfang.people.importer import run_import
from lianfang.people.models import Resident
from lianfang.people.tests.import_files import GOOD_1, GOOD_2

NEW_ID = id_for(datetime.date(1985, 3, 9), 41, "F")


def create_form(name):
    return {"name": name, "id_number": NEW_ID, "sex": "", "birth_date": "", "phone": "", "relation": "other"}


def test_the_form_stores_a_chinese_name_without_inner_spaces_and_search_finds_it(world, login):
    client = login(world.staff_a)
    response = client.post(
        reverse("people:resident-create", args=[world.household_a1.pk]), create_form("王  磊 ")
    )
    assert response.status_code == 302
    resident = Resident.objects.get(id_last4=NEW_ID[-4:])
    assert resident.name == "王磊"
    assert resident.name_pinyin == "wanglei"
    page = client.get(reverse("people:search"), {"q": "王磊"}).content.decode()
    assert f'href="{reverse("people:resident-detail", args=[resident.pk])}"' in page


def test_a_latin_name_keeps_one_space_between_its_words(world, login):
    client = login(world.staff_a)
    client.post(
        reverse("people:resident-create", args=[world.household_a1.pk]), create_form(" John\u3000 Smith ")
    )
    assert Resident.objects.get(id_last4=NEW_ID[-4:]).name == "John Smith"


def test_the_edit_form_normalises_too(world, login):
    z = world.zhang_san
    login(world.staff_a).post(
        reverse("people:resident-edit", args=[z.pk]),
        {
            "name": "张 三 丰",
            "id_number": "",
            "sex": z.sex,
            "birth_date": z.birth_date.isoformat(),
            "phone": z.phone,
            "relation": z.relation,
            "notes": "",
        },
    )
    assert Resident.objects.get(pk=z.pk).name == "张三丰"


def test_the_import_normalises_names(world, login):
    csv = (
        f"姓名,身份证号,小区,楼栋,门牌号\n王  磊 ,{GOOD_1},阳光小区,3,102\n李 小 龙,{GOOD_2},阳光小区,3,201\n"
    )
    report = run_import(
        fileobj=io.BytesIO(csv.encode()),
        filename="居民.csv",
        community=world.community_a,
        user=world.staff_a,
        commit="all",
    )
    assert report["written"] == 2, report
    assert set(
        Resident.objects.filter(id_last4__in=[GOOD_1[-4:], GOOD_2[-4:]]).values_list("name", flat=True)
    ) == {
        "王磊",
        "李小龙",
    }
    page = login(world.staff_a).get(reverse("people:search"), {"q": "王磊"}).content.decode()
    assert "王磊" in page
