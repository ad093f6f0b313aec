"""The compound rule: high while the compound has a case in the last 7 days; medium from the 7th day without
a new case; low from the 10th (3 more days); a step down never raises a compound whose level in force is
low; a compound that never had a case is low."""

from __future__ import annotations

import datetime

import pytest

from lianfang.watch.tests.risk_cases import (  # noqa: F401 (shipped_risk_rules: a fixture)
    D,
    case,
    cases_without_household,
    days_before,
    shipped_risk_rules,
    verdict,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shipped_risk_rules")]
RULE = "compound-stepdown"


@pytest.fixture
def last_case(world):
    """The compound's last case was reported on D0; the day assessed moves."""
    case(day=days_before(30), household=world.household_a2)
    return case(day=days_before(10), household=world.household_a1).report_date


def on(world, day, previous=None):
    return verdict(world.compound_a, day=day, code=RULE, previous=previous)


@pytest.mark.parametrize(
    ("days_after", "level"),
    [(0, "high"), (6, "high"), (7, "medium"), (9, "medium"), (10, "low"), (30, "low")],
)
def test_the_compound_steps_down_7_then_3_days_after_its_last_case(world, last_case, days_after, level):
    v = on(world, last_case + datetime.timedelta(days=days_after), previous="high")

    assert v.level == level and v.basis["quiet_days"] == days_after


def test_a_step_down_never_raises_a_compound_whose_level_in_force_is_low(world, last_case):
    v = on(world, last_case + datetime.timedelta(days=8), previous="low")

    assert v.level == "low" and v.basis["reason"] == "never_raised"


def test_a_compound_not_rated_yet_steps_down_to_medium_like_one_at_high(world, last_case):
    assert on(world, last_case + datetime.timedelta(days=8), previous=None).level == "medium"


def test_a_new_case_makes_the_compound_high_again_whatever_its_level(world, last_case):
    case(day=days_before(1), household=world.household_a2)

    v = on(world, D, previous="low")

    assert v.level == "high" and v.basis["reason"] == "recent_case" and v.basis["quiet_days"] == 1


def test_a_compound_that_never_had_a_case_is_low(world):
    v = on(world, D)

    assert v.level == "low" and v.basis["reason"] == "no_cases"


def test_cases_of_people_without_a_household_belong_to_no_compound(world):
    cases_without_household(world.community_a, 3, day=days_before(1))

    assert on(world, D).level == "low" and verdict(world.community_a).level == "medium"


def test_a_case_of_another_compound_leaves_this_one_low(world):
    case(day=days_before(1), household=world.household_b)

    assert on(world, D).level == "low" and verdict(world.compound_b, code=RULE).level == "high"
