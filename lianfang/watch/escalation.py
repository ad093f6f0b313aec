"""Escalation: an alert nobody acknowledged in time goes one level up the tree.

An OPEN alert past its `respond_by` moves its `handler_path` to the area above (a community's alert to its
street, then the district, then the city; an alert at a grid node `<community>g<grid>.` to its community
first), counts one more escalation, gets a new `respond_by` from the response time of its kind at the new
level (the nearest AlertPolicy on that path, `core.alerts.respond_minutes`) and an ESCALATED step naming
the new area. At the root of the tree (the city) it stays, overdue. Acknowledging stops it (only open
alerts escalate). The worker runs this every 5 minutes (`watch.tasks`).

Rows are taken in batches with `SELECT ... FOR UPDATE SKIP LOCKED`, so an alert being acknowledged right
now is left to that transaction; each batch uses the partial index on `respond_by` of open alerts.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.core.alerts import parent_path, policy_table, respond_minutes
from lianfang.core.models import Alert, AlertEvent, AlertEventKind, AlertStatus
from lianfang.places.models import Area

BATCH = 500
ROOT_PATH = r"^[^.]+\.$"  # a path of one code: the root of the tree, where escalation stops


def escalate_overdue_alerts(now: datetime.datetime | None = None) -> int:
    """Escalate every open alert past its response time by one level; returns how many moved. An alert
    escalated here gets a response time counted from `now`, so one run moves each alert once."""
    now = now or timezone.now()
    total = 0
    while True:
        moved = _escalate_batch(now)
        total += moved
        if moved < BATCH:
            return total


@transaction.atomic
def _escalate_batch(now: datetime.datetime) -> int:
    alerts = list(
        Alert.objects.filter(status=AlertStatus.OPEN, respond_by__lte=now)
        .exclude(handler_path="")
        .exclude(handler_path__regex=ROOT_PATH)
        .order_by("respond_by", "id")
        .select_for_update(skip_locked=True)
        .only("id", "kind", "handler_path", "escalations", "respond_by")[:BATCH]
    )
    if not alerts:
        return 0
    table = policy_table()
    steps = []
    uppers = {a.pk: parent_path(a.handler_path) or a.handler_path for a in alerts}
    names = dict(Area.objects.filter(path__in=set(uppers.values())).values_list("path", "name"))
    for alert in alerts:
        upper = uppers[alert.pk]
        alert.handler_path = upper
        alert.escalations += 1
        alert.respond_by = now + datetime.timedelta(minutes=respond_minutes(upper, alert.kind, table))
        note = _("Not acknowledged in time: passed up to {area}.").format(area=names.get(upper, upper))
        steps.append(AlertEvent(alert=alert, kind=AlertEventKind.ESCALATED, note=note, at=now))
    Alert.objects.bulk_update(alerts, ["handler_path", "escalations", "respond_by"])
    AlertEvent.objects.bulk_create(steps)
    return len(alerts)
