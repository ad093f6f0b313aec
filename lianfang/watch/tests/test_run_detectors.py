"""run_detectors: every active detector over every node of its level for one day — a signal per node with
figures in its window, one alert per alarm, the same rows when run twice, nothing where a day is missing."""

from __future__ import annotations

import pytest

from lianfang.core.models import Alert, AlertKind
from lianfang.watch.detect import run_detectors
from lianfang.watch.models import DailyStat, Detector, Signal, StatDay
from lianfang.watch.tests.ears_world import DAY, computed, days_before, figures, grid_node, only_detector

pytestmark = pytest.mark.django_db

RISING = [0, 0, 1, 0, 0, 0, 0, 0, 1, 2, 6]  # the last day is DAY
FLAT = [1] * 11


@pytest.fixture
def fevers(world):
    """Grid A1's fevers rise on DAY; grid A2 has one fever every day; 20 days computed."""
    computed(days_before(20))
    a1, a2 = world.grid_a1, world.grid_a2
    figures(path=grid_node(a1), level="grid", metric="fevers", values=RISING, grid=a1)
    figures(path=grid_node(a2), level="grid", metric="fevers", values=FLAT, grid=a2)
    return world


def test_a_grid_whose_fevers_rise_alarms_and_raises_one_alert(fevers):
    c1 = only_detector(metric="fevers", level="grid", method="c1", min_sigma=0.5)
    summary = run_detectors(day=DAY)
    assert summary["computed"] is True
    assert (summary["signals"], summary["alarms"], summary["alerts_raised"]) == (2, 1, 1)
    signal = Signal.objects.get(detector=c1, path=grid_node(fevers.grid_a1), day=DAY)
    assert signal.alarm is True and signal.observed == 6 and signal.grid_id == fevers.grid_a1.pk
    assert signal.expected == pytest.approx(3 / 7)
    alert = Alert.objects.get()
    assert signal.alert_id == alert.pk
    assert alert.kind == AlertKind.EARLY_WARNING
    assert alert.dedup_key == f"ews:fevers:{grid_node(fevers.grid_a1)}:2026-03-01"
    assert alert.source_id == str(c1.pk)
    assert alert.path == fevers.community_a.path  # the community's staff see it ...
    assert alert.grid_id == fevers.grid_a1.pk  # ... and so does the grid's worker
    assert fevers.grid_a1.name in alert.title and "卡口发热" in alert.title
    assert "观测值 6" in alert.detail and f"预警上限 {signal.upper:.2f}" in alert.detail


def test_running_the_day_twice_gives_the_same_signals_and_no_second_alert(fevers):
    only_detector(metric="fevers", level="grid", method="c1", min_sigma=0.5)
    run_detectors(day=DAY)
    fields = ["detector_id", "path", "day", "observed", "expected", "upper", "alarm", "alert_id", "grid_id"]
    first = list(Signal.objects.order_by("path").values(*fields))
    ids = list(Signal.objects.order_by("path").values_list("id", flat=True))
    summary = run_detectors(day=DAY)
    assert (summary["alerts_raised"], summary["alarms"], summary["written"]) == (0, 1, 0)
    assert list(Signal.objects.order_by("path").values(*fields)) == first
    assert list(Signal.objects.order_by("path").values_list("id", flat=True)) == ids
    assert Alert.objects.count() == 1


def test_a_flat_grid_has_a_quiet_signal(fevers):
    c1 = only_detector(metric="fevers", level="grid", method="c1", min_sigma=0.5)
    run_detectors(day=DAY)
    flat = Signal.objects.get(detector=c1, path=grid_node(fevers.grid_a2))
    assert (flat.observed, flat.expected, flat.alarm) == (1, 1, False)
    assert flat.upper == pytest.approx(1 + 3.090232306167813 * 0.5)
    assert not Alert.objects.filter(grid=fevers.grid_a2).exists()


