"""Volunteers of community A (accepted, with accounts), a roster rule for A's east gate (东门), and a helper
that makes shifts at given local times."""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Any

import pytest

from lianfang.conftest import id_for
from lianfang.mobilize.models import RosterRule, Shift, VolunteerKind
from lianfang.mobilize.services import ReportIn, accept_volunteer, report_in

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def local(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime.datetime:
    return datetime.datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


def make_volunteer(world: Any, seq: int, *, community: Any = None, name: str = "") -> Any:
    community = community or world.community_a
    v = report_in(
        user=None,
        data=ReportIn(
            community=community.code,
            name=name or f"志愿者{seq}",
            phone=f"1390000{seq:04d}",
            id_number=id_for(datetime.date(1985, 3, 1), 100 + seq, "M"),
            kind=VolunteerKind.VOLUNTEER,
            skills="gate",
        ),
    )
    staff = world.staff_a if community == world.community_a else world.staff_b
    return accept_volunteer(user=staff, volunteer=v.pk).volunteer


@pytest.fixture
def volunteers(world):
    """Three active volunteers of community A (with accounts)."""
    return [make_volunteer(world, i) for i in range(1, 4)]


@pytest.fixture
def rule(world):
    return RosterRule.objects.create(
        gate=world.gate_a, path=world.gate_a.path, people_per_shift=1, pattern="3x8"
    )


def add_shift(
    world: Any, start: datetime.datetime, hours: int = 8, needed: int = 1, gate: Any = None
) -> Shift:
    gate = gate or world.gate_a
    return Shift.objects.create(
        gate=gate,
        path=gate.path,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=hours),
        needed=needed,
    )
