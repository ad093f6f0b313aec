"""Escalation, step by step, of the recipients who have not acknowledged a live notice (households only):

- step 0, in the app (the row itself, from publishing);
- after the in-app policy's `escalate_minutes` since publishing: step 1, an SMS to the household's mobile;
- after as long again: step 2, a door-to-door task on the grid worker's list (`door_to_door_for`), done when
  the worker records the signed slip (services.record_slip) or the household acknowledges.

`escalate_due(now)` runs every few minutes on the worker; each step is one UPDATE … RETURNING, so a step is
taken once however often it runs. It also marks notices past their expiry as expired.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from lianfang.notices import outbox
from lianfang.notices.models import Channel, EscalationStep, Notice, NoticeStatus, Recipient
from lianfang.notices.policies import policy_for


def _live(now: datetime.datetime) -> Any:
    return Notice.objects.filter(status=NoticeStatus.PUBLISHED).exclude(expires_at__lte=now)


@transaction.atomic
def escalate_due(*, now: datetime.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    expired = Notice.objects.filter(status=NoticeStatus.PUBLISHED, expires_at__lte=now).update(
        status=NoticeStatus.EXPIRED
    )
    after = datetime.timedelta(minutes=policy_for(Channel.APP).escalate_minutes)
    open_rows = Recipient.objects.filter(acknowledged_at__isnull=True, household__isnull=False)
    to_sms = 0
    for notice in _live(now).filter(published_at__lte=now - after):
        ids = list(open_rows.filter(notice=notice, step=EscalationStep.APP).values_list("pk", flat=True))
        if ids:
            Recipient.objects.filter(pk__in=ids).update(step=EscalationStep.SMS, stepped_at=now)
            outbox.queue_sms(recipient_ids=ids, notice=notice, key="esc1", now=now, reminder=True)
            to_sms += len(ids)
    to_door = open_rows.filter(
        notice__in=_live(now), step=EscalationStep.SMS, stepped_at__lte=now - after
    ).update(step=EscalationStep.DOOR, stepped_at=now)
    return {"expired": expired, "sms": to_sms, "door": to_door}


def door_to_door_for(user: Any, *, limit: int = 100) -> list[Recipient]:
    """The grid worker's door-to-door tasks: households of their grid at the last step, not acknowledged,
    of live notices."""
    if not getattr(user, "grid_id", None):
        return []
    now = timezone.now()
    return list(
        Recipient.objects.visible_to(user)
        .filter(step=EscalationStep.DOOR, acknowledged_at__isnull=True, notice__in=_live(now))
        .select_related("notice", "household", "household__compound")
        .order_by("stepped_at", "id")[:limit]
    )
