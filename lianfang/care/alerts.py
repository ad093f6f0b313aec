"""Alerts for care calls and errands past their time, one per window / errand (idempotent through
Alert.source_type/source_id), for the staff of the household's area."""

from __future__ import annotations

import datetime

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
from lianfang.core.models import Alert, AlertKind

CALL_SOURCE = "care_call_window"
ERRAND_SOURCE = "errand"


@transaction.atomic
def create_overdue_alerts(now: datetime.datetime | None = None) -> dict[str, int]:
    """End teams whose hold ran out, then raise one CALL_OVERDUE alert per overdue window (of today and
    yesterday, as the board finds them: calls.board_slots) and one ERRAND_OVERDUE alert per errand past due;
    a second run raises nothing new."""
    now = now_or(now)
    end_finished_teams(local_date(now))
    overdue = board_slots(CareTeam.objects.all(), now, care_policies(None), limit=None).overdue
    since = now - datetime.timedelta(days=3)
    known = set(
        Alert.objects.filter(
            kind=AlertKind.CALL_OVERDUE, source_type=CALL_SOURCE, created_at__gte=since
        ).values_list("source_id", flat=True)
    )
    calls: list[Alert] = []
    for slot in overdue:
        if slot.source_id in known:
            continue
        h = slot.household
        calls.append(
            Alert(
                kind=AlertKind.CALL_OVERDUE,
                title=_("Care call overdue: {label}").format(label=h.label),
                detail=_("The {window} call of {date} ({start}-{end}) was not made.").format(
                    window=CallWindow(slot.window).label,
                    date=slot.date,
                    start=slot.starts_at.strftime("%H:%M"),
                    end=slot.ends_at.strftime("%H:%M"),
                ),
                path=h.path,
                household=h,
                source_type=CALL_SOURCE,
                source_id=slot.source_id,
                created_at=now,
            )
        )
    Alert.objects.bulk_create(calls)
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
    errands: list[Alert] = [
        Alert(
            kind=AlertKind.ERRAND_OVERDUE,
            title=_("Errand overdue: {label} {category}").format(
                label=e.household.label, category=e.get_category_display()
            ),
            detail=_("{details}. Due {due}.").format(
                details=e.details, due=e.due_at.strftime("%Y-%m-%d %H:%M")
            ),
            path=e.path,
            household_id=e.household_id,
            source_type=ERRAND_SOURCE,
            source_id=str(e.pk),
            created_at=now,
        )
        for e in late
    ]
    Alert.objects.bulk_create(errands)
    return {"calls": len(calls), "errands": len(errands)}
