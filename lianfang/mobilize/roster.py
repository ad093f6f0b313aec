"""The 24-hour gate roster: a rule per gate, shifts generated for the next days, volunteers assigned to them.

Generating is one SQL statement (`INSERT ... SELECT ... generate_series ... ON CONFLICT DO NOTHING` on the
unique (gate, start)): running it again adds only the shifts still missing, and a changed rule changes the
shifts not yet generated. Assignments: invited -> accepted / declined -> checked in -> checked out (see
attendance), or dropped, swapped (the new row `replaces` the old), no-show. Each assignment locks the
volunteer's row first, then checks the overlap and the limits (mobilize.limits), so two concurrent
assignments of one person are decided one after the other.

"Ask for cover" invites the N volunteers of the community least recently asked who are free at that time
and under their limits."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianfang.core.errors import DomainError
from lianfang.core.roles import MANAGE_ROSTER, TAKE_SHIFTS
from lianfang.core.scoping import authorize_write, not_found
from lianfang.mobilize.limits import check_limits, policy_for_path, refusal
from lianfang.mobilize.models import (
    COVERING_ASSIGNMENTS,
    LIVE_ASSIGNMENTS,
    PATTERN_HOURS,
    Assignment,
    AssignmentStatus,
    RosterRule,
    Shift,
    ShiftPattern,
    Volunteer,
    VolunteerStatus,
    local_midnight,
)
from lianfang.mobilize.volunteers import require_active, volunteer_of
from lianfang.places.models import Gate

ROSTER_DAYS = 7
MAX_COVER_ASKS = 20


@transaction.atomic
def set_roster_rule(
    *,
    user: Any,
    gate: int | Gate,
    people_per_shift: int,
    pattern: str,
    first_hour: int = 0,
    lead: int | None = None,
    active: bool = True,
) -> RosterRule:
    authorize_write(user, action=MANAGE_ROSTER)
    pk = gate.pk if isinstance(gate, Gate) else gate
    g = Gate.objects.visible_to(user).filter(pk=pk).first()
    if g is None:
        raise not_found()
    authorize_write(user, action=MANAGE_ROSTER, path=g.path)
    if pattern not in ShiftPattern.values:
        raise DomainError("bad_pattern", _("Choose a shift pattern."), field="pattern")
    if not 1 <= int(people_per_shift) <= 20:
        raise DomainError("bad_people", _("Between 1 and 20 people per shift."), field="people_per_shift")
    if not 0 <= int(first_hour) <= 23:
        raise DomainError("bad_hour", _("An hour between 0 and 23."), field="first_hour")
    lead_v = None
    if lead:
        lead_v = Volunteer.objects.filter(pk=lead, path=g.path, status=VolunteerStatus.ACTIVE).first()
        if lead_v is None:
            raise DomainError(
                "bad_lead", _("The lead must be an active volunteer of this community."), field="lead"
            )
    rule, _created = RosterRule.objects.update_or_create(
        gate=g,
        defaults={
            "path": g.path,
            "people_per_shift": int(people_per_shift),
            "pattern": pattern,
            "first_hour": int(first_hour),
            "lead": lead_v,
            "active": bool(active),
        },
    )
    return rule


def generate_shifts_sql(
    *, start_day: datetime.date, days: int = ROSTER_DAYS, path: str = "", gate_id: int | None = None
) -> int:
    """Insert the missing shifts of `days` days from `start_day` (local) for every active rule under `path`
    (or of one gate); return how many were added. No authorization here: callers check it."""
    h8, h6 = PATTERN_HOURS[ShiftPattern.THREE_BY_EIGHT], PATTERN_HOURS[ShiftPattern.FOUR_BY_SIX]
    first = local_midnight(start_day)
    last = local_midnight(start_day + datetime.timedelta(days=days))
    sql = f"""
        INSERT INTO mobilize_shift (path, gate_id, starts_at, ends_at, needed)
        SELECT r.path, r.gate_id, s.t, s.t + make_interval(hours => r.h), r.people_per_shift
        FROM (SELECT path, gate_id, people_per_shift, first_hour,
                     CASE pattern WHEN %s THEN {h6} ELSE {h8} END AS h
              FROM mobilize_rosterrule
              WHERE active AND path LIKE %s AND (%s::bigint IS NULL OR gate_id = %s::bigint)) r
        CROSS JOIN LATERAL generate_series(
            %s::timestamptz + make_interval(hours => r.first_hour),
            %s::timestamptz - interval '1 second',
            make_interval(hours => r.h)) AS s(t)
        ON CONFLICT (gate_id, starts_at) DO NOTHING
    """
    like = path.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    with connection.cursor() as cursor:
        cursor.execute(sql, [ShiftPattern.FOUR_BY_SIX.value, like, gate_id, gate_id, first, last])
        return cursor.rowcount


@transaction.atomic
def generate_shifts(*, user: Any, gate: int | None = None, start_day: datetime.date | None = None) -> int:
    """Staff generate the next 7 days of shifts for their area's gates (or one gate)."""
    authorize_write(user, action=MANAGE_ROSTER)
    path = user.scope_path if not user.is_superuser else ""
    if gate is not None:
        g = Gate.objects.visible_to(user).filter(pk=gate).first()
        if g is None:
            raise not_found()
    return generate_shifts_sql(start_day=start_day or timezone.localdate(), path=path, gate_id=gate)


