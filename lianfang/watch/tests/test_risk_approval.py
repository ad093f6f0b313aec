"""A commander approves a suggested level with the day it takes effect, or dismisses it: command centre only
(refused by name for the others), in scope (404), once; the level in force follows the approvals by date,
and every row stays as the history."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from lianfang.accounts.models import User
from lianfang.core.errors import DomainError
from lianfang.core.models import AuditLog
from lianfang.core.roles import APPROVE_RISK_LEVEL, Role
from lianfang.watch.models import RiskAssessment, RiskStatus
from lianfang.watch.risk import (
    approve_level,
    dismiss_suggestion,
    level_for_household,
    level_in_force,
    levels_by_area,
    levels_in_force,
    suggest_levels,
)
from lianfang.watch.tests.risk_cases import (  # noqa: F401 (shipped_risk_rules: a fixture)
    D,
    case,
    days_before,
    local,
    rule,
    shipped_risk_rules,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shipped_risk_rules")]
TOMORROW = D + datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(local(D), tick=False) as traveller:
        yield traveller


@pytest.fixture
def suggestion(world) -> RiskAssessment:
    """Community A: medium suggested on D - 1 (one new case)."""
    case(day=days_before(2), household=world.household_a1)
    suggest_levels(day=days_before(1))
    return RiskAssessment.objects.get(area=world.community_a)


def refusal(call) -> DomainError:
    with pytest.raises(DomainError) as err:
        call()
    return err.value


def test_an_approved_level_is_in_force_from_its_day_with_who_and_when(world, suggestion):
    approve_level(user=world.commander, assessment=suggestion, level="medium", effective_from=D, note="核实")

    suggestion.refresh_from_db()
    f = level_in_force(target=world.community_a, day=D)
    assert suggestion.status == RiskStatus.APPROVED and suggestion.decided_by == world.commander
    assert suggestion.note == "核实" and suggestion.decided_at is not None
    assert f is not None and f.level == "medium" and f.since == D and f.assessment == suggestion
    assert level_in_force(target=world.community_a, day=days_before(1)) is None
    assert AuditLog.objects.filter(object_type="riskassessment", object_id=str(suggestion.pk)).exists()


def test_the_commander_may_approve_another_level_than_suggested(world, suggestion):
    approve_level(user=world.commander, assessment=suggestion, level="high", effective_from=D)

    assert level_in_force(target=world.community_a, day=D).level == "high"


def test_a_level_that_takes_effect_tomorrow_is_not_in_force_today(world, suggestion, clock):
    approve_level(user=world.commander, assessment=suggestion, level="medium", effective_from=TOMORROW)

    assert level_in_force(target=world.community_a, day=D) is None
    clock.move_to(local(TOMORROW))
    assert level_in_force(target=world.community_a).level == "medium"


@pytest.mark.parametrize("who", ["staff_a", "health_a", "grid_a1_worker", "guard_a", "resident_a"])
def test_a_role_other_than_the_command_centre_is_refused_by_name(world, suggestion, who):
    err = refusal(
        lambda: approve_level(user=getattr(world, who), assessment=suggestion, level="low", effective_from=D)
    )

    assert (err.code, err.status, err.message) == ("forbidden", 403, APPROVE_RISK_LEVEL.refused)
    assert RiskAssessment.objects.get(pk=suggestion.pk).status == RiskStatus.SUGGESTED


def test_staff_may_not_dismiss_either(world, suggestion):
    assert refusal(lambda: dismiss_suggestion(user=world.staff_a, assessment=suggestion)).status == 403


def test_a_commander_of_another_area_gets_not_found(world, suggestion):
    other = User.objects.create_user(
        username="cmd_b", password="x", role=Role.COMMAND, area=world.community_b
    )

    err = refusal(lambda: approve_level(user=other, assessment=suggestion, level="low", effective_from=D))

    assert err.code == "not_found" and err.status == 404


def test_approving_twice_is_refused(world, suggestion):
    approve_level(user=world.commander, assessment=suggestion, level="medium", effective_from=D)

    err = refusal(
        lambda: approve_level(user=world.commander, assessment=suggestion, level="high", effective_from=D)
    )

    assert err.code == "risk_already_approved"
    assert RiskAssessment.objects.get(pk=suggestion.pk).level == "medium"


def test_a_dismissed_suggestion_cannot_be_approved_or_dismissed_again(world, suggestion):
    dismiss_suggestion(user=world.commander, assessment=suggestion, note="已核查")

    assert (
        refusal(
            lambda: approve_level(
                user=world.commander, assessment=suggestion, level="medium", effective_from=D
            )
        ).code
        == "risk_dismissed"
    )
    assert (
        refusal(lambda: dismiss_suggestion(user=world.commander, assessment=suggestion)).code
        == "risk_dismissed"
    )
    row = RiskAssessment.objects.get(pk=suggestion.pk)
    assert (
        row.status == RiskStatus.DISMISSED
        and row.note == "已核查"
        and level_in_force(target=world.community_a) is None
    )


@pytest.mark.parametrize(
    ("effective_from", "code"),
    [
        (days_before(2), "risk_effective_too_early"),  # the suggestion is of D - 1
        (D + datetime.timedelta(days=31), "risk_effective_too_late"),
        (None, "date_invalid"),
    ],
)
def test_the_day_it_takes_effect_is_bounded(world, suggestion, effective_from, code):
    err = refusal(
        lambda: approve_level(
            user=world.commander, assessment=suggestion, level="medium", effective_from=effective_from
        )
    )

    assert err.code == code and err.field == "effective_from"
    assert RiskAssessment.objects.get(pk=suggestion.pk).status == RiskStatus.SUGGESTED


def test_the_first_and_last_days_allowed_are_accepted(world, suggestion):
    approve_level(user=world.commander, assessment=suggestion, level="medium", effective_from=days_before(1))
    street = RiskAssessment.objects.get(area=world.street)
    approve_level(
        user=world.commander, assessment=street, level="low", effective_from=D + datetime.timedelta(days=30)
    )

    assert RiskAssessment.objects.filter(status=RiskStatus.APPROVED).count() == 2


def test_an_unknown_level_and_a_long_note_are_refused(world, suggestion):
    assert (
        refusal(
            lambda: approve_level(
                user=world.commander, assessment=suggestion, level="severe", effective_from=D
            )
        ).code
        == "risk_level_invalid"
    )
    assert (
        refusal(
            lambda: approve_level(
                user=world.commander, assessment=suggestion, level="low", effective_from=D, note="x" * 301
            )
        ).code
        == "note_too_long"
    )


def test_history_is_kept_and_since_is_the_start_of_the_same_level(world, suggestion, clock):
    approve_level(user=world.commander, assessment=suggestion, level="medium", effective_from=D)
    case(day=D, household=world.household_a1)
    second = RiskAssessment.objects.create(
        area=world.community_a, path=world.community_a.path, rule=rule("feb-2020"), day=D, suggested="medium"
    )
    approve_level(user=world.commander, assessment=second, level="medium", effective_from=TOMORROW)
    third = RiskAssessment.objects.create(
        area=world.community_a, path=world.community_a.path, rule=rule("feb-2020"), day=D, suggested="high"
    )
    approve_level(
        user=world.commander, assessment=third, level="high", effective_from=D + datetime.timedelta(days=3)
    )

    on = {n: level_in_force(target=world.community_a, day=D + datetime.timedelta(days=n)) for n in (0, 1, 3)}
    assert (on[0].level, on[0].since) == ("medium", D)
    assert (on[1].level, on[1].since, on[1].assessment) == ("medium", D, second)
    assert (on[3].level, on[3].since) == ("high", D + datetime.timedelta(days=3))
    assert RiskAssessment.objects.filter(area=world.community_a, status=RiskStatus.APPROVED).count() == 3


def test_on_the_same_day_the_later_decision_wins(world, suggestion):
    approve_level(user=world.commander, assessment=suggestion, level="high", effective_from=D)
    again = RiskAssessment.objects.create(
        area=world.community_a, path=world.community_a.path, rule=rule("feb-2020"), day=D, suggested="medium"
    )
    approve_level(user=world.commander, assessment=again, level="medium", effective_from=D)

    assert level_in_force(target=world.community_a, day=D).level == "medium"


def test_many_targets_are_read_in_one_query(world, suggestion, django_assert_num_queries):
    approve_level(user=world.commander, assessment=suggestion, level="medium", effective_from=D)

    with django_assert_num_queries(1):
        found = levels_in_force(
            targets=[world.community_a, world.community_b, world.street, world.compound_a]
        )

    assert {k: f.level for k, f in found.items()} == {("area", world.community_a.pk): "medium"}


def test_a_household_takes_its_compounds_level_else_its_communitys_else_its_streets(world, suggestion):
    street = RiskAssessment.objects.get(area=world.street)
    approve_level(user=world.commander, assessment=street, level="low", effective_from=D)
    assert (level_for_household(world.household_a1).level, level_for_household(world.household_a1).kind) == (
        "low",
        "street",
    )

    approve_level(user=world.commander, assessment=suggestion, level="medium", effective_from=D)
    assert level_for_household(world.household_a1).kind == "community"
    assert level_for_household(world.household_b).level == "low"  # B is not rated: its street's

    suggest_levels(day=D, rule=rule("compound-stepdown"))
    compound = RiskAssessment.objects.get(compound=world.compound_a)
    approve_level(user=world.commander, assessment=compound, level="high", effective_from=D)
    f = level_for_household(world.household_a1)
    assert (f.level, f.kind) == ("high", "compound")


def test_a_household_of_an_area_never_rated_has_no_level(world):
    assert level_for_household(world.household_b) is None


def test_levels_by_area_lists_the_areas_in_scope_with_their_level(world, suggestion):
    approve_level(user=world.commander, assessment=suggestion, level="medium", effective_from=D)

    city = {(r.code, r.level) for r in levels_by_area(user=world.commander, day=D)}
    mine = [(r.code, r.kind, r.level, r.since) for r in levels_by_area(user=world.staff_a, day=D)]

    assert city == {
        (world.street.code, None),
        (world.community_a.code, "medium"),
        (world.community_b.code, None),
    }
    assert mine == [(world.community_a.code, "community", "medium", D)]
    assert [r.level for r in levels_by_area(user=world.staff_b, day=D)] == [None]
    assert levels_by_area(user=world.guard_a, day=D) == []
