"""suggest_levels: a suggestion where the verdict differs from the level in force (a target not rated counts
as low); one waiting suggestion per target and rule; running a day twice changes nothing."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from lianfang.core.errors import DomainError
from lianfang.watch.models import RiskAssessment, RiskRule, RiskStatus
from lianfang.watch.risk import approve_level, dismiss_suggestion, suggest_all, suggest_levels
from lianfang.watch.tests.risk_cases import (  # noqa: F401 (shipped_risk_rules: a fixture)
    D,
    case,
    days_before,
    local,
    rule,
    shipped_risk_rules,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shipped_risk_rules")]


@pytest.fixture(autouse=True)
def clock():
    """Today is D (10:00 in Asia/Shanghai); `clock.move_to(local(day))` moves it."""
    with time_machine.travel(local(D), tick=False) as traveller:
        yield traveller


def rows(**filters):
    return list(RiskAssessment.objects.filter(**filters).order_by("id"))


def test_the_default_rule_suggests_medium_for_a_community_and_its_street_with_a_new_case(world):
    case(day=days_before(2), household=world.household_a1)

    made = suggest_levels(day=D)

    suggested = {(a.area_id, a.suggested) for a in rows()}
    assert made == 2 and suggested == {(world.community_a.pk, "medium"), (world.street.pk, "medium")}
    a = rows(area=world.community_a)[0]
    assert a.status == RiskStatus.SUGGESTED and a.rule.code == "feb-2020" and a.path == world.community_a.path
    assert a.basis["new_cases"] == 1 and a.day == D


def test_targets_not_rated_whose_verdict_is_low_get_no_suggestion(world):
    assert suggest_levels(day=D) == 0 and not rows()


def test_running_the_same_day_twice_changes_nothing(world):
    case(day=days_before(2), household=world.household_a1)
    suggest_levels(day=D)
    before = [(a.pk, a.status, a.suggested) for a in rows()]

    assert suggest_levels(day=D) == 0
    assert [(a.pk, a.status, a.suggested) for a in rows()] == before


def test_a_suggestion_dismissed_today_is_not_made_again_today(world):
    case(day=days_before(2), household=world.household_a1)
    suggest_levels(day=D)
    dismiss_suggestion(user=world.commander, assessment=rows(area=world.community_a)[0])

    assert suggest_levels(day=D) == 0 and len(rows(area=world.community_a)) == 1


def test_the_same_verdict_the_next_day_leaves_the_waiting_suggestion_alone(world, clock):
    case(day=days_before(2), household=world.household_a1)
    suggest_levels(day=D)
    clock.move_to(local(D + datetime.timedelta(days=1)))

    assert suggest_levels(day=D + datetime.timedelta(days=1)) == 0
    assert [a.day for a in rows(area=world.community_a)] == [D]


def test_a_waiting_suggestion_is_closed_when_the_verdict_comes_back_to_the_level_in_force(world):
    case(day=days_before(14), household=world.household_a1)
    suggest_levels(day=days_before(1))  # the case is 13 days old on D - 1: medium

    assert suggest_levels(day=D) == 0  # 14 days old on D: low, as the community (not rated) already is

    closed = rows(area=world.community_a)
    assert [(a.day, a.suggested, a.status) for a in closed] == [
        (days_before(1), "medium", RiskStatus.DISMISSED)
    ]
    assert closed[0].basis["closed"] == "in_force" and closed[0].decided_by is None


def test_another_verdict_supersedes_the_waiting_one_and_keeps_it_as_history(world, clock):
    stepdown = rule("compound-stepdown")
    case(day=days_before(3), household=world.household_a1)
    suggest_levels(day=D, rule=stepdown)  # high
    approve_level(user=world.commander, assessment=rows()[0], level="high", effective_from=D)
    later, latest = D + datetime.timedelta(days=6), D + datetime.timedelta(days=9)

    clock.move_to(local(later))
    made_later = suggest_levels(day=later, rule=stepdown)  # 9 days quiet: medium
    clock.move_to(local(latest))
    made_latest = suggest_levels(day=latest, rule=stepdown)  # 12 days quiet: low

    history = rows(compound=world.compound_a)
    assert made_later == made_latest == 1
    assert [(a.day, a.suggested, a.status) for a in history] == [
        (D, "high", RiskStatus.APPROVED),
        (later, "medium", RiskStatus.DISMISSED),
        (latest, "low", RiskStatus.SUGGESTED),
    ]
    assert history[1].basis["closed"] == "superseded" and history[1].basis["closed_on"] == latest.isoformat()


def test_an_older_day_does_not_overrule_a_later_suggestion(world):
    case(day=days_before(2), household=world.household_a1)
    suggest_levels(day=D)

    assert suggest_levels(day=days_before(1)) == 0
    assert [(a.day, a.status) for a in rows(area=world.community_a)] == [(D, RiskStatus.SUGGESTED)]


def test_a_verdict_equal_to_the_level_in_force_makes_no_suggestion(world):
    case(day=days_before(2), household=world.household_a1)
    suggest_levels(day=days_before(1))
    for a in rows():
        approve_level(user=world.commander, assessment=a, level="medium", effective_from=days_before(1))

    assert suggest_levels(day=D) == 0


def test_the_nightly_run_rates_compounds_with_the_compound_rule_as_well(world):
    case(day=days_before(2), household=world.household_a1)

    assert suggest_all(day=D) == 3
    assert {(a.rule.code, a.suggested) for a in rows(compound=world.compound_a)} == {
        ("compound-stepdown", "high")
    }


def test_a_rule_with_a_missing_parameter_is_refused_by_name_and_writes_nothing(world):
    case(day=days_before(2), household=world.household_a1)
    RiskRule.objects.filter(code="feb-2020").update(params={"window_days": 14})

    with pytest.raises(DomainError) as err:
        suggest_levels(day=D)

    assert err.value.code == "risk_rule_invalid" and "cumulative_threshold" in str(err.value.message)
    assert not rows()


def test_a_day_in_the_future_is_refused(world):
    with pytest.raises(DomainError) as err:
        suggest_levels(day=D + datetime.timedelta(days=1))

    assert err.value.code == "date_out_of_range"


def test_the_migration_made_the_february_2020_rule_the_default_and_the_compound_rule_beside_it():
    rules = {r.code: r for r in RiskRule.objects.all()}

    assert rules["feb-2020"].is_default and rules["feb-2020"].targets == "street community"
    assert rules["feb-2020"].params == {"window_days": 14, "cumulative_threshold": 50, "cluster_days": 14}
    assert not rules["compound-stepdown"].is_default and rules["compound-stepdown"].targets == "compound"
    assert rules["compound-stepdown"].params == {"quiet_days_to_medium": 7, "more_quiet_days_to_low": 3}
