"""Case pages: register a resident found by search or a non-resident, open cases first, status and date
changes; refusals shown with the service's message and nothing changed."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse

from lianfang.epi.models import Case, CaseStatus, CaseStatusChange
from lianfang.epi.services import change_case_status, create_case
from lianfang.people.models import Resident

D = datetime.timedelta


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def test_the_search_finds_the_resident_to_register(world, login):
    page = login(world.health_a).get(reverse("epi:case-create"), {"q": "zs"}).content.decode()
    assert "张三" in page and f"?resident={world.zhang_san.pk}" in page
    assert "李四" not in page


def test_a_health_worker_registers_a_case_for_a_resident(world, login, today):
    client = login(world.health_a)
    url = reverse("epi:case-create") + f"?resident={world.zhang_san.pk}"
    response = client.post(
        url,
        {
            "resident": world.zhang_san.pk,
            "status": "confirmed",
            "source": "hospital",
            "onset_date": (today - D(days=1)).isoformat(),
            "report_date": today.isoformat(),
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("epi:case-detail", args=[case.pk])
    assert (
        case.resident == world.zhang_san
        and case.status == "confirmed"
        and case.household == world.household_a1
    )
    assert CaseStatusChange.objects.filter(case=case, to_status="confirmed").count() == 1


def test_a_non_resident_is_registered_by_name_id_number_and_phone(world, login):
    client = login(world.health_a)
    response = client.post(
        reverse("epi:case-create") + "?person=1",
        {
            "person": "1",
            "p-name": "赵外来",
            "p-phone": "13900001111",
            "p-community": world.community_a.pk,
            "status": "suspected",
            "source": "gate_fever",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.resident.name == "赵外来" and case.resident.household is None and case.household is None


def test_a_second_open_case_for_the_same_person_is_refused_with_its_number(world, login, case_a1):
    client = login(world.health_a)
    response = client.post(
        reverse("epi:case-create"), {"resident": world.zhang_san.pk, "status": "suspected", "source": "other"}
    )
    assert response.status_code == 200
    assert f"already has an open case (#{case_a1.pk})" in response.content.decode()
    assert Case.objects.count() == 1


def test_an_onset_in_the_future_is_refused_and_nothing_is_written(world, login, today):
    client = login(world.health_a)
    residents = Resident.objects.count()
    response = client.post(
        reverse("epi:case-create"),
        {
            "person": "1",
            "p-name": "赵外来",
            "p-community": world.community_a.pk,
            "status": "confirmed",
            "source": "hospital",
            "onset_date": (today + D(days=2)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "is in the future" in response.content.decode()
    assert Case.objects.count() == 0 and Resident.objects.count() == residents


def test_a_resident_of_another_community_cannot_be_chosen(world, login):
    client = login(world.health_a)
    assert client.get(reverse("epi:case-create"), {"resident": world.wang_wu.pk}).status_code == 404
    response = client.post(
        reverse("epi:case-create"), {"resident": world.wang_wu.pk, "status": "confirmed", "source": "other"}
    )
    assert response.status_code == 404 and Case.objects.count() == 0


def test_the_status_changes_and_the_change_is_kept(world, login, case_a1):
    client = login(world.health_a)
    response = client.post(
        reverse("epi:case-status", args=[case_a1.pk]), {"status": "recovered", "note": "two negative tests"}
    )
    assert response.status_code == 302
    case_a1.refresh_from_db()
    assert case_a1.status == "recovered"
    page = client.get(reverse("epi:case-detail", args=[case_a1.pk])).content.decode()
    assert "two negative tests" in page


def test_the_same_status_again_is_refused_with_a_message(world, login, case_a1):
    client = login(world.health_a)
    changes = CaseStatusChange.objects.count()
    response = client.post(
        reverse("epi:case-status", args=[case_a1.pk]), {"status": "confirmed"}, follow=True
    )
    assert 'class="msg error' in response.content.decode()
    assert CaseStatusChange.objects.count() == changes


def test_an_isolation_before_the_onset_is_refused(world, login, case_a1, today):
    client = login(world.health_a)
    response = client.post(
        reverse("epi:case-dates", args=[case_a1.pk]),
        {
            "onset_date": case_a1.onset_date.isoformat(),
            "isolation_date": (case_a1.onset_date - D(days=1)).isoformat(),
        },
        follow=True,
    )
    assert "before the onset date" in response.content.decode()
    case_a1.refresh_from_db()
    assert case_a1.isolation_date is None


def test_open_cases_come_first_and_the_filter_keeps_one_status(world, login, today):
    old = create_case(
        user=world.health_a, resident=world.li_si, status="suspected", source="other", today=today
    )
    change_case_status(user=world.health_a, case=old, status=CaseStatus.EXCLUDED, today=today)
    new = create_case(
        user=world.health_a, resident=world.zhang_san, status="confirmed", source="other", today=today
    )
    client = login(world.health_a)
    page = client.get(reverse("epi:case-list")).content.decode()
    assert page.index(f"#{new.pk}<") < page.index(f"#{old.pk}<")
    page = client.get(reverse("epi:case-list"), {"status": "open"}).content.decode()
    assert f"#{new.pk}<" in page and f"#{old.pk}<" not in page
    page = client.get(reverse("epi:case-list"), {"status": "excluded"}).content.decode()
    assert f"#{old.pk}<" in page and f"#{new.pk}<" not in page


def test_the_case_list_costs_the_same_for_two_cases_or_thirty(
    world, login, today, django_assert_max_num_queries
):
    from lianfang.epi.tests.conftest import add_residents

    client = login(world.health_a)
    for r in [world.zhang_san, world.li_si]:
        create_case(user=world.health_a, resident=r, status="confirmed", source="other", today=today)
    with django_assert_max_num_queries(6):
        assert client.get(reverse("epi:case-list")).status_code == 200
    for r in add_residents(world, world.household_a2, *[f"病例{i}" for i in range(28)]):
        create_case(user=world.health_a, resident=r, status="suspected", source="other", today=today)
    with django_assert_max_num_queries(6):
        page = client.get(reverse("epi:case-list")).content.decode()
    assert page.count("/epi/cases/") >= 30
