import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from lianfang.people.models import TravelRecord, Visit


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def travel_url(resident):
    return reverse("people:travel-create", args=[resident.pk])


def visit_url(household):
    return reverse("people:visit-create", args=[household.pk])


def test_anonymous_is_sent_to_login(world, client):
    for url in (travel_url(world.zhang_san), visit_url(world.household_a1)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_a_travel_record_is_added(world, login):
    client = login(world.grid_a1_worker)
    assert client.get(travel_url(world.zhang_san)).status_code == 200
    response = client.post(
        travel_url(world.zhang_san), {"origin": "武汉市", "arrival_date": "2026-01-20", "source": "visit"}
    )
    assert response.status_code == 302
    record = TravelRecord.objects.get(resident=world.zhang_san)
    assert (record.origin, record.recorded_by) == ("武汉市", world.grid_a1_worker)
    assert (
        "武汉市" in client.get(reverse("people:resident-detail", args=[world.zhang_san.pk])).content.decode()
    )


def test_a_future_arrival_date_is_refused(world, login):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = login(world.staff_a).post(
        travel_url(world.zhang_san),
        {"origin": "武汉市", "arrival_date": tomorrow.isoformat(), "source": "visit"},
    )
    assert response.status_code == 200
    assert "The arrival date is in the future." in response.content.decode()
    assert not TravelRecord.objects.exists()


def test_a_travel_record_out_of_scope_is_404(world, login):
    data = {"origin": "武汉市", "arrival_date": "2026-01-20", "source": "visit"}
    assert login(world.staff_b).post(travel_url(world.zhang_san), data).status_code == 404
    assert login(world.grid_a1_worker).post(travel_url(world.li_si), data).status_code == 404
    assert not TravelRecord.objects.exists()


def test_a_visit_is_recorded(world, login):
    client = login(world.staff_a)
    assert client.get(visit_url(world.household_a1)).status_code == 200
    response = client.post(visit_url(world.household_a1), {"findings": "全家体温正常", "visited_at": ""})
    assert response.status_code == 302
    assert response["Location"] == reverse("places:household-detail", args=[world.household_a1.pk])
    visit = Visit.objects.get(household=world.household_a1)
    assert (visit.findings, visit.visitor) == ("全家体温正常", world.staff_a)


def test_a_visit_in_the_future_is_refused(world, login):
    later = timezone.localtime() + datetime.timedelta(days=1)
    response = login(world.staff_a).post(
        visit_url(world.household_a1), {"findings": "x", "visited_at": later.strftime("%Y-%m-%dT%H:%M")}
    )
    assert response.status_code == 200
    assert "The visit time is in the future." in response.content.decode()
    assert not Visit.objects.exists()


def test_a_visit_out_of_scope_is_404(world, login):
    assert login(world.staff_b).post(visit_url(world.household_a1), {"findings": "x"}).status_code == 404
    assert (
        login(world.grid_a1_worker).post(visit_url(world.household_a2), {"findings": "x"}).status_code == 404
    )
    assert not Visit.objects.exists()


def test_read_only_roles_cannot_record(world, login):
    assert login(world.commander).post(visit_url(world.household_a1), {"findings": "x"}).status_code == 403
    assert not Visit.objects.exists()
