"""Alerts for care calls and errands past their time, one per window / errand (idempotent through
Alert.source_type/source_id), for the staff of the household's area."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import CharField, Exists, OuterRef
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from lianfang.care.calls import board_slots
from lianfang.care.common import local_date, now_or
from lianfang.care.errands import PENDING_ERRAND_STATUSES
from lianfang.care.models import CallWindow, CareTeam, Errand
from lianfang.care.policy import care_policies
from lianfang.care.teams import end_finished_teams
from lianfang.core.alerts import new_alert, raise_alerts
from lianfang.core.models import Alert, AlertKind, AlertSeverity
from lianfang.places.models import Household

CALL_SOURCE = "care_call_window"
ERRAND_SOURCE = "errand"


@transaction.atomic
def create_overdue_alerts(now: datetime.datetime | None = None) -> dict[str, int]:
    """End teams whose hold ran out, then raise one CALL_OVERDUE alert per overdue window (of today and
    yesterday, as the board finds them: calls.board_slots; key `call_overdue:<household>:<day>:<window>`)
    and one ERRAND_OVERDUE alert per errand past due (key `errand_overdue:<errand>`); a second run raises
    nothing new (the keys are taken)."""
    now = now_or(now)
    end_finished_teams(local_date(now))
    overdue = board_slots(CareTeam.objects.all(), now, care_policies(None), limit=None).overdue
    calls = raise_alerts(
        [
            _alert(
                kind=AlertKind.CALL_OVERDUE,
                title=_("Care call overdue: {label}").format(label=slot.household.label),
                detail=_("The {window} call of {date} ({start}-{end}) was not made.").format(
                    window=CallWindow(slot.window).label,
                    date=slot.date,
                    start=slot.starts_at.strftime("%H:%M"),
                    end=slot.ends_at.strftime("%H:%M"),
                ),
                household=slot.household,
                source_type=CALL_SOURCE,
                source_id=slot.source_id,
                created_at=now,
            )
            for slot in overdue
        ]
    )
    alerted = Alert.objects.filter(
        kind=AlertKind.ERRAND_OVERDUE,
        source_type=ERRAND_SOURCE,
        source_id=Cast(OuterRef("pk"), output_field=CharField()),
    )
    late = (
        Errand.objects.filter(status__in=PENDING_ERRAND_STATUSES, due_at__lt=now)
        .exclude(Exists(alerted))
        .select_related("household")
    )
    errands = raise_alerts(
        [
            _alert(
                kind=AlertKind.ERRAND_OVERDUE,
                title=_("Errand overdue: {label} {category}").format(
                    label=e.household.label, category=e.get_category_display()
                ),
                detail=_("{details}. Due {due}.").format(
                    details=e.details, due=e.due_at.strftime("%Y-%m-%d %H:%M")
                ),
                household=e.household,
                source_type=ERRAND_SOURCE,
                source_id=str(e.pk),
                created_at=now,
            )
            for e in late
        ]
    )
    return {"calls": len(calls), "errands": len(errands)}


def _alert(*, kind: str, household: Household, source_id: str, **fields: Any) -> Alert:
    """An overdue alert (a warning) for the household's area and grid, keyed by kind and source."""
    return new_alert(
        kind=kind,
        severity=AlertSeverity.WARNING,
        path=household.path,
        household_id=household.pk,
        grid_id=household.grid_id,
        source_id=source_id,
        dedup_key=f"{kind}:{source_id}",
        **fields,
    )
