"""The alerts of care carry their deduplication keys, grid and severity: an unreachable household is one
urgent alert per household and day; overdue calls (per window) and errands (per errand) are warnings,
raised once however often the task runs, even when two runs race past the check."""

from __future__ import annotations

from lianfang.care.alerts import create_overdue_alerts
from lianfang.care.models import CallWindow
from lianfang.care.services import raise_errand, record_call
from lianfang.core.alerts import raise_alerts
from lianfang.core.models import Alert, AlertKind, AlertSeverity

AM, PM = CallWindow.MORNING, CallWindow.AFTERNOON


def test_an_unreachable_household_is_one_urgent_alert_a_day_for_its_grid(world, held_a1, at, today):
    h = held_a1.household
    record_call(user=world.grid_a1_worker, household=h, window=AM, reached=False, now=at(10))
    record_call(user=world.grid_a1_worker, household=h, window=PM, reached=False, now=at(15))
    alert = Alert.objects.get(kind=AlertKind.UNREACHABLE)
    assert alert.dedup_key == f"unreachable:{h.pk}:{today.isoformat()}"
    assert (alert.severity, alert.grid_id) == (AlertSeverity.URGENT, world.grid_a1.pk)
    assert list(Alert.objects.visible_to(world.grid_a1_worker)) == [alert]


def test_overdue_calls_and_errands_are_warnings_keyed_by_window_and_errand(world, held_a1, at, today):
    h = held_a1.household
    errand = raise_errand(
        user=world.staff_a, household=h, category="bill", details="电费", due_at=at(10), now=at(9)
    )
    create_overdue_alerts(now=at(13))
    call = Alert.objects.get(kind=AlertKind.CALL_OVERDUE)
    late = Alert.objects.get(kind=AlertKind.ERRAND_OVERDUE)
    assert call.dedup_key == f"call_overdue:{h.pk}:{today.isoformat()}:am"
    assert late.dedup_key == f"errand_overdue:{errand.pk}"
    for alert in (call, late):
        assert (alert.severity, alert.grid_id, alert.events.count()) == (AlertSeverity.WARNING, h.grid_id, 1)


def test_a_second_run_that_misses_the_first_runs_alerts_still_raises_none(world, held_a1, at):
    create_overdue_alerts(now=at(13))
    first = list(Alert.objects.all())
    # As if a second run had read the alerts before the first committed: the same keys again.
    for alert in first:
        alert.pk = None
    assert raise_alerts(first) == []
    assert Alert.objects.count() == len(first) == 1
