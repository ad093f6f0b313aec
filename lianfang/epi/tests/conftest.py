"""Shared epi fixtures, small enough to count by eye (on top of the `world` of lianfang/conftest.py).

- `unit31`: unit 3栋1单元 of 阳光小区 with three households — 101 (张三, the world's), 102 (钱一, 钱二),
  201 (孙三) — and a household of the next unit, 3栋2单元101 (周四), that a unit lockdown leaves alone.
- `facility`: 淮南宾馆 in community A, room 101 (1 bed) and room 102 (2 beds).
- `case_a1`: a confirmed case of 张三 (household_a1), registered by the health worker of A today.
- `today`: the date tests pass as `today=` (the real local date, so the gate's server time agrees).
- `normal_checks(resident, days)`: two normal health checks on the given days (what release needs).
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from lianfang.people.services import ResidentData, create_resident
from lianfang.places.services import ensure_household


def add_residents(world, household, *names: str) -> list:
    return [
        create_resident(user=world.staff_a, household=household, data=ResidentData(name=n)) for n in names
    ]


@pytest.fixture
def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def unit31(world):
    """Unit 3栋1单元: 3 households, 4 residents; plus 3栋2单元101 next door (1 resident)."""
    h102 = ensure_household(compound=world.compound_a, building="3", unit="1", room="102")
    h201 = ensure_household(compound=world.compound_a, building="3", unit="1", room="201")
    next_door = ensure_household(compound=world.compound_a, building="3", unit="2", room="101")
    qian = add_residents(world, h102, "钱一", "钱二")
    sun = add_residents(world, h201, "孙三")
    zhou = add_residents(world, next_door, "周四")
    return SimpleNamespace(
        unit=world.household_a1.unit,
        building=world.household_a1.unit.building,
        households=[world.household_a1, h102, h201],
        residents=[world.zhang_san, *qian, *sun],
        next_door=next_door,
        next_door_resident=zhou[0],
    )


@pytest.fixture
def facility(world):
    from lianfang.epi.services import create_facility

    return create_facility(
        user=world.health_a,
        area=world.community_a,
        name="淮南宾馆",
        address="洞山中路1号",
        rooms=[("101", 1), ("102", 2)],
    )


@pytest.fixture
def case_a1(world, today):
    from lianfang.epi.models import CaseSource, CaseStatus
    from lianfang.epi.services import create_case

    return create_case(
        user=world.health_a,
        resident=world.zhang_san,
        status=CaseStatus.CONFIRMED,
        source=CaseSource.HOSPITAL,
        onset_date=today - datetime.timedelta(days=2),
        report_date=today,
        today=today,
    )


@pytest.fixture
def normal_checks(world):
    from lianfang.epi.services import record_health_check

    def _checks(resident, *days: datetime.date) -> list:
        return [
            record_health_check(
                user=world.health_a,
                resident=resident,
                temperature="36.5",
                symptoms=[],
                date=d,
                today=max(days),
            )
            for d in days
        ]

    return _checks
