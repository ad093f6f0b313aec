"""On random small cities (random_city.py: random trees, records of every kind around the day's edges), the
stored figures agree with the oracle written in Python (stats_oracle.py) at every leaf and for the hourly
gate flow, the median errand response agrees at every node, and every other node's figure is the sum of its
children's — for a whole past day and for today so far."""

from __future__ import annotations

import datetime
import re
from collections import defaultdict

import pytest
import time_machine
from django.utils import timezone

from lianfang.places.models import Area
from lianfang.watch.metrics import NOT_ADDITIVE
from lianfang.watch.models import DailyStat, NodeLevel
from lianfang.watch.stats import compute_day
from lianfang.watch.tests import stats_oracle
from lianfang.watch.tests.random_city import build_city

DAY = datetime.date(2026, 3, 10)
MEDIAN = next(iter(NOT_ADDITIVE))
LEAF = re.compile(r"^(?P<area>.+\.)g(?P<grid>\d+)\.$")


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def stored(day: datetime.date) -> dict[tuple[str, str], int]:
    return {(r.path, r.metric): r.value for r in DailyStat.objects.filter(day=day)}


def parent_of(path: str) -> str:
    return re.sub(r"[^.]+\.$", "", path)


def check(day: datetime.date, now: datetime.datetime) -> int:
    rows = stored(day)
    leaves = stats_oracle.leaves(day, now)
    areas = {a.path: a for a in Area.objects.all()}
    flows = {k: v for k, v in leaves.items() if k[1].startswith("flow_")}
    # The leaves and the flow at the gates' areas, exactly as the oracle counts them.
    stored_leaves = {k: v for k, v in rows.items() if LEAF.match(k[0]) and k[1] != MEDIAN}
    assert stored_leaves == {k: v for k, v in leaves.items() if not k[1].startswith("flow_")}
    # The median at every node, from the errands themselves.
    assert {k[0]: v for k, v in rows.items() if k[1] == MEDIAN} == stats_oracle.medians(day)
    # Every area: the sum of its children (plus the flow its own gates counted).
    sums: dict[tuple[str, str], int] = defaultdict(int)
    for (path, metric), value in rows.items():
        if metric != MEDIAN and parent_of(path) in areas:
            sums[(parent_of(path), metric)] += value
    for key, value in flows.items():
        sums[key] += value
    assert {k: v for k, v in rows.items() if k[0] in areas and k[1] != MEDIAN} == {
        k: v for k, v in sums.items() if v
    }
    # Levels and grids as the nodes say.
    for r in DailyStat.objects.filter(day=day):
        leaf = LEAF.match(r.path)
        if leaf:
            assert (r.level, r.grid_id or 0) == (NodeLevel.GRID, int(leaf["grid"]))
        else:
            assert (r.level, r.grid_id) == (areas[r.path].level, None)
    return len(rows)


@pytest.mark.parametrize("seed", range(8))
def test_a_past_day_agrees_with_the_oracle_and_every_node_is_the_sum_of_its_children(db, seed):
    now = at(DAY + datetime.timedelta(days=2), 9)
    with time_machine.travel(now, tick=False):
        build_city(seed, DAY)
        written = compute_day(day=DAY)
        assert written == check(DAY, now)
        assert written > 0


@pytest.mark.parametrize("seed", range(8, 12))
def test_today_so_far_agrees_with_the_oracle_at_13h(db, seed):
    now = at(DAY, 13, 30)  # the morning call windows have ended, the afternoon ones have not
    with time_machine.travel(now, tick=False):
        build_city(seed, DAY)
        assert compute_day(day=DAY) == check(DAY, now)
