"""The nightly statistics end with the early-warning detectors: a grid whose fevers rise raises its alert
once the day's figures are stored."""

import datetime

from lianfang.core.models import Alert, AlertKind
from lianfang.watch.figures import node_path_for_grid
from lianfang.watch.models import DailyStat, StatDay
from lianfang.watch.tasks import after_day_computed

DAY = datetime.date(2026, 2, 10)


def test_a_day_computed_runs_the_detectors_and_a_rising_grid_alarms(world):
    path = node_path_for_grid(world.community_a.path, world.grid_a1.pk)
    fevers = [0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 4, 9]  # the last day is DAY
    for back, n in enumerate(reversed(fevers)):
        day = DAY - datetime.timedelta(days=back)
        StatDay.objects.create(day=day)
        if n:
            DailyStat.objects.create(
                path=path, grid=world.grid_a1, level="grid", day=day, metric="fevers", value=n
            )
    summary = after_day_computed(DAY)
    alerts = Alert.objects.filter(kind=AlertKind.EARLY_WARNING, grid=world.grid_a1)
    assert summary["alarms"] >= 1 and alerts.count() == 1
    assert alerts.get().path == world.community_a.path
    after_day_computed(DAY)
    assert alerts.count() == 1  # the same signal, the same alert
