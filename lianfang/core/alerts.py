"""Raising alerts: every app calls `raise_alert` (one) or `raise_alerts` (many, in bulk). The watch app's
inbox acknowledges, assigns, resolves and escalates them.

An alert with a `dedup_key` is raised once: the same signal for the same area and day (the key says which:
`fever:<household>:<day>`, `ews:<detector>:<path>:<day>`) is one alert, however often it is signalled.
Each new alert gets its first history step (raised) and the time by which its area's staff must acknowledge
it: the response minutes of its kind from the nearest `AlertPolicy` on its path (a community's own, else
its street's, district's, city's), else `DEFAULT_RESPOND_MINUTES`.

Saving is one SQL statement (`INSERT ... ON CONFLICT (dedup_key) DO NOTHING` with the 'raised' steps of the
rows it inserted, in a data-modifying WITH), so that a key raised meanwhile by another transaction is
skipped without an error, and a fever at the gate costs its scan one statement. The policies are read
from the cache (`policy_table`, POLICY_CACHE_SECONDS; a save or delete of a policy clears it).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction
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
    AlertKind.CALL_UNFILLED: 120,
    AlertKind.LOW_STOCK: 24 * 60,
    AlertKind.OTHER: 240,
}

POLICY_CACHE_KEY = "core:alert-policies"
POLICY_CACHE_SECONDS = 30
BATCH = 1000  # rows per INSERT (about 25 parameters a row; PostgreSQL takes 65,535 per statement)


def path_prefixes(path: str) -> list[str]:
    """'a.b.c.' -> ['a.', 'a.b.', 'a.b.c.'] (the areas above a path, and itself)."""
    codes = [c for c in path.split(".") if c]
    return [".".join(codes[: i + 1]) + "." for i in range(len(codes))]


def parent_path(path: str) -> str | None:
    """'a.b.c.' -> 'a.b.'; the root of the tree ('a.') has none."""
    prefixes = path_prefixes(path)
    return prefixes[-2] if len(prefixes) > 1 else None


def policy_table() -> dict[tuple[str, str], int]:
    """Every AlertPolicy as {(area path, kind): minutes}: a city sets a few hundred at most, so the whole
    table is read at once and kept in the cache for POLICY_CACHE_SECONDS (`clear_policy_cache` on a change;
    with a per-process cache, other processes catch up within that time)."""
    table: dict[tuple[str, str], int] | None = cache.get(POLICY_CACHE_KEY)
    if table is None:
        rows = AlertPolicy.objects.values_list("area__path", "kind", "respond_minutes")
        table = {(path, kind): minutes for path, kind, minutes in rows}
        cache.set(POLICY_CACHE_KEY, table, POLICY_CACHE_SECONDS)
    return table


def clear_policy_cache(*_args: Any, **_kwargs: Any) -> None:
    """A signal receiver (core/apps.py): an AlertPolicy was saved or deleted."""
    cache.delete(POLICY_CACHE_KEY)


def respond_minutes(path: str, kind: str, table: dict[tuple[str, str], int] | None = None) -> int:
    """The response time of `kind` at `path`: the deepest AlertPolicy on the path, else the default."""
    table = policy_table() if table is None else table
    for prefix in reversed(path_prefixes(path)):
        minutes = table.get((prefix, kind))
        if minutes is not None:
            return minutes
    return DEFAULT_RESPOND_MINUTES.get(kind, 240)


def respond_minutes_at(paths: Iterable[str], kind: str) -> dict[str, int]:
    """`respond_minutes` of many paths (for alerts raised in bulk), from one read of the policies."""
    table = policy_table()
    return {path: respond_minutes(path, kind, table) for path in set(paths)}


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


def _insert(alerts: Sequence[Alert], again_note: str = "") -> list[Alert]:
    """One statement: insert the alerts whose key is free, with a 'raised' step each; return those inserted.
    A batch takes its ids from the sequence first (one more statement), so that the answer says which rows
    went in. `again_note` (one alert only): when its key was raised before, that alert gets a 'signalled
    again' step with this note instead."""
    alert_table, event_table = Alert._meta.db_table, AlertEvent._meta.db_table
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        if len(alerts) > 1:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [alert_table, len(alerts)],
            )
            for alert, (pk,) in zip(alerts, cursor.fetchall(), strict=True):
                alert.pk = pk
        fields = [f for f in Alert._meta.concrete_fields if not (f.primary_key and alerts[0].pk is None)]
        row = "(" + ", ".join(["%s"] * len(fields)) + ")"
        params: list[Any] = [
            f.get_db_prep_save(getattr(a, f.attname), connection) for a in alerts for f in fields
        ]
        params.append(AlertEventKind.RAISED)
        again = ""
        if again_note and len(alerts) == 1 and alerts[0].dedup_key:
            # The row the key already names is in this statement's snapshot; a row inserted by `a` is not.
            again = (
                f", r AS (INSERT INTO {q(event_table)} (alert_id, kind, note, at) "
                f"SELECT id, %s, %s, %s FROM {q(alert_table)} WHERE dedup_key = %s)"
            )
            params += [AlertEventKind.REPEATED, str(again_note)[:500], timezone.now(), alerts[0].dedup_key]
        sql = (
            f"WITH a AS (INSERT INTO {q(alert_table)} ({', '.join(q(str(f.column)) for f in fields)}) "
            f"VALUES {', '.join([row] * len(alerts))} "
            "ON CONFLICT (dedup_key) DO NOTHING RETURNING id, created_at), "
            f"e AS (INSERT INTO {q(event_table)} (alert_id, kind, note, at) "
            f"SELECT id, %s, '', created_at FROM a){again} SELECT id FROM a"
        )
        cursor.execute(sql, params)
        inserted = {pk for (pk,) in cursor.fetchall()}
    saved = []
    for alert in alerts:
        if len(alerts) == 1 and inserted:
            alert.pk = next(iter(inserted))
        if alert.pk in inserted:
            alert._state.adding, alert._state.db = False, connection.alias
            saved.append(alert)
    return saved


@transaction.atomic
def raise_alerts(alerts: Sequence[Alert]) -> list[Alert]:
    """Save the alerts whose dedup_key is not taken yet (in bulk), each with its 'raised' step; return the
    ones saved. Alerts without a key are always saved."""
    fresh: list[Alert] = []
    seen: set[str] = set()
    for a in alerts:
        if a.dedup_key:
            if a.dedup_key in seen:
                continue
            seen.add(a.dedup_key)
        fresh.append(a)
    saved: list[Alert] = []
    for start in range(0, len(fresh), BATCH):
        saved += _insert(fresh[start : start + BATCH])
    return saved


def raise_alert(*, again_note: str = "", **fields: Any) -> Alert | None:
    """Raise one alert (the fields of `new_alert`) in one statement; None when its dedup_key was raised
    before — then, given `again_note`, that alert gets a 'signalled again' step with it."""
    saved = _insert([new_alert(**fields)], again_note=again_note)
    return saved[0] if saved else None
