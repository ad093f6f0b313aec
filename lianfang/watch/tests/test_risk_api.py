"""GET /api/v1/risk-levels: the streets, communities and compounds in the caller's scope, each with its
level in force, since when, the rule, and the suggestion waiting if any; filtered by area and level."""

from __future__ import annotations

import pytest
import time_machine

from lianfang.watch.models import RiskAssessment
from lianfang.watch.risk import approve_level, suggest_levels
from lianfang.watch.tests.risk_cases import (  # noqa: F401 (shipped_risk_rules: a fixture)
    D,
    case,
    days_before,
    local,
    rule,
    shipped_risk_rules,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shipped_risk_rules")]
URL = "/api/v1/risk-levels"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(local(D), tick=False) as traveller:
        yield traveller


@pytest.fixture
def rated(world):
    """Community A: medium in force since D; compound A: high suggested, waiting."""
    case(day=days_before(2), household=world.household_a1)
    suggest_levels(day=days_before(1))
    suggest_levels(day=days_before(1), rule=rule("compound-stepdown"))
    approve_level(
        user=world.commander,
        assessment=RiskAssessment.objects.get(area=world.community_a),
        level="medium",
        effective_from=D,
    )
    return RiskAssessment.objects.get(compound=world.compound_a)


def get(client, headers, **params):
    response = client.get(URL, params, **headers)
    return response.status_code, response.json()


def test_each_row_says_kind_code_name_level_since_rule_and_pending(client, api_client, world, rated):
    status, rows = get(client, api_client(world.commander))

    assert status == 200
    by_name = {r["name"]: r for r in rows}
    assert set(by_name) == {"舜耕镇", "A社区", "B社区", "阳光小区", "春晖园"}
    community = by_name["A社区"]
    assert community == {
        "kind": "community",
        "id": world.community_a.pk,
        "code": world.community_a.code,
        "name": "A社区",
        "community": None,
        "level": "medium",
        "since": D.isoformat(),
        "rule": {"code": "feb-2020", "version": 1, "name": rule("feb-2020").name},
        "pending": None,
    }
    compound = by_name["阳光小区"]
    assert (compound["kind"], compound["code"], compound["community"], compound["level"]) == (
        "compound",
        None,
        world.community_a.code,
        None,
    )
    pending = compound["pending"]
    assert (pending["id"], pending["suggested"], pending["day"], pending["rule"]["code"]) == (
        rated.pk,
        "high",
        days_before(1).isoformat(),
        "compound-stepdown",
    )
    assert pending["basis"]["reason"] == "recent_case" and pending["explanation"]
    assert by_name["舜耕镇"]["pending"]["suggested"] == "medium"


def test_staff_see_only_their_scope(client, api_client, world, rated):
    _status, mine = get(client, api_client(world.staff_a))
    _status, theirs = get(client, api_client(world.staff_b))

    assert {r["name"] for r in mine} == {"A社区", "阳光小区"}
    assert {(r["name"], r["level"], r["pending"]) for r in theirs} == {
        ("B社区", None, None),
        ("春晖园", None, None),
    }


def test_filters_by_level_kind_and_area(client, api_client, world, rated):
    headers = api_client(world.commander)

    assert [r["name"] for r in get(client, headers, level="medium")[1]] == ["A社区"]
    assert {r["name"] for r in get(client, headers, level="none", kind="compound")[1]} == {
        "阳光小区",
        "春晖园",
    }
    assert {r["name"] for r in get(client, headers, area=world.community_b.code)[1]} == {"B社区", "春晖园"}


def test_an_area_out_of_scope_is_not_found(client, api_client, world, rated):
    status, body = get(client, api_client(world.staff_a), area=world.community_b.code)

    assert status == 404 and body["code"] == "not_found"


def test_bad_filters_are_refused_with_422(client, api_client, world):
    headers = api_client(world.commander)

    assert get(client, headers, level="severe")[0] == 422
    assert get(client, headers, limit=0)[0] == 422
    assert get(client, headers, limit=10**30)[0] == 422


def test_gate_duty_gets_no_row_and_anonymous_callers_401(client, api_client, world, rated):
    assert get(client, api_client(world.guard_a)) == (200, [])
    assert client.get(URL).status_code == 401


def test_limit_and_offset_page_through_the_rows(client, api_client, world, rated):
    headers = api_client(world.commander)
    everything = get(client, headers)[1]

    assert get(client, headers, limit=2, offset=1)[1] == everything[1:3]
