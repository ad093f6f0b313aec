"""Helpers of the alert inbox's tests (plain functions, so that this part needs no conftest of its own):
alerts raised in the world of lianfang/conftest.py, and the users its personas lack."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from django.utils import timezone

from lianfang.accounts.models import User
from lianfang.conftest import PASSWORD
from lianfang.core.alerts import raise_alert
from lianfang.core.models import Alert, AlertKind, AlertSeverity

_keys = itertools.count(1)


def raise_in(
    world: Any,
    *,
    household: Any = None,
    kind: str = AlertKind.FEVER,
    severity: str = AlertSeverity.URGENT,
    at: datetime.datetime | None = None,
    path: str | None = None,
    title: str = "",
) -> Alert:
    """An alert of `household` (default: 张三's, community A, grid A1), with a fresh deduplication key."""
    household = world.household_a1 if household is None and path is None else household
    alert = raise_alert(
        kind=kind,
        severity=severity,
        title=title or f"{kind} {household.label if household else path}",
        path=path or household.path,
        household_id=household.pk if household else None,
        grid_id=household.grid_id if household else None,
        created_at=at or timezone.now(),
        dedup_key=f"test:{next(_keys)}",
    )
    assert alert is not None
    return alert


def make_user(username: str, role: str, **scope: Any) -> User:
    return User.objects.create_user(username=username, password=PASSWORD, role=role, name=username, **scope)


def local(day: str, hh: int = 9, mm: int = 0) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hh, mm))
    )
