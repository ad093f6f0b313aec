"""Read-side lists of the epidemic app, always scoped with visible_to(user)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from lianfang.epi.models import Quarantine, QuarantineStatus


def _active(user: Any) -> QuerySet:
    return (
        Quarantine.objects.visible_to(user)
        .filter(status=QuarantineStatus.ACTIVE)
        .select_related("resident", "household", "room__facility", "lockdown")
    )


def quarantines_due(user: Any, today: datetime.date | None = None) -> dict[str, QuerySet]:
    """Active quarantines whose last day is today, tomorrow, or already past (not released yet)."""
    today = today or timezone.localdate()
    base = _active(user)
    return {
        "ends_today": base.filter(planned_end=today).order_by("household__label", "resident__name", "id"),
        "ends_tomorrow": base.filter(planned_end=today + datetime.timedelta(days=1)).order_by(
            "household__label", "resident__name", "id"
        ),
        "overdue": base.filter(planned_end__lt=today).order_by("planned_end", "household__label", "id"),
    }


def active_quarantines(user: Any, household_id: int | None = None) -> QuerySet:
    qs = _active(user)
    if household_id is not None:
        qs = qs.filter(household_id=household_id)
    return qs.order_by("planned_end", "household__label", "id")
