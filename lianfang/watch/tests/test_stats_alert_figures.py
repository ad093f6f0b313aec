"""Alerts raised (`created_at`) and resolved (`handled_at`) that day count where they were raised: in their
grid (their own, else their household's), and an alert raised for an area above the communities (an early
warning of a street) in that area's g0 node, so that it counts at the street and above but in no community.
A community without households still counts what happened there, through its g0 node."""

from __future__ import annotations

from lianfang.core.models import Alert
from lianfang.places.models import Area
from lianfang.watch.stats import compute_day
from lianfang.watch.tests.conftest import DAY, at, days, g0, node, value


def alert(path, created, handled=None, household=None, grid=None):
    return Alert.objects.create(
        kind="fever",
        title="t",
        path=path,
        household=household,
        grid=grid,
        created_at=created,
        handled_at=handled,
    )


def test_alerts_raised_and_resolved_that_day_in_their_grid(town):
    a = town.community_a.path
    alert(a, at(DAY, 9), handled=at(DAY + days(1), 9), household=town.household_a1)
    alert(a, at(DAY - days(1), 9), handled=at(DAY, 10), household=town.household_a2)
    alert(a, at(DAY, 11), grid=town.grid_a2)
    compute_day(day=DAY)
    assert value(node(town.grid_a1), "alerts_opened") == 1
    assert value(node(town.grid_a1), "alerts_resolved") == 0
    assert value(node(town.grid_a2), "alerts_resolved") == 1
    assert value(node(town.grid_a2), "alerts_opened") == 1
    assert value(town.city.path, "alerts_opened") == 2


def test_an_alert_of_a_street_counts_at_the_street_and_above_and_in_no_community(town):
    alert(town.street.path, at(DAY, 9))
    compute_day(day=DAY)
    assert value(g0(town.street), "alerts_opened") == 1
    assert value(town.street.path, "alerts_opened") == 1
    assert value(town.city.path, "alerts_opened") == 1
    assert value(town.community_a.path, "alerts_opened") == 0


def test_a_community_without_households_counts_through_its_g0_node(town):
    empty = Area.objects.create(
        code="340403001003", name="C社区", level="community", parent=town.street,
        path=Area.child_path(town.street, "340403001003"),
    )  # fmt: skip
    alert(empty.path, at(DAY, 9))
    compute_day(day=DAY)
    assert value(g0(empty), "alerts_opened") == 1
    assert value(empty.path, "alerts_opened") == 1
    assert value(town.street.path, "alerts_opened") == 1
