import datetime

import pytest
from django.conf import settings
from django.urls import reverse

from lianfang.conftest import id_for
from lianfang.people.services import ResidentData, create_resident


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def search(client, q):
    response = client.get(reverse("people:search"), {"q": q})
    assert response.status_code == 200
    return response.content.decode()


def test_anonymous_is_sent_to_login(world, client):
    response = client.get(reverse("people:search"), {"q": "zs"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_pinyin_initials_find_the_person(world, login):
    assert "张三" in search(login(world.staff_a), "zs")


def test_full_pinyin_finds_the_person(world, login):
    assert "张三" in search(login(world.staff_a), "zhangsan")


def test_last_four_digits_of_the_phone_find_the_person(world, login):
    page = search(login(world.staff_a), "1234")
    assert "张三" in page
    assert "李四" not in page


def test_last_four_of_the_id_number_find_the_person(world, login):
    page = search(login(world.staff_a), world.li_si.id_last4)
    assert "李四" in page


def test_an_address_finds_the_household(world, login):
    page = search(login(world.staff_a), "3栋1单元101")
    assert "张三" in page
    assert "李四" not in page


def test_results_show_sex_age_masked_id_phone_household_and_tags(world, login):
    page = search(login(world.staff_a), "张")
    assert "Male" in page
    assert f'<td class="num">{world.zhang_san.age()}</td>' in page
    assert world.zhang_san.masked_id in page
    assert world.zhang_san.full_id() not in page
    assert "13955401234" in page
    assert "阳光小区 3栋1单元101" in page
    assert "Chronic illness" in page


def test_search_stays_inside_the_scope(world, login):
    assert "张三" not in search(login(world.staff_b), "zs")
    assert "李四" not in search(login(world.grid_a1_worker), "ls")
    assert "Nobody in your area matches" in search(login(world.grid_a1_worker), "ls")


def test_guards_and_residents_have_no_search(world, login):
    assert login(world.guard_a).get(reverse("people:search"), {"q": "zs"}).status_code == 404
    assert login(world.resident_a).get(reverse("people:search"), {"q": "zs"}).status_code == 404


def test_search_query_count_does_not_grow_with_results(world, login, django_assert_max_num_queries):
    for seq in range(20, 45):
        create_resident(
            user=world.staff_a,
            household=world.household_a1,
            data=ResidentData(name=f"张{seq}", id_number=id_for(datetime.date(1990, 1, 1), seq, "M")),
        )
    client = login(world.staff_a)
    with django_assert_max_num_queries(5):  # +1: the header's open alert count
        page = search(client, "z")
    assert page.count("/people/residents/") >= 26


@pytest.mark.parametrize("q", ["1单元101", "3栋1单元", "3栋", "101", "阳光小区 3栋1单元101", "阳光小区3栋"])
def test_part_of_an_address_finds_the_household(world, login, q):
    page = search(login(world.staff_a), q)
    assert "张三" in page
    assert "李四" not in page  # 5栋1单元201


def test_a_room_number_finds_every_household_with_that_room_in_scope(world, login):
    page = search(login(world.commander), "101")
    assert "张三" in page and "王五" in page  # 阳光小区 3栋1单元101 and 春晖园 1栋1单元101
    assert "李四" not in page


def test_the_gates_label_names_the_compound(world, login):
    page = search(login(world.commander), "春晖园 1栋1单元101")
    assert "王五" in page
    assert "张三" not in page


def test_a_unit_without_a_building_finds_that_unit_in_every_building(world, login):
    page = search(login(world.staff_a), "1单元")
    assert "张三" in page and "李四" in page
