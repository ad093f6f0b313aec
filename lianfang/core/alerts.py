"""Raising alerts: every app calls `raise_alert` (one) or `raise_alerts` (many, in bulk). The watch app's
inbox acknowledges, assigns, resolves and escalates them.

An alert with a `dedup_key` is raised once: the same signal for the same area and day (the key says which:
`fever:<household>:<day>`, `ews:<detector>:<path>:<day>`) is one alert, however often it is signalled.
Each new alert gets its first history step (raised) and the time by which its area's staff must acknowledge
it: the response minutes of its kind from the nearest `AlertPolicy` on its path (a community's own, else
its street's, district's, city's), else `DEFAULT_RESPOND_MINUTES`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from lianfang.core.models import Alert, AlertEvent, AlertEventKind, AlertKind, AlertPolicy, AlertSeverity

# Minutes within which an alert of each kind must be acknowledged, where no policy says otherwise.
DEFAULT_RESPOND_MINUTES: dict[str, int] = {
    AlertKind.FEVER: 30,
    AlertKind.HEALTH_CHECK: 60,
    AlertKind.CASE: 60,
    AlertKind.UNREACHABLE: 60,
    AlertKind.CALL_OVERDUE: 120,
    AlertKind.ERRAND_OVERDUE: 120,
    AlertKind.EARLY_WARNING: 240,
    AlertKind.REPORT_MISSING: 120,
    AlertKind.ROSTER_GAP: 240,
    AlertKind.LOW_STOCK: 24 * 60,
    AlertKind.OTHER: 240,
}


def path_prefixes(path: str) -> list[str]:
    """'a.b.c.' -> ['a.', 'a.b.', 'a.b.c.'] (the areas above a path, and itself)."""
    codes = [c for c in path.split(".") if c]
    return [".".join(codes[: i + 1]) + "." for i in range(len(codes))]


def respond_minutes(path: str, kind: str) -> int:
    """The response time of `kind` at `path`: the deepest AlertPolicy on the path, else the default."""
    return respond_minutes_at([path], kind)[path]


def respond_minutes_at(paths: Iterable[str], kind: str) -> dict[str, int]:
    """`respond_minutes` of many paths, in one query (for alerts raised in bulk)."""
    paths = set(paths)
    prefixes = {p for path in paths for p in path_prefixes(path)}
    rows = AlertPolicy.objects.filter(kind=kind, area__path__in=prefixes)
    policies = dict(rows.values_list("area__path", "respond_minutes"))
    default = DEFAULT_RESPOND_MINUTES.get(kind, 240)
    deepest = {path: [p for p in path_prefixes(path) if p in policies] for path in paths}
    return {path: policies[found[-1]] if found else default for path, found in deepest.items()}


def new_alert(
    *,
    kind: str,
    title: str,
    path: str,
    detail: str = "",
    severity: str = AlertSeverity.WARNING,
    household_id: int | None = None,
    grid_id: int | None = None,
    source_type: str = "",
    source_id: str = "",
    dedup_key: str | None = None,
    created_at: datetime.datetime | None = None,
    minutes: int | None = None,
) -> Alert:
    """An unsaved alert with its handler and response time filled in (for `raise_alerts`); `minutes`, when
    given, is its response time already looked up (`respond_minutes_at`)."""
    at = created_at or timezone.now()
    return Alert(
        kind=kind,
        title=str(title)[:200],
        detail=str(detail),
        path=path,
        handler_path=path,
        severity=severity,
        household_id=household_id,
        grid_id=grid_id,
        source_type=source_type,
        source_id=source_id,
        dedup_key=dedup_key,
        created_at=at,
        respond_by=at
        + datetime.timedelta(minutes=respond_minutes(path, kind) if minutes is None else minutes),
    )


@transaction.atomic
def raise_alerts(alerts: Sequence[Alert]) -> list[Alert]:
    """Save the alerts whose dedup_key is not taken yet (in bulk), each with its 'raised' step; return the
    ones saved. Alerts without a key are always saved."""
    keys = [a.dedup_key for a in alerts if a.dedup_key]
    taken = set(Alert.objects.filter(dedup_key__in=keys).values_list("dedup_key", flat=True))
    fresh: list[Alert] = []
    seen: set[str] = set()
    for a in alerts:
        if a.dedup_key:
            if a.dedup_key in taken or a.dedup_key in seen:
                continue
            seen.add(a.dedup_key)
        fresh.append(a)
    if not fresh:
        return []
    try:
        with transaction.atomic():
            saved: list[Alert] = Alert.objects.bulk_create(fresh)
    except IntegrityError:  # a key raised meanwhile by another transaction: save one by one
        saved = []
        for a in fresh:
            try:
                with transaction.atomic():
                    a.save(force_insert=True)
                saved.append(a)
            except IntegrityError:
                continue
    AlertEvent.objects.bulk_create(
        [AlertEvent(alert=a, kind=AlertEventKind.RAISED, at=a.created_at) for a in saved]
    )
    return saved


def raise_alert(**fields: Any) -> Alert | None:
    """Raise one alert (the fields of `new_alert`); None when its dedup_key was raised before."""
    saved = raise_alerts([new_alert(**fields)])
    return saved[0] if saved else None
