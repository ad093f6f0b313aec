"""Quarantine pages: the due lists (today / tomorrow / overdue), day N of M, extend and shorten with a
reason, release (early or without checks only with a reason), moving rooms, a health worker's check."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse

from lianfang.epi.models import HealthCheck, Quarantine, QuarantineChange
from lianfang.epi.services import start_quarantine

D = datetime.timedelta


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def home_q(world, resident, start, days=14):
    return start_quarantine(
        user=world.health_a,
        resident=resident,
        kind="home",
        reason="contact",
        start=start,
        days=days,
        today=start,
    )


def test_the_due_lists_sort_people_by_their_last_day(world, login, unit31, today):
    qian1, qian2, sun = unit31.residents[1:]
    home_q(world, qian1, today - D(days=13))  # last day today
    home_q(world, qian2, today - D(days=12))  # last day tomorrow
    home_q(world, sun, today - D(days=15))  # last day was yesterday: overdue
    page = login(world.health_a).get(reverse("epi:quarantine-list")).content.decode()
    overdue = page.index('data-test="overdue"')
    ends_today = page.index('data-test="ends_today"')
    ends_tomorrow = page.index('data-test="ends_tomorrow"')
    assert overdue < page.index("孙三") < ends_today < page.index("钱一") < ends_tomorrow < page.index("钱二")


def test_the_quarantine_page_shows_day_n_of_m_from_the_dates(world, login, unit31, today):
    q = home_q(world, unit31.residents[1], today - D(days=4))
    page = login(world.health_a).get(reverse("epi:quarantine-detail", args=[q.pk])).content.decode()
    assert "Day 5 of 14" in page and (today + D(days=9)).isoformat() in page


def test_extend_and_shorten_change_the_last_day_and_shorten_needs_a_reason(world, login, unit31, today):
    q = home_q(world, unit31.residents[1], today)
    client = login(world.health_a)
    client.post(reverse("epi:quarantine-extend", args=[q.pk]), {"days": "3", "reason": "fever in the family"})
    q.refresh_from_db()
    assert q.planned_end == today + D(days=16)
    page = client.post(
        reverse("epi:quarantine-shorten", args=[q.pk]),
        {"new_end": today.isoformat(), "reason": ""},
        follow=True,
    ).content.decode()
    assert 'class="msg error' in page
    q.refresh_from_db()
    assert q.planned_end == today + D(days=16)
    client.post(
        reverse("epi:quarantine-shorten", args=[q.pk]),
        {"new_end": (today + D(days=6)).isoformat(), "reason": "policy"},
    )
    q.refresh_from_db()
    assert q.planned_end == today + D(days=6)


def test_release_before_the_end_without_a_reason_is_refused(world, login, unit31, today):
    q = home_q(world, unit31.residents[1], today)
    client = login(world.health_a)
    page = client.post(reverse("epi:quarantine-release", args=[q.pk]), {}, follow=True).content.decode()
    assert "give a reason to release earlier" in page
    q.refresh_from_db()
    assert q.status == "active" and q.household.exits_held_until == q.planned_end
    client.post(
        reverse("epi:quarantine-release", args=[q.pk]), {"override_reason": "test negative, doctor's note"}
    )
    q.refresh_from_db()
    assert q.status == "released" and q.end_note == "test negative, doctor's note"
    q.household.refresh_from_db()
    assert q.household.exits_held_until is None


def test_release_on_the_last_day_needs_the_health_checks(world, login, unit31, today, normal_checks):
    q = home_q(world, unit31.residents[1], today - D(days=13))
    client = login(world.health_a)
    page = client.post(reverse("epi:quarantine-release", args=[q.pk]), {}, follow=True).content.decode()
    assert "health checks since the start" in page
    normal_checks(unit31.residents[1], today - D(days=1), today)
    client.post(reverse("epi:quarantine-release", args=[q.pk]), {})
    q.refresh_from_db()
    assert q.status == "released"


def test_a_facility_quarantine_moves_to_a_room_with_a_free_bed_only(world, login, unit31, today, facility):
    r101, r102 = facility.rooms.order_by("number")
    a = start_quarantine(
        user=world.health_a, resident=unit31.residents[1], kind="facility", reason="contact", room=r101
    )
    b = start_quarantine(
        user=world.health_a, resident=unit31.residents[2], kind="facility", reason="contact", room=r102
    )
    client = login(world.health_a)
    page = client.post(
        reverse("epi:quarantine-room", args=[b.pk]), {"room": r101.pk}, follow=True
    ).content.decode()
    assert "is full" in page
    b.refresh_from_db()
    assert b.room == r102
    client.post(reverse("epi:quarantine-room", args=[a.pk]), {"room": r102.pk})
    a.refresh_from_db()
    assert a.room == r102
    assert QuarantineChange.objects.filter(quarantine=a, kind="move").count() == 1


def test_a_health_worker_records_a_check_and_a_fever_is_flagged(world, login, unit31, today):
    q = home_q(world, unit31.residents[1], today)
    client = login(world.health_a)
    url = reverse("epi:check-create", args=[unit31.residents[1].pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"temperature": "38.2", "symptoms": ["cough"], "date": today.isoformat()})
    assert response["Location"] == reverse("epi:quarantine-detail", args=[q.pk])
    check = HealthCheck.objects.get()
    assert check.abnormal and check.source == "health" and check.quarantine == q
    page = client.get(response["Location"]).content.decode()
    assert "38.2" in page and "abnormal" in page


def test_an_impossible_temperature_is_refused_and_nothing_recorded(world, login, unit31):
    url = reverse("epi:check-create", args=[unit31.residents[1].pk])
    page = login(world.health_a).post(url, {"temperature": "45.0"}).content.decode()
    assert "between 34.0 and 43.0" in page
    assert not HealthCheck.objects.exists()


def test_the_quarantine_list_costs_the_same_for_three_or_thirty(
    world, login, unit31, today, django_assert_max_num_queries
):
    from lianfang.epi.tests.conftest import add_residents

    client = login(world.health_a)
    for r in unit31.residents[1:]:
        home_q(world, r, today - D(days=13))
    with django_assert_max_num_queries(9):  # +1: the header's open alert count
        client.get(reverse("epi:quarantine-list"))
    for r in add_residents(world, unit31.next_door, *[f"隔离{i}" for i in range(27)]):
        home_q(world, r, today - D(days=12))
    with django_assert_max_num_queries(9):  # +1: the header's open alert count
        page = client.get(reverse("epi:quarantine-list")).content.decode()
    assert "隔离26" in page and Quarantine.objects.count() == 30
