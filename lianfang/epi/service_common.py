"""Shared pieces of the epi services: dates, days, the scoped read of a person, and the set-based writes
(holds recomputed, change records, quarantines ended) used by services, lockdowns and quarantines."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.core.errors import DomainError
from lianfang.core.roles import EDIT_EPI
from lianfang.core.scoping import authorize_write
from lianfang.core.scoping import not_found as _not_found
from lianfang.epi.models import (
    QuarantineChange,
    QuarantineKind,
    QuarantineStatus,
)
from lianfang.epi.signals import holds_changed
from lianfang.people.models import Resident
from lianfang.places.models import Household

MIN_TEMP, MAX_TEMP = Decimal("34.0"), Decimal("43.0")
MAX_DAYS = 366
UNCHANGED: Any = ...


# ------------------------------------------------------------------ helpers
def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


def _days(days: Any, default: int, field: str = "days") -> int:
    if days is None or days == "":
        return default
    try:
        value = int(days)
    except (TypeError, ValueError):
        raise DomainError("bad_days", _("The number of days must be a whole number."), field=field) from None
    if not 1 <= value <= MAX_DAYS:
        raise DomainError(
            "bad_days", _("The number of days must be between 1 and {max}.").format(max=MAX_DAYS), field=field
        )
    return value


def _not_in_future(value: datetime.date | None, today: datetime.date, field: str) -> None:
    if value is not None and value > today:
        raise DomainError(
            "date_in_future", _("The date {date} is in the future.").format(date=value), field=field
        )


def _visible_resident(user: Any, resident: Resident | int) -> Resident:
    """The person, read through visible_to after the role check (403 first, then 404)."""
    authorize_write(user, action=EDIT_EPI)
    pk = resident.pk if isinstance(resident, Resident) else resident
    found = Resident.objects.visible_to(user).filter(pk=pk).select_related("household").first()
    if found is None:
        raise _not_found()
    return found


def _reason_text(reason: str, field: str = "reason") -> str:
    text = " ".join(str(reason or "").split())
    if not text:
        raise DomainError("reason_required", _("Please give a reason."), field=field)
    return text[:200]


# A correlated subquery on purpose: each target household looks up its own active home quarantines on
# the (household, status) index, a plan PostgreSQL picks even on tables it has no statistics for yet.
# (An UPDATE ... FROM (GROUP BY) join was planned as nested loops over seq scans on fresh tables and ran
# for minutes on a few thousand households.)
_LAST_END = """(SELECT MAX(q.planned_end) FROM epi_quarantine q
                WHERE q.household_id = places_household.id AND q.status = %s AND q.kind = %s)"""
HOLD_SQL = f"""
UPDATE places_household SET exits_held_until = {_LAST_END}
WHERE places_household.id IN ({{targets}})
  AND places_household.exits_held_until IS DISTINCT FROM {_LAST_END}
"""


HOLD_CHUNK = 5000


def _ids(household_ids: Iterable[Any] | QuerySet) -> list[int]:
    """Plain ids from ids, or from a queryset of household ids (values(), values_list(), flat or not)."""
    ids: set[int] = set()
    for value in household_ids:
        if isinstance(value, dict):
            value = next(iter(value.values()), None)
        elif isinstance(value, tuple):
            value = value[0] if value else None
        elif isinstance(value, Household):
            value = value.pk
        if value is not None:
            ids.add(int(value))
    return sorted(ids)


def recompute_holds(household_ids: Iterable[Any] | QuerySet) -> None:
    """Household.exits_held_until = the latest planned end of its active home quarantines (None when
    there are none), for all the households given (ids, or a queryset of household ids), in one
    set-based UPDATE that only writes the rows that change. Portable: PostgreSQL and SQLite >= 3.39.

    The ids are read once and passed as a plain list: nested `IN (subquery)` filters on tables that
    PostgreSQL has no statistics for yet (a fresh database, a bulk load in progress) were planned as
    nested loops over whole tables and took minutes."""
    ids = _ids(household_ids)
    if not ids:
        return
    with connection.cursor() as cursor:
        for i in range(0, len(ids), HOLD_CHUNK):  # bound the statement's parameters (SQLite: 32,766)
            chunk = ids[i : i + HOLD_CHUNK]
            cursor.execute(
                HOLD_SQL.format(targets=", ".join(["%s"] * len(chunk))),
                [QuarantineStatus.ACTIVE.value, QuarantineKind.HOME.value]
                + chunk
                + [QuarantineStatus.ACTIVE.value, QuarantineKind.HOME.value],
            )
    holds_changed.send(sender=Household, household_ids=ids)


def _record_changes(
    source: QuerySet,
    kind: str,
    *,
    old_end: str = "NULL",
    new_end: str = "NULL",
    new_end_value: datetime.date | None = None,
    note: str = "",
    user: Any = None,
) -> int:
    """One QuarantineChange per quarantine of `source`, in one INSERT ... SELECT. `old_end`/`new_end`
    are "q.planned_end", "NULL" or "%s" (then `new_end_value`)."""
    sub_sql, sub_params = source.values("id", "planned_end").query.sql_with_params()
    ops = connection.ops
    params: list[Any] = [kind]
    if old_end == "%s" or new_end == "%s":
        params.append(ops.adapt_datefield_value(new_end_value))
    by = _by(user)
    params += [note[:200], by.pk if by else None, ops.adapt_datetimefield_value(timezone.now()), *sub_params]
    sql = (
        "INSERT INTO epi_quarantinechange (quarantine_id, kind, old_end, new_end, room_id, note, by_id, at) "
        f"SELECT q.id, %s, {old_end}, {new_end}, NULL, %s, %s, %s FROM ({sub_sql}) q"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _end_quarantines(
    qs: QuerySet, *, status: str, today: datetime.date, note: str, user: Any
) -> tuple[int, list[int]]:
    """End the active quarantines of `qs` set-based (an END record each, then one UPDATE); returns how
    many, and the households to recompute."""
    active = qs.filter(status=QuarantineStatus.ACTIVE)
    households = sorted(set(active.exclude(household=None).values_list("household_id", flat=True)))
    _record_changes(active, QuarantineChange.Kind.END, old_end="q.planned_end", note=note, user=user)
    ended = active.update(status=status, ended_on=today, end_note=note[:200])
    return ended, households


def _by(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None
