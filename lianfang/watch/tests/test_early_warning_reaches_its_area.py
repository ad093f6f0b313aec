"""A grid's early warning reaches the grid's worker and the community's staff (and those above them), and
nobody of another community: the alert and the signal are read through visible_to, signals_for lists it."""

from __future__ import annotations

import datetime

import pytest

from lianfang.core.models import Alert
from lianfang.watch.detect import run_detectors, signals_for
from lianfang.watch.models import Signal
from lianfang.watch.tests.ears_world import DAY, computed, days_before, figures, grid_node, only_detector

pytestmark = pytest.mark.django_db


@pytest.fixture
def alarm(world):
    computed(days_before(20))
    only_detector(metric="fevers", level="grid", method="c1", min_sigma=0.5)
    figures(
        path=grid_node(world.grid_a1),
        level="grid",
        metric="fevers",
        values=[1, 0, 0, 0, 0, 0, 0, 5],
        grid=world.grid_a1,
    )
    run_detectors(day=DAY)
    return Alert.objects.get()


@pytest.mark.parametrize("who", ["grid_a1_worker", "staff_a", "health_a", "commander"])
def test_the_grid_worker_the_community_and_those_above_see_the_alert_and_its_signal(world, alarm, who):
    user = getattr(world, who)
    assert Alert.objects.visible_to(user).filter(pk=alarm.pk).exists()
    assert [s.alert_id for s in signals_for(user=user, day=DAY)] == [alarm.pk]
    assert Signal.objects.visible_to(user).filter(alarm=True).count() == 1


@pytest.mark.parametrize("who", ["staff_b", "guard_a", "resident_a"])
def test_another_community_the_gate_and_residents_do_not(world, alarm, who):
    user = getattr(world, who)
    assert not Alert.objects.visible_to(user).filter(pk=alarm.pk).exists()
    assert signals_for(user=user, day=DAY) == []


def test_signals_for_lists_the_alarms_of_the_last_week_only(world, alarm):
    assert len(signals_for(user=world.staff_a, day=DAY + datetime.timedelta(days=6))) == 1
    assert signals_for(user=world.staff_a, day=DAY + datetime.timedelta(days=7)) == []
    assert signals_for(user=world.staff_a, day=DAY - datetime.timedelta(days=1)) == []


def test_quiet_signals_are_not_listed(world, alarm):
    Signal.objects.update(alarm=False)
    assert signals_for(user=world.commander, day=DAY) == []
