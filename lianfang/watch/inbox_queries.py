"""Reading the alert inbox: its tabs, the open count of the header, the health worker's referrals.

Every read goes through `Alert.objects.visible_to(user)` (grid workers: their grid's alerts). Pages are
keyset pages by id, newest first (`before=<id>`), of at most PAGE rows: no COUNT over the table, except the
open count (unresolved alerts in scope), one COUNT on the partial index of unresolved alerts.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianfang.core.alerts import DEFAULT_RESPOND_MINUTES, parent_path, path_prefixes, policy_table
from lianfang.core.models import UNRESOLVED_ALERT_STATUSES, Alert, AlertKind, AlertStatus
from lianfang.core.roles import HANDLE_ALERTS, Role
from lianfang.places.models import Area

PAGE = 50
MAX_PAGE = 100


class Tab:
    MINE = "mine"  # for me: my area's own alerts (handler_path is my area), or assigned to me
    OPEN = "open"  # everything unresolved in my scope
    RESOLVED = "resolved"


TABS = (Tab.MINE, Tab.OPEN, Tab.RESOLVED)


def alerts_for(user: Any) -> QuerySet:
    return Alert.objects.visible_to(user)


def tab_queryset(user: Any, tab: str) -> QuerySet:
    """The alerts of one tab, before filters and paging. 'For me': for a grid worker, their grid's
    unresolved alerts; for staff of an area, the unresolved alerts their area must answer now (its own,
    or passed up to it) and those assigned to them."""
    qs = alerts_for(user)
    if tab == Tab.RESOLVED:
        return qs.filter(status=AlertStatus.RESOLVED)
    qs = qs.filter(status__in=UNRESOLVED_ALERT_STATUSES)
    if tab == Tab.MINE and user.role != Role.GRID:
        mine = Q(assigned_to=user)
        if user.scope_path:
            mine |= Q(handler_path=user.scope_path)
        qs = qs.filter(mine)
    return qs


@dataclass
class InboxPage:
    rows: list[Alert]
    next_before: int | None  # the `before` of the next page, None on the last


def inbox_page(
    user: Any,
    *,
    tab: str,
    kind: str = "",
    severity: str = "",
    before: int | None = None,
    limit: int = PAGE,
) -> InboxPage:
    """One keyset page of a tab (newest first), filtered by kind and severity."""
    qs = tab_queryset(user, tab)
    if kind:
        qs = qs.filter(kind=kind)
    if severity:
        qs = qs.filter(severity=severity)
    if before is not None:
        qs = qs.filter(pk__lt=before)
    limit = max(1, min(limit, MAX_PAGE))
    rows = list(
        qs.select_related("household", "household__compound", "assigned_to").order_by("-id")[: limit + 1]
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return InboxPage(rows=rows, next_before=rows[-1].pk if more else None)


def open_count(user: Any) -> int:
    """Unresolved alerts in the user's scope: one COUNT (on the partial index of unresolved alerts by path,
    or a grid worker's grid)."""
    return alerts_for(user).filter(status__in=UNRESOLVED_ALERT_STATUSES).count()


def handles_alerts(user: Any) -> bool:
    return HANDLE_ALERTS.allows(user)


@dataclass
class Timing:
    """How an unresolved alert stands against its response time, for a row of the inbox."""

    age: datetime.timedelta
    left: datetime.timedelta | None  # time left to acknowledge (open alerts only)
    overdue: bool


def timing(alert: Alert, now: datetime.datetime) -> Timing:
    waiting = alert.status == AlertStatus.OPEN and alert.respond_by is not None
    left = alert.respond_by - now if waiting and alert.respond_by else None
    return Timing(
        age=now - alert.created_at, left=left, overdue=left is not None and left.total_seconds() < 0
    )


def with_timing(alerts: list[Alert], now: datetime.datetime | None = None) -> list[Alert]:
    """Each alert with `.timing` set (for templates)."""
    now = now or timezone.now()
    for a in alerts:
        a.timing = timing(a, now)  # type: ignore[attr-defined]
    return alerts


HOME_ROWS = 30


def health_referrals(user: Any) -> dict[str, list[Alert]]:
    """The health worker's home: the unresolved alerts assigned to them (an early warning a commander sent
    them, whatever its kind), then the fever referrals and unreached households of their community, newest
    first (HOME_ROWS of each, a query each)."""
    unresolved = alerts_for(user).filter(status__in=UNRESOLVED_ALERT_STATUSES)
    lists = {
        "mine": with_timing(
            list(
                unresolved.filter(assigned_to=user)
                .select_related("household", "household__compound")
                .order_by("-id")[:HOME_ROWS]
            )
        )
    }
    for name, kind in (("fevers", AlertKind.FEVER), ("unreachable", AlertKind.UNREACHABLE)):
        rows = unresolved.filter(kind=kind).select_related("household", "household__compound").order_by("-id")
        lists[name] = with_timing(list(rows[:HOME_ROWS]))
    return lists


@dataclass
class PolicyRow:
    kind: str
    label: str
    own: int | None  # the area's own response time, if it sets one
    inherited: int  # what applies without it: the nearest policy above, else the default
    source: str  # where `inherited` comes from: an area's name, or "default"


def policy_rows(area: Any) -> list[PolicyRow]:
    """The response time of each kind at `area`: its own, and the one it inherits (two queries)."""
    table = policy_table()
    above = parent_path(area.path)
    names = dict(Area.objects.filter(path__in=path_prefixes(area.path)).values_list("path", "name"))
    rows = []
    for kind, label in AlertKind.choices:
        source = str(_("default"))
        inherited = DEFAULT_RESPOND_MINUTES.get(kind, 240)
        for prefix in reversed(path_prefixes(above) if above else []):
            if (prefix, kind) in table:
                inherited, source = table[(prefix, kind)], names.get(prefix, prefix)
                break
        rows.append(PolicyRow(kind, str(label), table.get((area.path, kind)), inherited, source))
    return rows