def _shift(user: Any, pk: int | Shift, *, lock: bool = False) -> Shift:
    pk = pk.pk if isinstance(pk, Shift) else pk
    qs = Shift.objects.visible_to(user).select_related("gate__compound")
    found = (qs.select_for_update(of=("self",)) if lock else qs).filter(pk=pk).first()
    if found is None:
        raise not_found()
    return found


def _lock_volunteer(pk: int) -> Volunteer:
    v = Volunteer.objects.select_for_update().filter(pk=pk).first()
    if v is None:
        raise DomainError("no_volunteer", _("Choose a volunteer."), field="volunteer")
    return v


def _check_assignable(v: Volunteer, shift: Shift, now: datetime.datetime) -> None:
    require_active(v)
    if v.path != shift.path:
        raise DomainError("other_community", _("This shift belongs to another community."))
    if shift.ends_at <= now:
        raise DomainError("shift_over", _("This shift is over."))
    if Assignment.objects.filter(shift=shift, volunteer=v, status__in=LIVE_ASSIGNMENTS).exists():
        raise DomainError("already_on_shift", _("{name} is already on this shift.").format(name=v.name))
    check_limits(v, shift.starts_at, shift.ends_at)


def covering(shift: Shift) -> int:
    return Assignment.objects.filter(shift=shift, status__in=COVERING_ASSIGNMENTS).count()


@transaction.atomic
def assign_volunteer(
    *,
    user: Any,
    shift: int | Shift,
    volunteer: int,
    confirmed: bool = False,
    now: datetime.datetime | None = None,
) -> Assignment:
    """Staff put a volunteer on a shift: invited (the volunteer accepts or declines), or accepted at once
    when they agreed already (`confirmed`)."""
    now = now or timezone.now()
    authorize_write(user, action=MANAGE_ROSTER)
    s = _shift(user, shift, lock=True)
    authorize_write(user, action=MANAGE_ROSTER, path=s.path)
    v = _lock_volunteer(volunteer)
    if not v.path.startswith(user.scope_path) and not user.is_superuser:
        raise DomainError("no_volunteer", _("Choose a volunteer."), field="volunteer")
    _check_assignable(v, s, now)
    return Assignment.objects.create(
        shift=s,
        volunteer=v,
        status=AssignmentStatus.ACCEPTED if confirmed else AssignmentStatus.INVITED,
        invited_at=now,
        invited_by=user,
        answered_at=now if confirmed else None,
        is_lead=_is_lead(s, v),
    )


def _is_lead(shift: Shift, v: Volunteer) -> bool:
    return RosterRule.objects.filter(gate_id=shift.gate_id, lead=v).exists()


@transaction.atomic
def take_shift(*, user: Any, shift: int | Shift, now: datetime.datetime | None = None) -> Assignment:
    """A volunteer takes a free place on a shift of their community (accepted at once)."""
    now = now or timezone.now()
    authorize_write(user, action=TAKE_SHIFTS)
    s = _shift(user, shift, lock=True)
    v = require_active(volunteer_of(user))
    v = _lock_volunteer(v.pk)
    _check_assignable(v, s, now)
    if covering(s) >= s.needed:
        raise DomainError("shift_full", _("This shift has all the people it needs."))
    return Assignment.objects.create(
        shift=s,
        volunteer=v,
        status=AssignmentStatus.ACCEPTED,
        invited_at=now,
        answered_at=now,
        is_lead=_is_lead(s, v),
    )


def _own_assignment(user: Any, pk: int, *, lock: bool = True) -> Assignment:
    v = volunteer_of(user)
    qs = Assignment.objects.select_related("shift", "volunteer")
    if lock:
        qs = qs.select_for_update(of=("self",))
    found = qs.filter(pk=pk, volunteer__user=user).first() if v is not None else None
    if found is None:
        raise not_found()
    return found


@transaction.atomic
def answer_invitation(
    *, user: Any, assignment: int, accept: bool, now: datetime.datetime | None = None
) -> Assignment:
    """The volunteer accepts or declines an invitation. Accepting checks the limits again (other duties may
    have been taken since the invitation)."""
    now = now or timezone.now()
    authorize_write(user, action=TAKE_SHIFTS)
    a = _own_assignment(user, assignment)
    if a.status != AssignmentStatus.INVITED:
        raise DomainError("not_invited", _("This invitation has been answered already."))
    if a.shift.ends_at <= now:
        raise DomainError("shift_over", _("This shift is over."))
    if accept:
        require_active(_lock_volunteer(a.volunteer_id))
        a.status = (
            AssignmentStatus.DECLINED
        )  # out of the way while its own duty is checked against the others
        a.save(update_fields=["status"])
        check_limits(a.volunteer, a.shift.starts_at, a.shift.ends_at)
        a.status = AssignmentStatus.ACCEPTED
    else:
        a.status = AssignmentStatus.DECLINED
        a.ended_at, a.ended_by = now, user
    a.answered_at = now
    a.save()
    return a


