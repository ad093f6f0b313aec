"""The reads others build on: a day never computed is None, a computed day without a row is 0 (`series`,
`figures_of`); the children of a node add up to it (`children_nodes`: child areas, a community's grids, and
its g0 node once it has figures); grid node paths."""

from __future__ import annotations

from lianfang.access.models import Passage
from lianfang.watch.figures import (
    children_nodes,
    figures_of,
    node_for,
    node_path_for_grid,
    series,
    split_grid_node,
)
from lianfang.watch.stats import compute_day
from lianfang.watch.tests.conftest import DAY, at, days, g0, node


def refusal(town, when):
    Passage.objects.create(
        gate=town.gate_a, household=town.household_a1, direction="out", decision="refused", code="quota_used",
        server_time=when, path=town.gate_a.path,
    )  # fmt: skip


def test_a_missing_day_is_none_and_a_computed_day_without_a_row_is_zero(town):
    refusal(town, at(DAY, 9))
    compute_day(day=DAY)
    compute_day(day=DAY + days(1))  # computed, nothing refused
    got = series(path=node(town.grid_a1), metric="refusals", start=DAY - days(1), end=DAY + days(1))
    assert got == [(DAY - days(1), None), (DAY, 1), (DAY + days(1), 0)]
    assert series(path=town.city.path, metric="refusals", start=DAY, end=DAY - days(1)) == []


def test_figures_of_one_day_are_none_when_it_was_never_computed(town):
    refusal(town, at(DAY, 9))
    compute_day(day=DAY)
    paths = [town.city.path, town.community_b.path]
    assert figures_of(paths=paths, metrics=["refusals", "households"], day=DAY) == {
        (town.city.path, "refusals"): 1,
        (town.city.path, "households"): 3,
        (town.community_b.path, "refusals"): 0,
        (town.community_b.path, "households"): 1,
    }
    missing = figures_of(paths=paths, metrics=["refusals"], day=DAY - days(1))
    assert set(missing.values()) == {None} and len(missing) == 2


def test_children_of_a_community_are_its_grids_and_its_g0_node_once_it_has_figures(town):
    a = town.community_a.path
    assert [n.path for n in children_nodes(a)] == [node(town.grid_a1), node(town.grid_a2)]
    Passage.objects.create(
        gate=town.gate_a, household=None, direction="in", decision="refused", code="pass_unknown",
        server_time=at(DAY, 9), path=town.gate_a.path,
    )  # fmt: skip
    compute_day(day=DAY)
    children = children_nodes(a)
    assert [n.path for n in children] == [node(town.grid_a1), node(town.grid_a2), g0(town.community_a)]
    assert [n.level for n in children] == ["grid", "grid", "grid"]
    assert children[0].grid_id == town.grid_a1.pk and children[2].grid_id is None
    assert [n.path for n in children_nodes(town.street.path)] == [a, town.community_b.path]
    assert children_nodes(node(town.grid_a1)) == []


def test_grid_node_paths(town):
    assert node_path_for_grid("1.2.", 7) == "1.2.g7."
    assert node_path_for_grid("1.2.", None) == "1.2.g0."
    assert split_grid_node("1.2.g7.") == ("1.2.", 7)
    assert split_grid_node("1.2.") is None
    assert node_for(node(town.grid_a1)).name == town.grid_a1.name
    assert node_for(town.city.path).level == "city"
    assert node_for(node_path_for_grid(town.community_b.path, town.grid_a1.pk)) is None  # A's grid under B
    assert node_for("9.9.") is None
