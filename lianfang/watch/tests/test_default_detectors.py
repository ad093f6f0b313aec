"""The default detectors (migration 0003): fevers per grid with C1, C2 and a threshold of 5, fevers per
community with the CDC's C3, new cases per community with C2 — valid options, and together they warn a
grid's worker when the grid's fevers rise, before any case is confirmed."""

from __future__ import annotations

import pytest

from lianfang.core.models import Alert
from lianfang.watch.detect import detector_options, run_detectors
from lianfang.watch.models import Detector, Signal
from lianfang.watch.tests.ears_world import DAY, computed, days_before, figures, grid_node

pytestmark = pytest.mark.django_db


def test_the_defaults_are_in_use_with_options_in_range():
    rows = {(d.metric, d.level, d.method): d for d in Detector.objects.filter(is_active=True)}
    assert set(rows) == {
        ("fevers", "grid", "c1"),
        ("fevers", "grid", "c2"),
        ("fevers", "grid", "threshold"),
        ("fevers", "community", "c3"),
        ("cases_new", "community", "c2"),
    }
    for d in rows.values():
        detector_options(d)  # raises when out of range
    assert rows[("fevers", "grid", "threshold")].threshold == 5
    assert rows[("fevers", "community", "c3")].alpha == 0.025


def test_two_fevers_in_a_grid_quiet_for_a_week_warn_its_worker_through_c1_only(world):
    computed(days_before(20))
    figures(path=grid_node(world.grid_a1), level="grid", metric="fevers", values=[2], grid=world.grid_a1)
    run_detectors(day=DAY)
    alerts = Alert.objects.visible_to(world.grid_a1_worker)
    assert [a.source_id for a in alerts] == [str(Detector.objects.get(method="c1", level="grid").pk)]


def test_three_fevers_a_day_alarm_c1_on_the_first_day_and_c2_while_they_last(world):
    computed(days_before(20))
    figures(
        path=grid_node(world.grid_a1), level="grid", metric="fevers", values=[3, 3, 3], grid=world.grid_a1
    )
    figures(path=world.community_a.path, level="community", metric="fevers", values=[3, 3, 3])
    first, second, third = days_before(3)
    for day in (first, second, third):
        run_detectors(day=day)
    alarms = set(Signal.objects.filter(alarm=True).values_list("day", "detector__level", "detector__method"))
    assert alarms == {
        (first, "grid", "c1"),  # then C1's baseline takes the rise in and it falls silent
        (first, "grid", "c2"),
        (second, "grid", "c2"),  # C2's baseline skips the two latest days: it keeps alarming
        (third, "grid", "c2"),
        (first, "community", "c3"),  # C3 sums the excess of three days
        (second, "community", "c3"),
        (third, "community", "c3"),
    }
    # One alert per figure, node and day, however many detectors alarm on it: the grid's three days, and
    # the community's three.
    assert Alert.objects.visible_to(world.grid_a1_worker).count() == 3
    assert Alert.objects.visible_to(world.staff_a).count() == 6


def test_five_fevers_in_a_grid_alarm_the_threshold_even_after_a_week_of_many(world):
    computed(days_before(20))
    figures(
        path=grid_node(world.grid_a1),
        level="grid",
        metric="fevers",
        values=[6, 4, 7, 5, 6, 4, 6, 5, 6, 5],
        grid=world.grid_a1,
    )
    run_detectors(day=DAY)
    alarms = set(Signal.objects.filter(alarm=True).values_list("detector__method", flat=True))
    assert alarms == {"threshold"}  # EARS has taken the high level as normal


def test_a_single_fever_in_a_grid_raises_no_early_warning(world):
    computed(days_before(20))
    figures(path=grid_node(world.grid_a1), level="grid", metric="fevers", values=[1], grid=world.grid_a1)
    figures(path=world.community_a.path, level="community", metric="fevers", values=[1])
    summary = run_detectors(day=DAY)
    assert summary["signals"] == 4 and summary["alarms"] == 0