@transaction.atomic
def drop_assignment(
    *, user: Any, assignment: int, reason: str, now: datetime.datetime | None = None
) -> Assignment:
    """A volunteer drops their own shift before it starts, or staff take someone off: the row stays with who
    dropped it, when and why."""
    now = now or timezone.now()
    reason = " ".join(str(reason or "").split())[:200]
    if not reason:
        raise DomainError("reason_required", _("Say why."), field="reason")
    if MANAGE_ROSTER.allows(user):
        a = (
            Assignment.objects.visible_to(user)
            .select_for_update(of=("self",))
            .select_related("shift")
            .filter(pk=assignment)
            .first()
        )
        if a is None:
            raise not_found()
        authorize_write(user, action=MANAGE_ROSTER, path=a.shift.path)
    else:
        authorize_write(user, action=TAKE_SHIFTS)
        a = _own_assignment(user, assignment)
        if a.shift.starts_at <= now:
            raise DomainError("shift_started", _("The shift has started; ask the community to take you off."))
    if a.status not in (AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED):
        raise DomainError("not_droppable", _("Only an invited or accepted shift can be dropped."))
    a.status = AssignmentStatus.DROPPED
    a.ended_at, a.ended_by, a.end_reason = now, user, reason
    a.save()
    return a


@transaction.atomic
def swap_assignment(
    *, user: Any, assignment: int, volunteer: int, now: datetime.datetime | None = None
) -> Assignment:
    """Staff hand a shift from one volunteer to another: the old row is kept as swapped, the new one
    (accepted) says whose place it takes."""
    now = now or timezone.now()
    authorize_write(user, action=MANAGE_ROSTER)
    old = (
        Assignment.objects.visible_to(user)
        .select_for_update(of=("self",))
        .select_related("shift")
        .filter(pk=assignment)
        .first()
    )
    if old is None:
        raise not_found()
    authorize_write(user, action=MANAGE_ROSTER, path=old.shift.path)
    if old.status not in (AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED):
        raise DomainError("not_swappable", _("Only an invited or accepted shift can be swapped."))
    v = _lock_volunteer(volunteer)
    _check_assignable(v, old.shift, now)
    old.status = AssignmentStatus.SWAPPED
    old.ended_at, old.ended_by, old.end_reason = (
        now,
        user,
        str(_("Swapped with {name}").format(name=v.name))[:200],
    )
    old.save()
    return Assignment.objects.create(
        shift=old.shift,
        volunteer=v,
        status=AssignmentStatus.ACCEPTED,
        invited_at=now,
        invited_by=user,
        answered_at=now,
        replaces=old,
        is_lead=old.is_lead,
    )


@transaction.atomic
def ask_for_cover(
    *, user: Any, shift: int | Shift, count: int, now: datetime.datetime | None = None
) -> list[Assignment]:
    """Invite the `count` volunteers of the shift's community least recently asked who are active, free at
    that time and under their limits; they are marked as asked now."""
    now = now or timezone.now()
    authorize_write(user, action=MANAGE_ROSTER)
    s = _shift(user, shift, lock=True)
    authorize_write(user, action=MANAGE_ROSTER, path=s.path)
    if s.ends_at <= now:
        raise DomainError("shift_over", _("This shift is over."))
    count = max(1, min(int(count), MAX_COVER_ASKS))
    limits = policy_for_path(s.path)
    on_shift = Assignment.objects.filter(shift=s, status__in=LIVE_ASSIGNMENTS).values("volunteer_id")
    candidates = (
        Volunteer.objects.filter(path=s.path, status=VolunteerStatus.ACTIVE, user__isnull=False)
        .exclude(pk__in=on_shift)
        .order_by(F("last_asked_at").asc(nulls_first=True), "id")
        .select_for_update(skip_locked=True)
    )
    invited: list[Assignment] = []
    for v in candidates[:500]:
        if refusal(v, s.starts_at, s.ends_at, limits) is not None:
            continue
        invited.append(
            Assignment.objects.create(
                shift=s,
                volunteer=v,
                status=AssignmentStatus.INVITED,
                invited_at=now,
                invited_by=user,
                is_lead=_is_lead(s, v),
            )
        )
        if len(invited) == count:
            break
    Volunteer.objects.filter(pk__in=[a.volunteer_id for a in invited]).update(last_asked_at=now)
    return invited
