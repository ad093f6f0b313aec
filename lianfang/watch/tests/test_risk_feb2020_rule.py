"""The February 2020 rule on hand-built case histories: no new case in 14 days → low; new cases and at most
50 in all → medium; more than 50 without a cluster in 14 days → medium; more than 50 with one → high."""

from __future__ import annotations

import pytest

from lianfang.epi.models import CaseStatus, ContactStatus
from lianfang.places.services import ensure_household
from lianfang.watch.tests.risk_cases import (  # noqa: F401 (shipped_risk_rules: a fixture)
    case,
    cases_without_household,
    contact,
    days_before,
    shipped_risk_rules,
    verdict,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shipped_risk_rules")]


def test_a_community_that_never_had_a_case_is_low(world):
    v = verdict(world.community_a)

    assert v.level == "low" and v.basis["reason"] == "no_new_cases" and v.basis["cumulative"] == 0


def test_a_case_reported_13_days_before_is_still_new_and_makes_the_community_medium(world):
    case(day=days_before(13), household=world.household_a1)

    v = verdict(world.community_a)

    assert v.level == "medium" and v.basis["new_cases"] == 1 and v.basis["reason"] == "few_cases"


def test_a_case_reported_14_days_before_is_no_longer_new_and_the_community_is_low(world):
    case(day=days_before(14), household=world.household_a1)

    v = verdict(world.community_a)

    assert v.level == "low" and v.basis["new_cases"] == 0 and v.basis["cumulative"] == 1


def test_a_case_reported_after_the_day_assessed_does_not_count(world):
    case(day=days_before(-1), household=world.household_a1)

    assert verdict(world.community_a).basis["cumulative"] == 0


def test_fifty_cases_in_all_with_a_cluster_are_still_medium(world):
    cases_without_household(world.community_a, 48, day=days_before(40))
    first = case(day=days_before(2), household=world.household_a1)
    case(day=days_before(1), household=world.household_a1)  # the same household: a cluster

    v = verdict(world.community_a)

    assert v.basis["cumulative"] == 50 and v.basis["cluster_cases"][0] == first.pk
    assert v.level == "medium" and v.basis["reason"] == "few_cases"


def test_fifty_one_cases_in_all_with_a_cluster_in_the_household_make_the_community_high(world):
    cases_without_household(world.community_a, 49, day=days_before(40))
    case(day=days_before(2), household=world.household_a1)
    case(day=days_before(1), household=world.household_a1)

    v = verdict(world.community_a)

    assert v.basis["cumulative"] == 51 and v.level == "high" and v.basis["reason"] == "cluster"


def test_fifty_one_cases_without_a_cluster_are_medium(world):
    cases_without_household(world.community_a, 49, day=days_before(40))
    case(day=days_before(2), household=world.household_a1)
    case(day=days_before(1), household=world.household_a2)  # another building: no link

    v = verdict(world.community_a)

    assert v.basis["cumulative"] == 51 and v.basis["cluster_cases"] == []
    assert v.level == "medium" and v.basis["reason"] == "no_cluster"


def test_two_cases_in_the_same_building_unit_are_a_cluster(world):
    neighbour = ensure_household(compound=world.compound_a, building="3", unit="1", room="102")
    cases_without_household(world.community_a, 49, day=days_before(40))
    case(day=days_before(3), household=world.household_a1)
    case(day=days_before(0), household=neighbour)

    assert verdict(world.community_a).level == "high"


def test_two_cases_linked_by_a_confirmed_contact_record_are_a_cluster(world):
    cases_without_household(world.community_a, 49, day=days_before(40))
    first = case(day=days_before(5), household=world.household_a1)
    second = case(day=days_before(1), household=world.household_a2)
    contact(first, second.resident)

    assert verdict(world.community_a).level == "high"


def test_a_dismissed_contact_record_links_no_cases(world):
    cases_without_household(world.community_a, 49, day=days_before(40))
    first = case(day=days_before(5), household=world.household_a1)
    second = case(day=days_before(1), household=world.household_a2)
    contact(first, second.resident, status=ContactStatus.DISMISSED)

    assert verdict(world.community_a).level == "medium"


def test_linked_cases_are_no_cluster_when_one_was_reported_more_than_14_days_before(world):
    cases_without_household(world.community_a, 49, day=days_before(40))
    case(day=days_before(14), household=world.household_a1)
    case(day=days_before(0), household=world.household_a1)

    v = verdict(world.community_a)

    assert v.basis["cumulative"] == 51 and v.level == "medium" and v.basis["reason"] == "no_cluster"


def test_two_cases_of_the_same_person_are_no_cluster(world):
    cases_without_household(world.community_a, 49, day=days_before(40))
    earlier = case(day=days_before(6), household=world.household_a1, status=CaseStatus.RECOVERED)
    case(day=days_before(1), resident=earlier.resident)

    assert verdict(world.community_a).level == "medium"


def test_excluded_cases_do_not_count_and_recovered_ones_do(world):
    cases_without_household(world.community_a, 49, day=days_before(40), status=CaseStatus.EXCLUDED)
    case(day=days_before(3), household=world.household_a1, status=CaseStatus.RECOVERED)
    case(day=days_before(1), household=world.household_a1, status=CaseStatus.SUSPECTED)

    v = verdict(world.community_a)

    assert v.basis["cumulative"] == 2 and v.basis["new_cases"] == 2 and v.level == "medium"


def test_only_excluded_new_cases_leave_the_community_low(world):
    case(day=days_before(1), household=world.household_a1, status=CaseStatus.EXCLUDED)

    assert verdict(world.community_a).level == "low"


def test_a_street_adds_up_its_communities_and_finds_a_cluster_across_them(world):
    cases_without_household(world.community_a, 25, day=days_before(40))
    cases_without_household(world.community_b, 24, day=days_before(40))
    first = case(day=days_before(4), household=world.household_a1)
    second = case(day=days_before(2), household=world.household_b)
    contact(first, second.resident)

    street, community_a = verdict(world.street), verdict(world.community_a)

    assert street.basis["cumulative"] == 51 and street.level == "high"
    # Each community holds only one of the two linked cases, and far fewer than 50.
    assert community_a.basis["cumulative"] == 26 and community_a.level == "medium"
    assert community_a.basis["cluster_cases"] == []
