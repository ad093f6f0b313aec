"""Shared pieces of the epi services: dates, days, the scoped read of a person, and the set-based writes
(change records, quarantines ended) used by services, lockdowns and quarantines."""

from __future__ import annotations

import datetime
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
    QuarantineStatus,
)
from lianfang.people.models import Resident

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
