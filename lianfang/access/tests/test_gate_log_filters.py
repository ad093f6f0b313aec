"""The gate log's filter: a compound (from a list, or in a scope of more than CHOICES_MAX compounds by part of
its name), a gate, a direction, a decision, a refusal reason, a household's address; each within the user's
scope, and a filter too loose to read quickly (too many compounds or households match) is refused with a
message that says what to add."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from lianfang.access import forms
from lianfang.access.tests.gatelog import NOW, make, passage
from lianfang.places.models import Gate

LOG = "/access/passages/"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def rows(world):
    west = Gate.objects.get(compound=world.compound_a, name="西门")
    north = Gate.objects.create(compound=world.compound_b, name="北门", path=world.compound_b.path)
    minute = datetime.timedelta(minutes=1)
    made = make(
        [
            passage(world.gate_a, NOW - 1 * minute, household=world.household_a1, code="exit_allowed"),
            passage(world.gate_a, NOW - 2 * minute, household=world.household_a1, code="quota_used"),
            passage(
                west, NOW - 3 * minute, household=world.household_a2, code="entry_allowed", direction="in"
            ),
            passage(west, NOW - 4 * minute, household=world.household_a2, code="fever"),
            passage(north, NOW - 5 * minute, household=world.household_b, code="exit_allowed"),
        ]
    )
    return {"east_out": made[0], "east_quota": made[1], "west_in": made[2], "west_fever": made[3],
            "north": made[4], "west": west, "north_gate": north}  # fmt: skip


def shown(response) -> list[int]:
    assert response.status_code == 200, response.content[:300]
    return [p.pk for p in response.context["page"].rows]


def ids(rows, *names) -> list[int]:
    return [rows[n].pk for n in names]


def test_each_filter_keeps_its_passages(login, world, rows):
    c = login(world.commander)
    assert shown(c.get(LOG, {"gate": rows["west"].pk})) == ids(rows, "west_in", "west_fever")
    assert shown(c.get(LOG, {"direction": "in"})) == ids(rows, "west_in")
    assert shown(c.get(LOG, {"decision": "refused"})) == ids(rows, "east_quota")
    assert shown(c.get(LOG, {"decision": "referred"})) == ids(rows, "west_fever")
    assert shown(c.get(LOG, {"code": "fever"})) == ids(rows, "west_fever")
    assert shown(c.get(LOG, {"household": "5-1-201"})) == ids(rows, "west_in", "west_fever")
    assert shown(c.get(LOG, {"household": "no such place"})) == []


def test_a_compound_from_the_list_keeps_its_gates_only(login, world, rows):
    c = login(world.commander)
    assert shown(c.get(LOG, {"compound": world.compound_b.pk})) == ids(rows, "north")
    # A gate of another compound than the one chosen: nothing, rather than the other compound's gate.
    assert shown(c.get(LOG, {"compound": world.compound_b.pk, "gate": world.gate_a.pk})) == []


def test_a_wide_scope_finds_its_compounds_by_name(login, world, rows, monkeypatch):
    monkeypatch.setattr(forms, "CHOICES_MAX", 1)  # the commander's two compounds are "many"
    c = login(world.commander)
    response = c.get(LOG, {"compound": "春晖"})
    assert 'name="compound" value="春晖"' in response.content.decode()  # a text field, not a list
    assert shown(response) == ids(rows, "north")
    # Once a compound is named, its gates can be chosen.
    assert f'<option value="{rows["north_gate"].pk}">' in response.content.decode()
    monkeypatch.setattr(forms, "COMPOUND_MATCHES_MAX", 1)
    response = c.get(LOG, {"compound": "园"})
    assert shown(response) == ids(rows, "north")
    response = c.get(LOG, {"compound": "区"})  # 阳光小区 only
    assert shown(response) == ids(rows, "east_out", "east_quota", "west_in", "west_fever")
    world.compound_a.name = "阳光园"
    world.compound_a.save()
    response = c.get(LOG, {"compound": "园"})
    assert response.context["page"] is None
    assert "请输入更完整的名称" in str(response.context["form"].errors["compound"])


def test_an_address_matching_too_many_households_asks_for_a_compound(login, world, rows, monkeypatch):
    monkeypatch.setattr(forms, "HOUSEHOLDS_MAX", 1)
    c = login(world.commander)
    response = c.get(LOG, {"household": "101"})  # 3-1-101 in 阳光小区 and 1-1-101 in 春晖园
    assert response.context["page"] is None
    assert "请同时选择小区" in str(response.context["form"].errors["household"])
    response = c.get(LOG, {"household": "101", "compound": world.compound_b.pk})
    assert shown(response) == ids(rows, "north")


def test_filters_never_reach_outside_the_scope(login, world, rows):
    assert shown(login(world.staff_b).get(LOG, {"household": "3-1-101"})) == []
    assert shown(login(world.staff_b).get(LOG)) == ids(rows, "north")
    assert shown(login(world.grid_a1_worker).get(LOG)) == ids(rows, "east_out", "east_quota")
    # A gate outside the scope is not a choice: the form says so, nothing is read.
    response = login(world.staff_b).get(LOG, {"gate": world.gate_a.pk})
    assert response.context["page"] is None and "gate" in response.context["form"].errors
