"""Shared care fixtures, small enough to count by eye (on top of the `world` of lianfang/conftest.py).

- `today`: the real local date (epi's hold and the care team use it), `at(hour, minute=0, days=0)`: an
  aware datetime on today (+days) for `now=`.
- `leader`: a command-role user of the world's street (the team's leader).
- `volunteer_a`: a volunteer of community A.
- `held_a1`: household_a1 (3栋1单元101, grid A1, 张三) in a 14-day home quarantine from today, started by
  the health worker of A; epi's holds_changed opened its care team with the four members (leader, staff_a
  as secretary, grid_a1_worker, health_a). Fields: household, quarantine, team.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from lianfang.conftest import PASSWORD


@pytest.fixture
def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def at(today):
    def _at(hour: int, minute: int = 0, days: int = 0) -> datetime.datetime:
        day = today + datetime.timedelta(days=days)
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))

    return _at


def make_user(username: str, role: str, **scope):
    from lianfang.accounts.models import User

    return User.objects.create_user(username=username, password=PASSWORD, role=role, name=username, **scope)


@pytest.fixture
def leader(world):
    from lianfang.core.roles import Role

    return make_user("leader_street", Role.COMMAND, area=world.street)


@pytest.fixture
def volunteer_a(world):
    from lianfang.core.roles import Role

    return make_user("volunteer_a", Role.VOLUNTEER, area=world.community_a)


def quarantine_home(world, resident, today, days: int = 14, by=None):
    from lianfang.epi.models import QuarantineKind, QuarantineReason
    from lianfang.epi.services import start_quarantine

    return start_quarantine(
        user=by or world.health_a,
        resident=resident,
        kind=QuarantineKind.HOME,
        reason=QuarantineReason.CONTACT,
        start=today,
        days=days,
        today=today,
    )


@pytest.fixture
def held_a1(world, leader, today):
    from lianfang.care.models import CareTeam

    q = quarantine_home(world, world.zhang_san, today)
    household = world.household_a1
    household.refresh_from_db()
    return SimpleNamespace(household=household, quarantine=q, team=CareTeam.objects.get(household=household))
