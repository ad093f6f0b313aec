"""The risk-level pages: the list in scope with the waiting suggestions on top, approve and dismiss from it
(command centre only: 403 for other staff; out of scope: 404 first), one target's history, and the level on
the household's page and on its own page behind the secret link."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from lianfang.access.services import ensure_link_key
from lianfang.watch.models import RiskAssessment, RiskStatus
from lianfang.watch.risk import approve_level, level_in_force, suggest_levels
from lianfang.watch.tests.risk_cases import (  # noqa: F401 (shipped_risk_rules: a fixture)
    D,
    case,
    days_before,
    local,
    rule,
    shipped_risk_rules,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shipped_risk_rules")]
LIST = reverse("watch:risk-levels")


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(local(D), tick=False) as traveller:
        yield traveller


@pytest.fixture
def waiting(world):
    """Suggestions of D - 1: community A and the street medium (one new case), compound A high."""
    case(day=days_before(2), household=world.household_a1)
    suggest_levels(day=days_before(1))
    suggest_levels(day=days_before(1), rule=rule("compound-stepdown"))
    return {
        "community": RiskAssessment.objects.get(area=world.community_a),
        "street": RiskAssessment.objects.get(area=world.street),
        "compound": RiskAssessment.objects.get(compound=world.compound_a),
    }


def approve_url(a):
    return reverse("watch:risk-approve", args=[a.pk])


def test_the_commander_sees_the_waiting_suggestions_highest_first_with_the_forms(login, world, waiting):
    response = login(world.commander).get(LIST)

    assert response.status_code == 200
    shown = [s["a"] for s in response.context["pending"]]
    assert shown[0] == waiting["compound"] and set(shown) == set(waiting.values())
    body = response.content.decode()
    assert body.index('data-test="suggestions"') < body.index('data-test="levels"')
    assert 'data-test="approve-form"' in body and 'data-test="assess"' in body
    assert response.context["pending_total"] == 3


def test_community_staff_see_their_own_community_and_compound_without_forms(login, world, waiting):
    response = login(world.staff_a).get(LIST)

    shown = {s["a"] for s in response.context["pending"]}
    targets = {r["t"].key for r in response.context["page"].object_list}
    assert shown == {waiting["community"], waiting["compound"]}
    assert targets == {("area", world.community_a.pk), ("compound", world.compound_a.pk)}
    assert 'data-test="approve-form"' not in response.content.decode()


def test_the_list_orders_by_level_in_force_and_filters_by_level_and_kind(login, world, waiting):
    approve_level(user=world.commander, assessment=waiting["compound"], level="high", effective_from=D)
    approve_level(user=world.commander, assessment=waiting["street"], level="low", effective_from=D)
    client = login(world.commander)

    rows = client.get(LIST).context["page"].object_list
    high = client.get(LIST, {"level": "high"}).context["page"].object_list
    unrated = client.get(LIST, {"level": "none", "kind": "community"}).context["page"].object_list

    assert rows[0]["t"].key == ("compound", world.compound_a.pk) and rows[1]["t"].key == (
        "area",
        world.street.pk,
    )
    assert [r["t"].name for r in high] == [world.compound_a.name]
    assert {r["t"].code for r in unrated} == {world.community_a.code, world.community_b.code}


def test_the_list_under_an_area_out_of_scope_is_not_found(login, world):
    assert login(world.staff_a).get(LIST, {"area": world.community_b.code}).status_code == 404
    assert login(world.staff_a).get(LIST, {"area": world.community_a.code}).status_code == 200


def test_the_list_reads_a_fixed_number_of_queries(login, world, waiting, django_assert_max_num_queries):
    client = login(world.commander)
    client.get(LIST)

    with django_assert_max_num_queries(10):
        client.get(LIST)


def test_gate_duty_and_residents_do_not_find_the_pages(login, world, waiting):
    for who in (world.guard_a, world.resident_a):
        client = login(who)
        assert client.get(LIST).status_code == 404
        assert client.post(approve_url(waiting["community"])).status_code == 404


def test_the_commander_approves_from_the_list_with_a_level_and_a_day(login, world, waiting):
    response = login(world.commander).post(
        approve_url(waiting["community"]),
        {"level": "high", "effective_from": D.isoformat(), "note": "聚集", "back": "list"},
    )

    assert response.status_code == 302 and response["Location"] == LIST
    f = level_in_force(target=world.community_a, day=D)
    assert f.level == "high" and f.assessment.note == "聚集" and f.assessment.decided_by == world.commander


def test_an_approval_from_the_history_page_returns_to_it(login, world, waiting):
    response = login(world.commander).post(
        approve_url(waiting["compound"]), {"level": "high", "effective_from": D.isoformat(), "back": "target"}
    )

    assert response["Location"] == reverse("watch:risk-compound", args=[world.compound_a.pk])


def test_community_staff_may_not_approve_and_get_403(login, world, waiting):
    response = login(world.staff_a).post(
        approve_url(waiting["community"]), {"level": "low", "effective_from": D.isoformat()}
    )

    assert response.status_code == 403
    assert RiskAssessment.objects.get(pk=waiting["community"].pk).status == RiskStatus.SUGGESTED


def test_a_suggestion_out_of_scope_is_not_found_before_the_role_is_asked(login, world, waiting):
    client = login(world.staff_b)

    assert client.post(approve_url(waiting["community"]), {"level": "low"}).status_code == 404
    assert client.post(reverse("watch:risk-dismiss", args=[waiting["community"].pk])).status_code == 404


def test_a_refused_day_is_shown_as_a_message_and_changes_nothing(login, world, waiting):
    too_late = (D + datetime.timedelta(days=31)).isoformat()
    response = login(world.commander).post(
        approve_url(waiting["community"]), {"level": "low", "effective_from": too_late}, follow=True
    )

    assert "30" in str(list(response.context["messages"])[0])
    assert RiskAssessment.objects.get(pk=waiting["community"].pk).status == RiskStatus.SUGGESTED


def test_the_commander_dismisses_with_a_reason(login, world, waiting):
    login(world.commander).post(
        reverse("watch:risk-dismiss", args=[waiting["street"].pk]), {"note": "已核查", "back": "list"}
    )

    row = RiskAssessment.objects.get(pk=waiting["street"].pk)
    assert row.status == RiskStatus.DISMISSED and row.note == "已核查"


def test_a_targets_history_shows_every_assessment_and_the_level_to_come(login, world, waiting):
    approve_level(
        user=world.commander,
        assessment=waiting["community"],
        level="medium",
        effective_from=D + datetime.timedelta(days=2),
    )

    response = login(world.staff_a).get(reverse("watch:risk-area", args=[world.community_a.code]))

    assert response.status_code == 200 and response.context["in_force"] is None
    assert [h["a"] for h in response.context["history"]] == [waiting["community"]]
    assert response.context["upcoming"] == [waiting["community"]]
    assert 'data-test="upcoming"' in response.content.decode()


def test_a_history_out_of_scope_or_of_a_district_is_not_found(login, world):
    client = login(world.staff_a)

    assert client.get(reverse("watch:risk-area", args=[world.community_b.code])).status_code == 404
    assert client.get(reverse("watch:risk-compound", args=[world.compound_b.pk])).status_code == 404
    assert (
        login(world.commander).get(reverse("watch:risk-area", args=[world.district.code])).status_code == 404
    )


def test_assess_now_makes_todays_suggestions_for_the_commander_only(login, world):
    case(day=days_before(1), household=world.household_a1)

    assert login(world.staff_a).post(reverse("watch:risk-assess")).status_code == 403
    response = login(world.commander).post(reverse("watch:risk-assess"))

    assert response.status_code == 302 and RiskAssessment.objects.filter(day=D).count() == 3


def test_the_household_page_shows_the_level_it_lives_under(login, world, waiting):
    approve_level(user=world.commander, assessment=waiting["community"], level="medium", effective_from=D)
    url = reverse("places:household-detail", args=[world.household_a1.pk])

    response = login(world.staff_a).get(url)

    assert response.context["risk"].level == "medium"
    assert 'data-test="household-risk"' in response.content.decode()
    assert 'data-level="medium"' in response.content.decode()
    assert reverse("watch:risk-area", args=[world.community_a.code]) in response.content.decode()


def test_the_households_own_page_shows_its_level_once_rated(client, world, waiting):
    key = ensure_link_key(household=world.household_a1)
    url = reverse("access:household-link", args=[key])
    assert 'data-test="household-risk"' not in client.get(url).content.decode()

    approve_level(user=world.commander, assessment=waiting["compound"], level="high", effective_from=D)
    body = client.get(url).content.decode()

    assert 'data-test="household-risk"' in body and 'data-level="high"' in body
