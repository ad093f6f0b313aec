"""The statistics tests' clock and world: the personas' world (lianfang/conftest.py) registered on
2026-03-01 at 10:00, and the tests run on 2026-03-12 at 09:00 (Asia/Shanghai), so that DAY, 2026-03-10,
is a whole past day."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from lianfang.conftest import make_world
from lianfang.watch.figures import node_path_for_grid
from lianfang.watch.models import DailyStat

DAY = datetime.date(2026, 3, 10)
REGISTERED = datetime.date(2026, 3, 1)
TODAY = datetime.date(2026, 3, 12)


def at(day: datetime.date, hour: int, minute: int = 0, second: int = 0) -> datetime.datetime:
    """An aware local time (Asia/Shanghai)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute, second)))


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def value(path: str, metric: str, day: datetime.date = DAY) -> int:
    """The stored figure, 0 without a row."""
    row = DailyStat.objects.filter(path=path, metric=metric, day=day).values_list("value", flat=True).first()
    return row or 0


def node(grid) -> str:
    return node_path_for_grid(grid.path, grid.pk)


def g0(area) -> str:
    return node_path_for_grid(area.path, None)


@pytest.fixture
def town(db):
    """The personas' world as registered on 2026-03-01, seen from 2026-03-12 09:00."""
    with time_machine.travel(at(REGISTERED, 10), tick=False):
        world = make_world()
    with time_machine.travel(at(TODAY, 9), tick=False):
        yield world
