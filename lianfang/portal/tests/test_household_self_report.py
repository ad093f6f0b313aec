"""The household's secret-link page shows its quarantine (day N of M, last day, exits on hold) and takes a
daily self-report per member (temperature + symptoms, recorded with source "self"); no names shown."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse

from lianfang.access.services import ensure_link_key, issue_household_passes
from lianfang.epi.models import HealthCheck
from lianfang.epi.services import apply_lockdown

D = datetime.timedelta


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def sealed(world, unit31, today):
    """Unit 3栋1单元 sealed since four days ago; the link of 102 (钱一, 钱二)."""
    apply_lockdown(
        user=world.health_a, scope="unit", target_id=unit31.unit.pk, start=today - D(days=4), today=today
    )
    household = unit31.households[1]
    return household, reverse("access:household-link", args=[ensure_link_key(household=household)])


def test_the_page_shows_day_n_of_m_and_the_hold_without_names(world, unit31, sealed, client, today):
    _household, url = sealed
    page = client.get(url).content.decode()
    assert "day 5 of 14" in page
    assert f"last day {(today + D(days=9)).isoformat()}" in page
    assert 'data-test="held"' in page and "You may go out today." not in page
    assert "钱一" not in page and "钱*" in page


def test_a_member_reports_a_normal_temperature(world, unit31, sealed, client):
    _household, url = sealed
    qian = unit31.residents[1]
    response = client.post(url, {"member": qian.pk, "temperature": "36.6"}, follow=True)
    assert "Recorded, thank you." in response.content.decode()
    check = HealthCheck.objects.get()
    assert (
        check.resident == qian and check.source == "self" and check.recorded_by is None and not check.abnormal
    )
    assert "today 36.6 °C" in response.content.decode()


def test_a_fever_or_a_symptom_is_abnormal_and_the_page_says_so(world, unit31, sealed, client):
    _household, url = sealed
    response = client.post(
        url, {"member": unit31.residents[2].pk, "temperature": "36.8", "symptoms": ["cough"]}, follow=True
    )
    assert "the health worker has been told" in response.content.decode()
    assert HealthCheck.objects.get().abnormal


def test_someone_outside_the_household_cannot_be_reported(world, unit31, sealed, client):
    _household, url = sealed
    response = client.post(url, {"member": world.zhang_san.pk, "temperature": "36.6"}, follow=True)
    assert "not a member of the household" in response.content.decode()
    assert not HealthCheck.objects.exists()


def test_an_impossible_temperature_is_refused(world, unit31, sealed, client):
    _household, url = sealed
    response = client.post(url, {"member": unit31.residents[1].pk, "temperature": "3.66"}, follow=True)
    assert 'class="msg error' in response.content.decode()
    response = client.post(url, {"member": unit31.residents[1].pk, "temperature": "42.9"}, follow=True)
    assert HealthCheck.objects.count() == 1
    response = client.post(url, {"member": unit31.residents[1].pk, "temperature": "43.5"}, follow=True)
    assert "between 34.0 and 43.0" in response.content.decode()
    assert HealthCheck.objects.count() == 1


def test_a_household_without_quarantine_has_no_hold_notice(world, passes_free_key, client):
    page = client.get(passes_free_key).content.decode()
    assert 'data-test="held"' not in page and 'data-test="quarantines"' not in page


@pytest.fixture
def passes_free_key(world):
    return reverse("access:household-link", args=[ensure_link_key(household=world.household_a2)])


def test_while_held_the_hold_comes_first_the_pass_says_so_and_no_exits_are_offered(
    world, unit31, sealed, client, today
):
    household, url = sealed
    issue_household_passes(user=world.staff_a, compound=household.compound)
    page = client.get(url).content.decode()
    assert page.index('data-test="hold"') < page.index('class="pass')  # the hold above the pass
    assert "Home quarantine: day 5 of 14" in page  # the household's day, as a headline
    assert 'data-test="pass-held"' in page
    assert 'data-test="left"' not in page  # no "exits left: 1" under a hold
