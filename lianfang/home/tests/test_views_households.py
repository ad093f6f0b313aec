import datetime

import pytest
from django.conf import settings
from django.urls import reverse

from lianfang.people.models import TravelRecord, Visit
from lianfang.people.services import move_resident


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def url(household):
    return reverse("places:household-detail", args=[household.pk])


def test_anonymous_is_sent_to_login(world, client):
    response = client.get(url(world.household_a1))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_household_shows_members_with_masked_ids_and_edit_links(world, login):
    response = login(world.staff_a).get(url(world.household_a1))
    assert response.status_code == 200
    page = response.content.decode()
    assert "张三" in page
    assert world.zhang_san.masked_id in page
    assert world.zhang_san.full_id() not in page
    assert reverse("people:resident-create", args=[world.household_a1.pk]) in page
    assert reverse("people:visit-create", args=[world.household_a1.pk]) in page


def test_household_shows_history_visits_and_travel_of_members(world, login):
    Visit.objects.create(household=world.household_a1, visitor=world.grid_a1_worker, findings="体温正常")
    TravelRecord.objects.create(
        resident=world.zhang_san, origin="武汉市", arrival_date=datetime.date(2026, 1, 20)
    )
    move_resident(user=world.staff_a, resident=world.li_si, household=world.household_a1, reason="投亲")
    page = login(world.staff_a).get(url(world.household_a1)).content.decode()
    assert "体温正常" in page
    assert "武汉市" in page
    assert "李四" in page
    assert "Membership history" in page


def test_commander_reads_households_but_gets_no_edit_links(world, login):
    page = login(world.commander).get(url(world.household_a1)).content.decode()
    assert "张三" in page
    assert reverse("people:resident-create", args=[world.household_a1.pk]) not in page


def test_out_of_scope_households_are_404(world, login):
    assert login(world.staff_b).get(url(world.household_a1)).status_code == 404
    assert login(world.grid_a1_worker).get(url(world.household_a2)).status_code == 404
    assert login(world.guard_a).get(url(world.household_a1)).status_code == 404


def test_a_resident_uses_the_home_page_not_the_registry(world, login):
    assert login(world.resident_a).get(url(world.household_a1)).status_code == 404


def test_household_page_query_budget(world, login, django_assert_max_num_queries):
    for i in range(5):
        Visit.objects.create(household=world.household_a1, visitor=world.staff_a, findings=f"visit {i}")
        TravelRecord.objects.create(
            resident=world.zhang_san, origin=f"城市{i}", arrival_date=datetime.date(2026, 1, 1)
        )
    client = login(world.staff_a)
    # 9 for the household and its people; 4 for passes and outings (policy, exits used, suspension, passes);
    # 1 for the risk level it lives under; 1 for the header's open alert count.
    with django_assert_max_num_queries(15):
        client.get(url(world.household_a1))
