"""Daily report fixtures, on top of the `world` of lianfang/conftest.py (city › district › street › A, B).

- The clock is frozen at 10:00 on DAY (2026-02-10, Asia/Shanghai) for every test here; `at(hour, minute)`
  gives an aware time on DAY for `now=` and for moving the clock.
- `stats(values_a, values_b, day=DAY)`: that day's statistics computed (a StatDay row) with the given figures
  of communities A and B (community-level DailyStat rows); figures not given are 0, as on a computed day.
- `street_chief`: the command centre of the world's street; `district_chief` of its district;
  `community_chief`: a command-role user whose area is community A itself (not above it).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
import time_machine
from django.utils import timezone

from lianfang.accounts.models import User
from lianfang.conftest import PASSWORD
from lianfang.core.roles import Role
from lianfang.watch.metrics import Metric
from lianfang.watch.models import DailyStat, NodeLevel, StatDay

DAY = datetime.date(2026, 2, 10)
FIGURES_A = {Metric.RESIDENTS: 2, Metric.HOUSEHOLDS: 2, Metric.FEVERS: 3, Metric.HOME_Q_CURRENT: 1}
FIGURES_B = {Metric.RESIDENTS: 1, Metric.HOUSEHOLDS: 1, Metric.FEVERS: 4, Metric.CASES_NEW: 1}


def local(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(local(DAY, 10), tick=False) as traveller:
        yield traveller


@pytest.fixture
def at():
    return lambda hour, minute=0: local(DAY, hour, minute)


def put_stats(world, values_a=None, values_b=None, day: datetime.date = DAY) -> None:
    StatDay.objects.update_or_create(day=day, defaults={"rows": 0})
    for community, values in ((world.community_a, values_a or {}), (world.community_b, values_b or {})):
        for metric, value in values.items():
            DailyStat.objects.update_or_create(
                path=community.path,
                day=day,
                metric=str(metric),
                defaults={"level": NodeLevel.COMMUNITY, "value": value},
            )


@pytest.fixture
def stats(world):
    def _stats(values_a=None, values_b=None, day: datetime.date = DAY) -> None:
        put_stats(world, values_a, values_b, day)

    return _stats


def make_user(username: str, role: str, **scope):
    return User.objects.create_user(username=username, password=PASSWORD, role=role, name=username, **scope)


@pytest.fixture
def street_chief(world):
    return make_user("street_chief", Role.COMMAND, area=world.street)


@pytest.fixture
def district_chief(world):
    return make_user("district_chief", Role.COMMAND, area=world.district)


@pytest.fixture
def community_chief(world):
    return make_user("community_chief", Role.COMMAND, area=world.community_a)
