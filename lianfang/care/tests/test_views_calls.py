"""Recording a call from the household's care page: reached or not, each member's temperature and
symptoms (they become health checks), needs (they become errands), notes. A second call for the same
window, a bad temperature or a window of a household not in quarantine is refused and changes nothing."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse

from lianfang.care.models import CareCall, CareTeam, Errand
from lianfang.epi.models import HealthCheck


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def since_yesterday(held_a1, today):
    """The team started yesterday: yesterday's windows are over (overdue) whatever the clock says."""
    yesterday = today - datetime.timedelta(days=1)
    CareTeam.objects.filter(pk=held_a1.team.pk).update(started=yesterday)
    return yesterday


def counts() -> tuple[int, int, int]:
    return CareCall.objects.count(), HealthCheck.objects.count(), Errand.objects.count()


def test_overdue_windows_come_first_on_the_household_page(world, login, held_a1, since_yesterday):
    url = reverse("care:household", args=[held_a1.household.pk])
    page = login(world.grid_a1_worker).get(url).content.decode()
    first = page.index(f'data-window="{since_yesterday.isoformat()}:am"')
    assert page.index('data-test="windows"') < first
    assert "overdue" in page[first : first + 200]
    assert f'value="{since_yesterday.isoformat()}:am" checked' in page


def test_a_call_with_a_reading_and_a_need_records_the_check_and_raises_the_errand(
    world, login, held_a1, since_yesterday
):
    zhang = world.zhang_san
    url = reverse("care:call-record", args=[held_a1.household.pk])
    response = login(world.grid_a1_worker).post(
        url,
        {
            "slot": f"{since_yesterday.isoformat()}:am",
            "reached": "1",
            f"t-{zhang.pk}": "36.7",
            "need_category": ["vegetables", ""],
            "need_details": ["白菜两棵, 鸡蛋", ""],
            "notes": "all well",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Call recorded; 1 errand(s) raised." in page
    call = CareCall.objects.get()
    assert (call.date, call.window, call.reached, call.notes) == (since_yesterday, "am", True, "all well")
    check = HealthCheck.objects.get()
    assert check.resident == zhang and str(check.temperature) == "36.7" and check.source == "call"
    errand = Errand.objects.get()
    assert errand.call == call and errand.category == "vegetables" and errand.raised_by == "call"
    assert "白菜两棵" in page


def test_a_second_call_for_the_same_window_is_refused_and_nothing_changes(
    world, login, held_a1, since_yesterday
):
    client = login(world.grid_a1_worker)
    url = reverse("care:call-record", args=[held_a1.household.pk])
    data = {"slot": f"{since_yesterday.isoformat()}:pm", "reached": "0"}
    client.post(url, data)
    before = counts()
    data |= {"reached": "1", "need_category": "medicine", "need_details": "降压药"}
    page = client.post(url, data, follow=True).content.decode()
    assert 'class="msg error' in page
    assert counts() == before
    assert CareCall.objects.get().reached is False


def test_a_bad_temperature_is_refused_and_nothing_is_recorded(world, login, held_a1, since_yesterday):
    url = reverse("care:call-record", args=[held_a1.household.pk])
    client = login(world.grid_a1_worker)
    for bad in ("hot", "45.0"):
        page = client.post(
            url,
            {
                "slot": f"{since_yesterday.isoformat()}:am",
                "reached": "1",
                f"t-{world.zhang_san.pk}": bad,
                "need_category": "vegetables",
                "need_details": "白菜",
            },
            follow=True,
        ).content.decode()
        assert 'class="msg error' in page, bad
    assert counts() == (0, 0, 0)


def test_a_need_without_its_kind_is_refused(world, login, held_a1, since_yesterday):
    url = reverse("care:call-record", args=[held_a1.household.pk])
    page = (
        login(world.grid_a1_worker)
        .post(
            url,
            {"slot": f"{since_yesterday.isoformat()}:am", "reached": "1", "need_details": "something"},
            follow=True,
        )
        .content.decode()
    )
    assert "Choose what kind of need it is." in page
    assert counts() == (0, 0, 0)


def test_a_household_not_in_quarantine_has_no_call_form_and_a_call_is_refused(world, login, today):
    household = world.household_a1
    page = login(world.grid_a1_worker).get(reverse("care:household", args=[household.pk])).content.decode()
    assert 'data-test="not-held"' in page and 'data-test="call-form"' not in page
    page = (
        login(world.grid_a1_worker)
        .post(
            reverse("care:call-record", args=[household.pk]),
            {"slot": f"{today.isoformat()}:am", "reached": "1"},
            follow=True,
        )
        .content.decode()
    )
    assert "not in home quarantine" in page
    assert counts() == (0, 0, 0)
