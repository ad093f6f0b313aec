"""Quarantines (home or facility room), health checks and facilities. Public through
lianfang.epi.services."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from lianfang.access.policy import policy_for_path
from lianfang.core import audit
from lianfang.core.alerts import raise_alert
from lianfang.core.audit import AuditAction
from lianfang.core.errors import DomainError
from lianfang.core.models import AlertKind, AlertSeverity
from lianfang.core.natural import NaturalKey
from lianfang.core.roles import EDIT_CARE, EDIT_EPI
from lianfang.core.scoping import authorize_write
from lianfang.epi.holds import recompute_holds
from lianfang.epi.models import (
    OPEN_CASE_STATUSES,
    Case,
    CheckSource,
    Facility,
    HealthCheck,
    Quarantine,
    QuarantineChange,
    QuarantineKind,
    QuarantineReason,
    QuarantineStatus,
    Room,
    Symptom,
)
from lianfang.epi.policy import epi_policy_for_path
from lianfang.epi.service_common import (
    MAX_TEMP,
    MIN_TEMP,
    _by,
    _days,
    _end_quarantines,
    _not_found,
    _not_in_future,
    _reason_text,
    _today,
    _visible_resident,
)
from lianfang.people.models import Resident
from lianfang.places.models import Area, Household


# ------------------------------------------------------------------ quarantines
def _free_beds(room: Room, exclude: int | None = None) -> int:
    qs = Quarantine.objects.filter(room=room, status=QuarantineStatus.ACTIVE)
    if exclude:
        qs = qs.exclude(pk=exclude)
    return room.capacity - qs.count()


def _locked_room(user: Any, room: Room | None) -> Room:
    if room is None:
        raise DomainError("room_required", _("Choose a room of a quarantine facility."), field="room")
    found = (
        Room.objects.visible_to(user)
        .select_for_update()
        .select_related("facility")
        .filter(pk=room.pk)
        .first()
    )
    if found is None:
        raise _not_found()
    if not found.facility.is_active:
        raise DomainError("facility_closed", _("This facility is no longer in use."), field="room")
    return found


def _room_full(room: Room) -> DomainError:
    return DomainError(
        "room_full",
        _("Room {room} is full ({beds} beds); choose another room.").format(room=room, beds=room.capacity),
        field="room",
    )


@transaction.atomic
def start_quarantine(
    *,
    user: Any,
    resident: Resident,
    kind: str,
    reason: str,
    start: datetime.date | None = None,
    days: int | None = None,
    room: Room | None = None,
    contact: Any = None,
    case: Case | None = None,
    today: datetime.date | None = None,
) -> Quarantine:
    today = _today(today)
    resident = _visible_resident(user, resident)
    authorize_write(user, action=EDIT_EPI, obj=resident)
    if kind not in QuarantineKind.values:
        raise DomainError("bad_kind", _("Home or facility quarantine?"), field="kind")
    if reason not in QuarantineReason.values or reason == QuarantineReason.LOCKDOWN:
        raise DomainError("bad_reason", _("Unknown reason for the quarantine."), field="reason")
    start = start or today
    if start > today + datetime.timedelta(days=1):
        raise DomainError(
            "date_in_future", _("A quarantine starts today or tomorrow at the latest."), field="start"
        )
    rules = epi_policy_for_path(resident.path)
    if kind == QuarantineKind.FACILITY:
        default = rules.facility_quarantine_days
    elif reason == QuarantineReason.CASE:
        default = rules.case_quarantine_days
    else:
        default = rules.home_quarantine_days
    n = _days(days, default)
    if Case.objects.filter(resident=resident, status__in=OPEN_CASE_STATUSES).exists():
        raise DomainError(
            "person_is_case", _("This person is an open case: isolate them as a case, not in quarantine.")
        )
    # One person is never in home and facility quarantine at once, nor in two facility rooms.
    in_facility = (
        Quarantine.objects.filter(resident=resident, status=QuarantineStatus.ACTIVE)
        .filter(kind=QuarantineKind.FACILITY)
        .select_related("room__facility")
        .first()
    )
    if in_facility is not None:
        raise DomainError(
            "in_facility_quarantine",
            _(
                "This person is already in facility quarantine ({room}): extend, move or release that "
                "quarantine instead."
            ).format(room=in_facility.room or "-"),
        )
    if kind == QuarantineKind.HOME:
        if resident.household_id is None:
            raise DomainError(
                "no_household",
                _("This person has no household here: choose facility quarantine."),
                field="kind",
            )
        room = None
    else:
        room = _locked_room(user, room)
        if _free_beds(room) <= 0:
            raise _room_full(room)
    q = Quarantine.objects.create(
        resident=resident,
        household_id=resident.household_id,
        kind=kind,
        reason=reason,
        contact=contact,
        case=case,
        room=room,
        start=start,
        planned_end=start + datetime.timedelta(days=n - 1),
        path=resident.path,
        grid_id=resident.grid_id,
        created_by=_by(user),
    )
    QuarantineChange.objects.create(
        quarantine=q, kind=QuarantineChange.Kind.START, new_end=q.planned_end, room=room, by=_by(user)
    )
    households: list[int] = []
    if kind == QuarantineKind.FACILITY:
        # Moved to a facility: the person's home quarantines end (their household stays held by any
        # other reason, a lockdown around it included: epi/holds.py).
        _ended, households = _end_quarantines(
            Quarantine.objects.filter(resident=resident, kind=QuarantineKind.HOME),
            status=QuarantineStatus.RELEASED,
            today=today,
            note=_("Moved to facility quarantine: {room}").format(room=room),
            user=user,
        )
    recompute_holds([*households, resident.household_id])
    started = (
        _("Home quarantine started ({reason}), last day {end}")
        if kind == QuarantineKind.HOME
        else _("Facility quarantine started in {room} ({reason}), last day {end}")
    )
    summary = started.format(room=room, reason=QuarantineReason(reason).label, end=q.planned_end.isoformat())
    audit.log(user=user, action=AuditAction.CREATE, obj=q, summary=summary)
    return q


def _locked_quarantine(user: Any, quarantine: Quarantine) -> Quarantine:
    authorize_write(user, action=EDIT_EPI)
    found = (
        Quarantine.objects.visible_to(user)
        .select_for_update()
        .filter(pk=quarantine.pk)
        .select_related("resident")
        .first()
    )
    if found is None:
        raise _not_found()
    authorize_write(user, action=EDIT_EPI, obj=found)
    if found.status != QuarantineStatus.ACTIVE:
        raise DomainError("quarantine_ended", _("This quarantine has already ended."))
    return found


@transaction.atomic
def extend_quarantine(*, user: Any, quarantine: Quarantine, days: int, reason: str = "") -> Quarantine:
    q = _locked_quarantine(user, quarantine)
    n = _days(days, 0)
    old = q.planned_end
    q.planned_end = old + datetime.timedelta(days=n)
    q.save(update_fields=["planned_end"])
    QuarantineChange.objects.create(
        quarantine=q, kind=QuarantineChange.Kind.EXTEND, old_end=old, new_end=q.planned_end,
        note=str(reason or "").strip()[:200], by=_by(user),
    )  # fmt: skip
    recompute_holds([q.household_id])
    audit.log(
        user=user,
        action=AuditAction.CHANGE,
        obj=q,
        summary=audit.because(
            _("Quarantine extended, last day {end}").format(end=q.planned_end.isoformat()),
            reason,
        ),
    )
    return q


@transaction.atomic
def shorten_quarantine(
    *, user: Any, quarantine: Quarantine, new_end: datetime.date, reason: str
) -> Quarantine:
    q = _locked_quarantine(user, quarantine)
    reason = _reason_text(reason)
    if not isinstance(new_end, datetime.date) or new_end >= q.planned_end:
        raise DomainError(
            "not_shorter",
            _("The new last day must be before the current one ({end}).").format(end=q.planned_end),
            field="new_end",
        )
    if new_end < q.start:
        raise DomainError(
            "before_start",
            _("The new last day is before the start ({start}).").format(start=q.start),
            field="new_end",
        )
    old = q.planned_end
    q.planned_end = new_end
    q.save(update_fields=["planned_end"])
    QuarantineChange.objects.create(
        quarantine=q,
        kind=QuarantineChange.Kind.SHORTEN,
        old_end=old,
        new_end=new_end,
        note=reason,
        by=_by(user),
    )
    recompute_holds([q.household_id])
    audit.log(
        user=user,
        action=AuditAction.CHANGE,
        obj=q,
        summary=audit.because(
            _("Quarantine shortened, last day {end}").format(end=new_end.isoformat()), reason
        ),
    )
    return q


@transaction.atomic
def move_quarantine_room(*, user: Any, quarantine: Quarantine, room: Room) -> Quarantine:
    q = _locked_quarantine(user, quarantine)
    if q.kind != QuarantineKind.FACILITY:
        raise DomainError("not_facility", _("Only a facility quarantine has a room."), field="room")
    room = _locked_room(user, room)
    if room.pk == q.room_id:
        raise DomainError("same_room", _("The person is already in this room."), field="room")
    if _free_beds(room) <= 0:
        raise _room_full(room)
    q.room = room
    q.save(update_fields=["room"])
    QuarantineChange.objects.create(quarantine=q, kind=QuarantineChange.Kind.MOVE, room=room, by=_by(user))
    audit.log(user=user, action=AuditAction.CHANGE, obj=q, summary=_("Moved to {room}").format(room=room))
    return q


@transaction.atomic
def release_quarantine(
    *, user: Any, quarantine: Quarantine, today: datetime.date | None = None, override_reason: str = ""
) -> Quarantine:
    """Release at (or after) the last day once the last N health checks since the start are normal;
    earlier, or without those checks, only with a reason (kept on the quarantine)."""
    today = _today(today)
    q = _locked_quarantine(user, quarantine)
    override = " ".join(str(override_reason or "").split())[:200]
    if today < q.planned_end and not override:
        raise DomainError(
            "release_early_reason_required",
            _("The quarantine runs until {end}: give a reason to release earlier.").format(end=q.planned_end),
            field="override_reason",
        )
    needed = epi_policy_for_path(q.path).release_normal_checks
    if needed and not override:
        last = list(
            HealthCheck.objects.filter(resident_id=q.resident_id, date__gte=q.start, date__lte=today)
            .order_by("-date", "-recorded_at", "-id")
            .values_list("abnormal", flat=True)[:needed]
        )
        if len(last) < needed:
            raise DomainError(
                "release_checks_missing",
                _("Release needs {n} health checks since the start; {have} recorded.").format(
                    n=needed, have=len(last)
                ),
                field="override_reason",
            )
        if any(last):
            raise DomainError(
                "release_checks_abnormal",
                _("One of the last {n} health checks was abnormal.").format(n=needed),
                field="override_reason",
            )
    q.status = QuarantineStatus.RELEASED
    q.ended_on = today
    q.end_note = override
    q.save(update_fields=["status", "ended_on", "end_note"])
    QuarantineChange.objects.create(
        quarantine=q, kind=QuarantineChange.Kind.END, old_end=q.planned_end, note=override, by=_by(user)
    )
    recompute_holds([q.household_id])
    audit.log(
        user=user,
        action=AuditAction.CHANGE,
        obj=q,
        summary=audit.because(_("Released from quarantine"), override),
    )
    return q


# ------------------------------------------------------------------ health checks
def _temperature(raw: Any) -> Decimal | None:
    if raw is None or raw == "":
        return None
    try:
        value = Decimal(str(raw)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError, TypeError):
        value = None
    if value is None or not value.is_finite() or not MIN_TEMP <= value <= MAX_TEMP:
        raise DomainError(
            "temperature_impossible",
            _("A temperature between {lo} and {hi} °C, please.").format(lo=MIN_TEMP, hi=MAX_TEMP),
            field="temperature",
        )
    return value


@transaction.atomic
def record_health_check(
    *,
    user: Any,
    resident: Resident,
    temperature: Any,
    symptoms: Iterable[str] = (),
    date: datetime.date | None = None,
    source: str = CheckSource.HEALTH_WORKER,
    note: str = "",
    today: datetime.date | None = None,
    household: Household | None = None,
) -> HealthCheck:
    """One reading. `user=None` is a self-report from the household's secret-link page: pass that
    `household`; the person must live in it."""
    today = _today(today)
    if user is None:
        if household is None or resident.household_id != household.pk:
            raise DomainError("not_a_member", _("This person is not a member of the household."), status=404)
        source = CheckSource.SELF
    else:
        if source not in CheckSource.values:
            raise DomainError("bad_source", _("Unknown source of the health check."), field="source")
        if source == CheckSource.CARE_CALL:
            # The care team's caller (a grid worker too) reads the temperatures out on the phone.
            authorize_write(user, action=EDIT_CARE)
            found = (
                Resident.objects.visible_to(user).filter(pk=resident.pk).select_related("household").first()
            )
            if found is None:
                raise _not_found()
            resident = found
        else:
            resident = _visible_resident(user, resident)
            authorize_write(user, action=EDIT_EPI, obj=resident)
    value = _temperature(temperature)
    codes = list(dict.fromkeys(str(s).strip() for s in symptoms if str(s).strip()))
    bad = [s for s in codes if s not in Symptom.values]
    if bad:
        raise DomainError(
            "bad_symptom", _("Unknown symptom: {s}.").format(s=", ".join(bad)), field="symptoms"
        )
    if value is None and not codes:
        raise DomainError("check_empty", _("Enter a temperature or a symptom."), field="temperature")
    date = date or today
    _not_in_future(date, today, "date")
    fever_line = policy_for_path(resident.path).fever_line
    abnormal = bool(codes) or (value is not None and value >= fever_line)
    quarantine = (
        Quarantine.objects.filter(resident=resident, status=QuarantineStatus.ACTIVE)
        .order_by("-start", "-id")
        .first()
    )
    check = HealthCheck.objects.create(
        resident=resident,
        household_id=resident.household_id,
        quarantine=quarantine,
        date=date,
        temperature=value,
        symptoms=" ".join(codes),
        abnormal=abnormal,
        source=source,
        note=str(note or "").strip()[:200],
        path=resident.path,
        grid_id=resident.grid_id,
        recorded_by=_by(user),
    )
    if abnormal:
        where = resident.household.label if resident.household_id else resident.path
        labels = ", ".join(str(Symptom(s).label) for s in codes)
        title = (
            _("Abnormal health check: {where} {t}")
            .format(where=where, t=f"{value} °C" if value is not None else "")
            .strip()
        )
        raise_alert(
            kind=AlertKind.HEALTH_CHECK,
            severity=AlertSeverity.URGENT,
            title=title,
            detail=_("Symptoms: {s}. Fever line {line} °C.").format(s=labels or "-", line=fever_line),
            path=resident.path,
            household_id=resident.household_id,
            grid_id=resident.grid_id,
            source_type="health_check",
            source_id=str(check.pk),
            # One alert per person and day; another abnormal reading that day is a step of it.
            dedup_key=f"health_check:{resident.pk}:{date.isoformat()}",
            again_note=f"{title} · {labels or '-'}",
        )
    reading = audit.listed([f"{value} °C" if value is not None else "", *(Symptom(s).label for s in codes)])
    checked = (
        _("Abnormal health check ({source}): {reading}")
        if abnormal
        else _("Health check ({source}): {reading}")
    )
    audit.log(
        user=user,
        action=AuditAction.CREATE,
        obj=check,
        summary=checked.format(source=CheckSource(source).label, reading=reading),
    )
    return check


# ------------------------------------------------------------------ facilities
def _room_fields(number: Any, capacity: Any) -> tuple[str, int]:
    number = " ".join(str(number or "").split())
    if not number or len(number) > 20:
        raise DomainError(
            "room_number_bad", _("A room number of at most 20 characters, please."), field="number"
        )
    try:
        beds = int(capacity)
    except (TypeError, ValueError):
        beds = 0
    if not 1 <= beds <= 50:
        raise DomainError("bad_capacity", _("A room has between 1 and 50 beds."), field="capacity")
    return number, beds


@transaction.atomic
def create_facility(
    *,
    user: Any,
    area: Area,
    name: str,
    address: str = "",
    phone: str = "",
    rooms: Iterable[tuple[str, int]] = (),
) -> Facility:
    authorize_write(user, action=EDIT_EPI, obj=area)
    name = " ".join(str(name or "").split())
    if not name or len(name) > 100:
        raise DomainError(
            "name_missing", _("The facility needs a name (at most 100 characters)."), field="name"
        )
    if Facility.objects.filter(area=area, name=name).exists():
        raise DomainError(
            "facility_exists", _("This area already has a facility of that name."), field="name"
        )
    facility = Facility.objects.create(
        area=area, name=name, address=str(address or "").strip()[:200], phone=str(phone or "").strip()[:20]
    )
    seen: set[str] = set()
    made = []
    for number, capacity in rooms:
        number, beds = _room_fields(number, capacity)
        if number in seen:
            raise DomainError("room_exists", _("Room {n} is listed twice.").format(n=number), field="rooms")
        seen.add(number)
        made.append(Room(facility=facility, number=number, capacity=beds))
    Room.objects.bulk_create(made)
    audit.log(
        user=user,
        action=AuditAction.CREATE,
        obj=facility,
        path=area.path,
        summary=_("Facility set up, rooms: {n}").format(n=len(made)),
    )
    return facility


@transaction.atomic
def add_room(*, user: Any, facility: Facility, number: str, capacity: int) -> Room:
    authorize_write(user, action=EDIT_EPI)
    facility = Facility.objects.visible_to(user).select_related("area").filter(pk=facility.pk).first()
    if facility is None:
        raise _not_found()
    authorize_write(user, action=EDIT_EPI, obj=facility)
    number, beds = _room_fields(number, capacity)
    if Room.objects.filter(facility=facility, number=number).exists():
        raise DomainError("room_exists", _("Room {n} already exists.").format(n=number), field="number")
    return Room.objects.create(facility=facility, number=number, capacity=beds)


def room_occupancy(facility: Facility) -> list[tuple[Room, int]]:
    """Each room with its number of people in active quarantine: one query."""
    rooms = Room.objects.filter(facility=facility).annotate(
        occupied=Count("quarantines", filter=Q(quarantines__status=QuarantineStatus.ACTIVE))
    )
    return [(r, r.occupied) for r in rooms.order_by(NaturalKey("number"))]
