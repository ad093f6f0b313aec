"""Attendance and hours: who came, when, for how long.

- Check-in to an accepted (or invited) assignment from CHECK_IN_EARLY before its shift starts until its end:
  by the volunteer (their login during that time does it: `check_in_on_login`), by the guard of the shift's
  gate at the checkpoint (the on-duty panel), or by community staff. Another gate's guard, or a time far
  from the shift, is refused.
- Check-out: by the same people; the periodic task checks out at the shift's end whoever is still in, and
  marks as no-show an accepted assignment nobody checked in NO_SHOW_AFTER after the start.
- Hours come from check-in and check-out, from attended calls (their window), and from hand-entered hours
  once staff approve them.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianfang.core.errors import DomainError
from lianfang.core.roles import APPROVE_HOURS, CHECK_IN_SHIFTS, ENTER_HOURS, MANAGE_ROSTER, Role
from lianfang.core.scoping import authorize_write, not_found
from lianfang.mobilize.models import (
    Assignment,
    AssignmentStatus,
    ClaimStatus,
    HoursEntry,
    HoursStatus,
    Volunteer,
    local_midnight,
)
from lianfang.mobilize.volunteers import _text, require_active, volunteer_of

CHECK_IN_EARLY = datetime.timedelta(minutes=30)
NO_SHOW_AFTER = datetime.timedelta(minutes=30)
MAX_ENTRY_DAYS_BACK = 31


def _assignment_for(user: Any, pk: int) -> Assignment:
    """The assignment `user` may check in or out: their own (volunteer), one of their gate's (guard), one of
    their area's (staff)."""
    qs = Assignment.objects.select_for_update(of=("self",)).select_related("shift__gate", "volunteer")
    if user.role == Role.VOLUNTEER and not user.is_superuser:
        found = qs.filter(pk=pk, volunteer__user=user).first()
    else:
        found = qs.filter(pk=pk).filter(pk__in=Assignment.objects.visible_to(user).values("pk")).first()
    if found is None:
        raise not_found()
    return found


@transaction.atomic
def check_in(
    *, user: Any, assignment: int, gate: int | None = None, now: datetime.datetime | None = None
) -> Assignment:
    """Check a volunteer in to their shift. `gate` is the gate the check-in is made at (the checkpoint's)."""
    now = now or timezone.now()
    authorize_write(user, action=CHECK_IN_SHIFTS)
    a = _assignment_for(user, assignment)
    shift = a.shift
    at_gate = gate if gate is not None else (user.gate_id if user.role == Role.GATE else None)
    if at_gate is not None and at_gate != shift.gate_id:
        raise DomainError(
            "wrong_gate", _("This shift is at {gate}, not at this gate.").format(gate=shift.gate)
        )
    if a.status == AssignmentStatus.CHECKED_IN:
        raise DomainError(
            "already_checked_in", _("{name} is checked in already.").format(name=a.volunteer.name)
        )
    if a.status not in (AssignmentStatus.ACCEPTED, AssignmentStatus.INVITED):
        raise DomainError("not_on_shift", _("{name} is not on this shift.").format(name=a.volunteer.name))
    if not shift.starts_at - CHECK_IN_EARLY <= now < shift.ends_at:
        raise DomainError(
            "not_shift_time",
            _("Check-in is open from {start} until the end of the shift.").format(
                start=f"{timezone.localtime(shift.starts_at - CHECK_IN_EARLY):%m-%d %H:%M}"
            ),
        )
    require_active(a.volunteer)
    a.status = AssignmentStatus.CHECKED_IN
    a.checked_in_at = max(now, shift.starts_at - CHECK_IN_EARLY)
    if a.answered_at is None:
        a.answered_at = now
    a.save()
    return a


@transaction.atomic
def check_out(*, user: Any, assignment: int, now: datetime.datetime | None = None) -> Assignment:
    now = now or timezone.now()
    authorize_write(user, action=CHECK_IN_SHIFTS)
    a = _assignment_for(user, assignment)
    if user.role == Role.GATE and user.gate_id != a.shift.gate_id:
        raise not_found()
    if a.status != AssignmentStatus.CHECKED_IN:
        raise DomainError("not_checked_in", _("{name} has not checked in.").format(name=a.volunteer.name))
    a.status = AssignmentStatus.CHECKED_OUT
    a.checked_out_at = max(now, a.checked_in_at or now)
    a.save()
    return a


def check_in_on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """Receiver of `user_logged_in`: a volunteer who logs in during (or just before) their shift is checked
    in to it. Never refuses the login: a refusal is left for the volunteer's page to show."""
    if user.role != Role.VOLUNTEER:
        return
    now = timezone.now()
    pending = Assignment.objects.filter(
        volunteer__user=user,
        status=AssignmentStatus.ACCEPTED,
        shift__starts_at__lte=now + CHECK_IN_EARLY,
        shift__ends_at__gt=now,
    ).values_list("pk", flat=True)
    for pk in pending[:2]:
        try:
            check_in(user=user, assignment=pk, now=now)
        except DomainError:
            continue


