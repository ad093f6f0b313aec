"""run_detectors reads each detector's figures in one query, whatever the number of nodes: a city of
thousands of grids costs the same number of queries as a handful (alarms add their alerts' queries)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lianfang.watch.detect import run_detectors
from lianfang.watch.models import DailyStat, Signal
from lianfang.watch.tests.ears_world import DAY, computed, days_before, figures

pytestmark = pytest.mark.django_db


def queries_for(grids: int) -> int:
    DailyStat.objects.all().delete()
    for g in range(1, grids + 1):
        figures(
            path=f"340400.g{g}.", level="grid", metric="fevers", values=[1, 0, 1, 1, 0, 1, 0, 1, 1, 0, 1, 1]
        )
    with CaptureQueriesContext(connection) as ctx:
        summary = run_detectors(day=DAY)
    assert summary["alarms"] == 0 and summary["signals"] == 3 * grids  # C1, C2, threshold per grid
    return len(ctx.captured_queries)


def test_ten_times_as_many_quiet_grids_cost_no_more_queries():
    computed(days_before(20))
    assert queries_for(3) == queries_for(30)
    assert Signal.objects.count() == 90