def test_a_missing_day_in_the_window_gives_no_signal_and_no_alert(fevers):
    only_detector(metric="fevers", level="grid", method="c1", min_sigma=0.5)
    StatDay.objects.filter(day=days_before(4)[0]).delete()  # 3 days before DAY: in C1's 7-day baseline
    summary = run_detectors(day=DAY)
    assert (summary["computed"], summary["signals"], summary["alarms"]) == (True, 0, 0)
    assert not Signal.objects.exists() and not Alert.objects.exists()


def test_a_day_never_computed_gives_nothing(fevers):
    only_detector(metric="fevers", level="grid", method="c1", min_sigma=0.5)
    StatDay.objects.filter(day=DAY).delete()
    summary = run_detectors(day=DAY)
    assert summary["computed"] is False and summary["signals"] == 0
    assert not Signal.objects.exists() and not Alert.objects.exists()


def test_a_gap_before_c2_s_baseline_window_does_not_matter(fevers):
    c2 = only_detector(metric="fevers", level="grid", method="c2", min_sigma=0.5)
    StatDay.objects.filter(day=days_before(2)[0]).delete()  # the day before DAY: C2 does not read it
    run_detectors(day=DAY)
    assert Signal.objects.get(detector=c2, path=grid_node(fevers.grid_a1)).alarm is True


def test_signals_of_nodes_without_figures_any_more_are_removed_on_a_second_run(fevers):
    c1 = only_detector(metric="fevers", level="grid", method="c1", min_sigma=0.5)
    run_detectors(day=DAY)
    DailyStat.objects.filter(path=grid_node(fevers.grid_a2)).delete()  # the day's figures recomputed: none
    run_detectors(day=DAY)
    assert list(Signal.objects.filter(detector=c1).values_list("path", flat=True)) == [
        grid_node(fevers.grid_a1)
    ]


def test_a_fixed_threshold_alarms_at_the_threshold(fevers):
    rule = only_detector(metric="fevers", level="grid", method="threshold", threshold=6)
    run_detectors(day=DAY)
    signal = Signal.objects.get(detector=rule, path=grid_node(fevers.grid_a1))
    assert (signal.observed, signal.upper, signal.expected, signal.alarm) == (6, 6, None, True)
    assert "阈值 6" in Alert.objects.get().detail


def test_a_community_detector_reads_community_nodes_and_alerts_the_community(world):
    computed(days_before(20))
    c3 = only_detector(metric="fevers", level="community", method="c3", alpha=0.025, min_sigma=1)
    figures(path=world.community_b.path, level="community", metric="fevers", values=[0] * 11 + [1, 3, 5])
    figures(path=grid_node(world.grid_a1), level="grid", metric="fevers", values=[9] * 3, grid=world.grid_a1)
    run_detectors(day=DAY)
    signal = Signal.objects.get(detector=c3)
    assert (signal.path, signal.grid_id, signal.alarm) == (world.community_b.path, None, True)
    alert = Alert.objects.get()
    assert (alert.path, alert.grid_id) == (world.community_b.path, None)
    assert world.community_b.name in alert.title


def test_a_detector_with_options_out_of_range_is_skipped_and_named(fevers):
    only_detector(metric="fevers", level="grid", method="c1", min_sigma=0.5)
    bad = Detector.objects.create(name="bad", metric="fevers", level="grid", method="c2", alpha=1.5)
    summary = run_detectors(day=DAY)
    assert summary["refused"] == {bad.pk: "alpha_out_of_range"}
    assert summary["detectors"] == 1 and summary["alarms"] == 1
    assert not Signal.objects.filter(detector=bad).exists()


def test_the_households_without_a_grid_alarm_to_their_community_only(world):
    computed(days_before(20))
    only_detector(metric="fevers", level="grid", method="threshold", threshold=2)
    figures(path=f"{world.community_a.path}g0.", level="grid", metric="fevers", values=[3])
    run_detectors(day=DAY)
    alert = Alert.objects.get()
    assert (alert.path, alert.grid_id) == (world.community_a.path, None)
    assert alert.title == "预警：A社区 （未划网格）卡口发热异常升高"
    assert Alert.objects.visible_to(world.staff_a).count() == 1
    assert not Alert.objects.visible_to(world.grid_a1_worker).exists()