def close_past_shifts(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """The periodic task: check out at the shift's end whoever is still checked in; an accepted assignment
    nobody checked in NO_SHOW_AFTER after the start is a no-show."""
    now = now or timezone.now()
    out = Assignment.objects.filter(status=AssignmentStatus.CHECKED_IN, shift__ends_at__lte=now)
    n_out = 0
    for a in out.select_related("shift")[:5000]:
        a.status, a.checked_out_at = AssignmentStatus.CHECKED_OUT, a.shift.ends_at
        a.save(update_fields=["status", "checked_out_at"])
        n_out += 1
    n_no_show = Assignment.objects.filter(
        status=AssignmentStatus.ACCEPTED, shift__starts_at__lte=now - NO_SHOW_AFTER
    ).update(status=AssignmentStatus.NO_SHOW, ended_at=now, end_reason="no-show")
    return {"checked_out": n_out, "no_show": n_no_show}


def on_duty(gate_id: int, now: datetime.datetime | None = None) -> list[Assignment]:
    """Who is on duty at a gate now (and who is expected within CHECK_IN_EARLY): checked in, or accepted and
    not yet arrived."""
    now = now or timezone.now()
    return list(
        Assignment.objects.filter(
            shift__gate_id=gate_id,
            shift__starts_at__lte=now + CHECK_IN_EARLY,
            shift__ends_at__gt=now,
            status__in=(AssignmentStatus.ACCEPTED, AssignmentStatus.INVITED, AssignmentStatus.CHECKED_IN),
        )
        .select_related("volunteer", "shift")
        .order_by("shift__starts_at", "-is_lead", "volunteer__name")
    )


def _hours(raw: Any) -> Decimal:
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise DomainError("bad_hours", _("Hours between 0.5 and 24."), field="hours") from None
    if not value.is_finite() or not Decimal("0.5") <= value <= 24:
        raise DomainError("bad_hours", _("Hours between 0.5 and 24."), field="hours")
    return value.quantize(Decimal("0.1"))


@transaction.atomic
def enter_hours(*, user: Any, day: datetime.date, hours: Any, note: str) -> HoursEntry:
    """A volunteer types hours worked outside a shift or a call; they count once staff approve."""
    authorize_write(user, action=ENTER_HOURS)
    v = require_active(volunteer_of(user))
    today = timezone.localdate()
    if not today - datetime.timedelta(days=MAX_ENTRY_DAYS_BACK) <= day <= today:
        raise DomainError(
            "bad_day", _("A day within the last {n} days.").format(n=MAX_ENTRY_DAYS_BACK), field="day"
        )
    return HoursEntry.objects.create(
        volunteer=v, path=v.path, day=day, hours=_hours(hours), note=_text(note, "note", required=True)
    )


@transaction.atomic
def decide_hours(*, user: Any, entry: int, approve: bool) -> HoursEntry:
    authorize_write(user, action=APPROVE_HOURS)
    e = HoursEntry.objects.visible_to(user).select_for_update().filter(pk=entry).first()
    if e is None:
        raise not_found()
    authorize_write(user, action=APPROVE_HOURS, obj=e)
    if e.status != HoursStatus.PENDING:
        raise DomainError("already_decided", _("These hours have been decided already."))
    e.status = HoursStatus.APPROVED if approve else HoursStatus.REJECTED
    e.decided_by, e.decided_at = user, timezone.now()
    e.save()
    return e


def hours_between(volunteer: Volunteer, first: datetime.date, last: datetime.date) -> dict[str, float]:
    """A volunteer's hours from `first` to `last` (local dates, inclusive): shifts (checked in and out),
    attended calls, approved hand-entered hours."""
    since, until = local_midnight(first), local_midnight(last + datetime.timedelta(days=1))
    shifts = 0.0
    for a in Assignment.objects.filter(
        volunteer=volunteer,
        status=AssignmentStatus.CHECKED_OUT,
        checked_in_at__gte=since,
        checked_in_at__lt=until,
    ).only("checked_in_at", "checked_out_at"):
        shifts += a.hours
    calls = sum(
        (e - s).total_seconds() / 3600
        for s, e in volunteer.claims.filter(
            status=ClaimStatus.ATTENDED, call__starts_at__gte=since, call__starts_at__lt=until
        ).values_list("call__starts_at", "call__ends_at")
    )
    entered = volunteer.hours_entries.filter(
        status=HoursStatus.APPROVED, day__gte=first, day__lte=last
    ).aggregate(total=Sum("hours"))["total"] or Decimal(0)
    total = shifts + calls + float(entered)
    return {
        "shifts": round(shifts, 1),
        "calls": round(calls, 1),
        "entered": float(entered),
        "total": round(total, 1),
    }


def month_bounds(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = today.replace(day=1)
    nxt = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, nxt - datetime.timedelta(days=1)


def quarter_bounds(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    q = (today.month - 1) // 3
    first = datetime.date(today.year, 3 * q + 1, 1)
    nxt = datetime.date(today.year + (q == 3), (3 * q + 3) % 12 + 1, 1)
    return first, nxt - datetime.timedelta(days=1)


def staff_may_manage(user: Any) -> bool:
    return MANAGE_ROSTER.allows(user)
