"""Health checks: a health worker's reading or a self-report; abnormal values raise an alert; impossible
values refused, nothing written."""

import datetime

import pytest
from django.utils import translation

from lianfang.access.models import OutingPolicy
from lianfang.access.policy import clear_cache
from lianfang.core.errors import DomainError
from lianfang.core.models import Alert, AlertEventKind, AlertKind
from lianfang.epi.models import CheckSource, HealthCheck
from lianfang.epi.services import record_health_check, start_quarantine

D = datetime.timedelta


@pytest.fixture(autouse=True)
def _fresh_policy_cache():
    clear_cache()
    yield
    clear_cache()


def check(world, today, **kw):
    args = {
        "user": world.health_a,
        "resident": world.zhang_san,
        "temperature": "36.6",
        "symptoms": [],
        "today": today,
    }
    args.update(kw)
    return record_health_check(**args)


def refused(code: str, **kw) -> DomainError:
    with translation.override("en"), pytest.raises(DomainError) as caught:
        record_health_check(**kw)
    assert caught.value.code == code
    return caught.value


def test_a_normal_reading_is_stored_and_linked_to_the_active_quarantine(world, today):
    q = start_quarantine(
        user=world.health_a, resident=world.zhang_san, kind="home", reason="contact", today=today
    )

    c = check(world, today)

    assert (c.date, str(c.temperature), c.abnormal, c.source) == (
        today,
        "36.6",
        False,
        CheckSource.HEALTH_WORKER,
    )
    assert (
        c.quarantine_id == q.id
        and c.household_id == world.household_a1.id
        and c.recorded_by == world.health_a
    )
    assert not Alert.objects.exists()


def test_a_temperature_at_the_fever_line_or_a_symptom_is_abnormal_and_raises_an_alert(world, today):
    fever = check(world, today, temperature="37.3")
    cough = check(world, today, temperature="36.4", symptoms=["cough", "cough", "taste"])

    assert fever.abnormal and cough.abnormal and cough.symptom_list() == ["cough", "taste"]
    # One alert per person and day (its deduplication key); the second abnormal reading is a step of it.
    alert = Alert.objects.get(kind=AlertKind.HEALTH_CHECK)
    assert (
        alert.source_id == str(fever.id) and alert.dedup_key == f"health_check:{world.zhang_san.pk}:{today}"
    )
    assert alert.household_id == world.household_a1.id and "张三" not in alert.title
    steps = list(alert.events.values_list("kind", "note"))
    assert [k for k, _note in steps] == [AlertEventKind.RAISED, AlertEventKind.REPEATED]
    assert "张三" not in steps[1][1] and "36.4" in steps[1][1]


def test_the_fever_line_comes_from_the_outing_policy(world, today):
    OutingPolicy.objects.create(area=world.community_a, fever_line="37.5")

    assert not check(world, today, temperature="37.3").abnormal
    assert check(world, today, temperature="37.5").abnormal


def test_impossible_values_are_refused_and_nothing_is_written(world, today):
    base = {"user": world.health_a, "resident": world.zhang_san, "today": today}
    refused("temperature_impossible", temperature="33.9", symptoms=[], **base)
    refused("temperature_impossible", temperature="43.1", symptoms=[], **base)
    refused("temperature_impossible", temperature="hot", symptoms=[], **base)
    refused("bad_symptom", temperature="36.5", symptoms=["sneezing"], **base)
    refused("check_empty", temperature="", symptoms=[], **base)
    refused("date_in_future", temperature="36.5", symptoms=[], date=today + D(1), **base)
    assert HealthCheck.objects.count() == 0 and Alert.objects.count() == 0


def test_a_self_report_needs_the_persons_own_household(world, today):
    c = record_health_check(
        user=None,
        resident=world.zhang_san,
        household=world.household_a1,
        temperature="36.8",
        symptoms=[],
        today=today,
    )
    assert c.source == CheckSource.SELF and c.recorded_by is None

    refused(
        "not_a_member",
        user=None,
        resident=world.li_si,
        household=world.household_a1,
        temperature="36.8",
        symptoms=[],
    )
    refused("not_a_member", user=None, resident=world.li_si, temperature="36.8", symptoms=[])
    assert HealthCheck.objects.count() == 1


def test_outside_the_area_is_not_found(world, today):
    refused(
        "not_found",
        user=world.staff_b,
        resident=world.zhang_san,
        temperature="36.5",
        symptoms=[],
        today=today,
    )
    refused(
        "forbidden",
        user=world.guard_a,
        resident=world.zhang_san,
        temperature="36.5",
        symptoms=[],
        today=today,
    )
    assert HealthCheck.objects.count() == 0
