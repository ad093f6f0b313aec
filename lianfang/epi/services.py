"""Use cases of the epidemic app: cases, lockdowns, quarantines, health checks and facilities.

Each public function is one transaction, authorizes with `require_epi_editor(user, path)`, raises
`DomainError(code, message)` on bad input (changing nothing) and writes an audit entry when it touches
personal data. Dates rule (models.py): `planned_end`/`ends_on` are the last day inside, inclusive.
A household's gate hold (`Household.exits_held_until`) is recomputed from its active home quarantines
after every change (`recompute_holds`), so expiry restores exits by date without a job.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.core import audit
from lianfang.core.audit import AuditAction
from lianfang.core.errors import DomainError
from lianfang.core.models import Alert, AlertKind
from lianfang.epi.models import (
    OPEN_CASE_STATUSES,
    Case,
    CaseSource,
    CaseStatus,
    CaseStatusChange,
    CheckSource,
    Facility,
    HealthCheck,
    Lockdown,
    LockdownScope,
    LockdownStatus,
    Quarantine,
    QuarantineChange,
    QuarantineKind,
    QuarantineReason,
    QuarantineStatus,
    Room,
    Symptom,
)
from lianfang.epi.policy import can_edit_epi, epi_policy_for_path, require_epi_editor
from lianfang.people.models import Resident
from lianfang.places.models import Area, Building, Compound, Household, Unit

MIN_TEMP, MAX_TEMP = Decimal("34.0"), Decimal("43.0")
MAX_DAYS = 366
UNCHANGED: Any = ...

__all__ = [
    "LockdownPreview",
    "PersonData",
    "add_room",
    "apply_lockdown",
    "change_case_status",
    "create_case",
    "create_facility",
    "end_quarantines_as_case",
    "extend_lockdown",
    "extend_quarantine",
    "lift_lockdown",
    "move_quarantine_room",
    "preview_lockdown",
    "recompute_holds",
    "record_health_check",
    "release_quarantine",
    "require_epi_editor",
    "room_occupancy",
    "shorten_quarantine",
    "start_quarantine",
    "update_case_dates",
]


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


def _not_found() -> DomainError:
    return DomainError("not_found", _("Not found in your area."), status=404)


def _require_role(user: Any) -> None:
    """The role first (403), so that a guard learns nothing about where a person lives."""
    if not can_edit_epi(user):
        raise DomainError("forbidden", _("Your role may not change cases or quarantines."), status=403)


def _visible_resident(user: Any, resident: Resident | int) -> Resident:
    _require_role(user)
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


HOLD_SQL = """
UPDATE places_household SET exits_held_until = m.last
FROM (SELECT h.id AS hid, MAX(q.planned_end) AS last
      FROM places_household h
      LEFT JOIN epi_quarantine q ON q.household_id = h.id AND q.status = %s AND q.kind = %s
      WHERE h.id IN ({targets})
      GROUP BY h.id) m
WHERE places_household.id = m.hid AND places_household.exits_held_until IS DISTINCT FROM m.last
"""


def recompute_holds(household_ids: Iterable[int] | QuerySet) -> None:
    """Household.exits_held_until = the latest planned end of its active home quarantines (None when
    there are none), for all the households given (ids, or a queryset of household ids), in one
    set-based UPDATE that only writes the rows that change. Portable: PostgreSQL and SQLite >= 3.39."""
    if isinstance(household_ids, QuerySet):
        targets = Household.objects.filter(pk__in=household_ids).values("pk")
    else:
        ids = sorted({int(i) for i in household_ids if i is not None})
        if not ids:
            return
        targets = Household.objects.filter(pk__in=ids).values("pk")
    sub_sql, sub_params = targets.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            HOLD_SQL.format(targets=sub_sql),
            [QuarantineStatus.ACTIVE.value, QuarantineKind.HOME.value, *sub_params],
        )


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


# ------------------------------------------------------------------ cases
@dataclass
class PersonData:
    """A person who is not in the registry: registered without a household under a community."""

    name: str
    id_number: str = ""
    phone: str = ""
    community: Area | None = None


def _check_case_dates(
    *,
    onset: datetime.date | None,
    report: datetime.date | None,
    isolation: datetime.date | None,
    today: datetime.date,
) -> None:
    _not_in_future(onset, today, "onset_date")
    _not_in_future(report, today, "report_date")
    _not_in_future(isolation, today, "isolation_date")
    if onset is not None:
        for value, field in ((report, "report_date"), (isolation, "isolation_date")):
            if value is not None and value < onset:
                raise DomainError(
                    "date_before_onset",
                    _("The date {date} is before the onset date {onset}.").format(date=value, onset=onset),
                    field=field,
                )


def _refuse_open_case(resident_id: int, exclude: int | None = None) -> None:
    qs = Case.objects.filter(resident_id=resident_id, status__in=OPEN_CASE_STATUSES)
    if exclude:
        qs = qs.exclude(pk=exclude)
    other = qs.first()
    if other is not None:
        raise DomainError(
            "case_open_exists",
            _("This person already has an open case (#{id}); update that case instead.").format(id=other.pk),
            field="resident",
        )


def _non_resident(user: Any, person: PersonData) -> Resident:
    """The Resident entry of a person outside the registry (no household; path = the community's)."""
    from lianfang.people.services import ResidentData, apply_clean, clean_resident

    community = person.community
    if community is None:
        raise DomainError(
            "community_required", _("Choose the community that handles this person."), field="community"
        )
    require_epi_editor(user, community.path)
    clean = clean_resident(ResidentData(name=person.name, id_number=person.id_number, phone=person.phone))
    resident = Resident()
    apply_clean(resident, clean)
    if resident.id_hash:
        existing = Resident.objects.filter(id_hash=resident.id_hash).first()
        if existing is not None:
            # Already registered: the case is theirs (if the user may see them).
            return _visible_resident(user, existing)
    resident.household = None
    resident.grid_id = None
    resident.path = community.path
    resident.save()
    audit.log(
        user=user, action=AuditAction.CREATE, obj=resident, summary=f"{resident.name} (case, no household)"
    )
    return resident


@transaction.atomic
def create_case(
    *,
    user: Any,
    resident: Resident | None = None,
    person: PersonData | None = None,
    status: str,
    source: str,
    onset_date: datetime.date | None = None,
    report_date: datetime.date | None = None,
    isolation_date: datetime.date | None = None,
    notes: str = "",
    today: datetime.date | None = None,
) -> Case:
    today = _today(today)
    if (resident is None) == (person is None):
        raise DomainError("person_required", _("Choose a resident or enter a person."), field="resident")
    if status not in OPEN_CASE_STATUSES:
        raise DomainError(
            "bad_status", _("A new case is suspected, confirmed or asymptomatic."), field="status"
        )
    if source not in CaseSource.values:
        raise DomainError("bad_source", _("Unknown source of the case."), field="source")
    report_date = report_date or today
    _check_case_dates(onset=onset_date, report=report_date, isolation=isolation_date, today=today)
    if resident is not None:
        resident = _visible_resident(user, resident)
        require_epi_editor(user, resident.path)
    else:
        assert person is not None
        resident = _non_resident(user, person)
    _refuse_open_case(resident.pk)
    case = Case.objects.create(
        resident=resident,
        household_id=resident.household_id,
        status=status,
        source=source,
        onset_date=onset_date,
        report_date=report_date,
        isolation_date=isolation_date,
        notes=str(notes or "").strip(),
        path=resident.path,
        grid_id=resident.grid_id,
        created_by=_by(user),
    )
    CaseStatusChange.objects.create(case=case, from_status="", to_status=status, by=_by(user))
    end_quarantines_as_case(resident, case, today, user=user)
    where = resident.household.label if resident.household_id else resident.path
    Alert.objects.create(
        kind=AlertKind.CASE,
        title=_("New {status} case #{id}: {where}").format(
            status=CaseStatus(status).label, id=case.pk, where=where
        ),
        detail=_("Source: {source}.").format(source=CaseSource(source).label),
        path=case.path,
        household_id=resident.household_id,
        source_type="case",
        source_id=str(case.pk),
    )
    audit.log(user=user, action=AuditAction.CREATE, obj=case, summary=f"case {status} {resident.name}")
    return case


def _locked_case(user: Any, case: Case) -> Case:
    _require_role(user)
    found = Case.objects.visible_to(user).select_for_update().filter(pk=case.pk).first()
    if found is None:
        raise _not_found()
    require_epi_editor(user, found.path)
    return found


@transaction.atomic
def change_case_status(
    *, user: Any, case: Case, status: str, note: str = "", today: datetime.date | None = None
) -> Case:
    today = _today(today)
    case = _locked_case(user, case)
    if status not in CaseStatus.values:
        raise DomainError("bad_status", _("Unknown case status."), field="status")
    if status == case.status:
        raise DomainError("same_status", _("The case already has this status."), field="status")
    if status in OPEN_CASE_STATUSES and not case.is_open:
        _refuse_open_case(case.resident_id, exclude=case.pk)
    old = case.status
    case.status = status
    case.save(update_fields=["status", "updated_at"])
    CaseStatusChange.objects.create(
        case=case, from_status=old, to_status=status, note=str(note or "").strip()[:200], by=_by(user)
    )
    if status in OPEN_CASE_STATUSES:
        end_quarantines_as_case(case.resident, case, today, user=user)
    audit.log(user=user, action=AuditAction.CHANGE, obj=case, summary=f"status {old} -> {status}")
    return case


@transaction.atomic
def update_case_dates(
    *,
    user: Any,
    case: Case,
    onset_date: Any = UNCHANGED,
    isolation_date: Any = UNCHANGED,
    report_date: Any = UNCHANGED,
    today: datetime.date | None = None,
) -> Case:
    """Change the onset/isolation/report dates; a date not passed stays as it is (None clears it)."""
    today = _today(today)
    case = _locked_case(user, case)
    if onset_date is not UNCHANGED:
        case.onset_date = onset_date
    if isolation_date is not UNCHANGED:
        case.isolation_date = isolation_date
    if report_date is not UNCHANGED:
        if report_date is None:
            raise DomainError("date_required", _("The report date is needed."), field="report_date")
        case.report_date = report_date
    _check_case_dates(
        onset=case.onset_date, report=case.report_date, isolation=case.isolation_date, today=today
    )
    case.save(update_fields=["onset_date", "isolation_date", "report_date", "updated_at"])
    audit.log(user=user, action=AuditAction.CHANGE, obj=case, summary="case dates")
    return case


def end_quarantines_as_case(resident: Resident, case: Case, today: datetime.date, *, user: Any = None) -> int:
    """The person became a case: their active quarantines end (status became_case). Returns how many."""
    note = _("Became case #{id}").format(id=case.pk)
    ended, households = _end_quarantines(
        Quarantine.objects.filter(resident=resident),
        status=QuarantineStatus.BECAME_CASE,
        today=today,
        note=note,
        user=user,
    )
    recompute_holds(households)
    return ended


# ------------------------------------------------------------------ lockdowns
@dataclass
class LockdownPreview:
    scope: str
    label: str
    start: datetime.date
    ends_on: datetime.date
    days: int
    units: int
    households: int
    residents: int
    already_quarantined: int
    overlaps: Lockdown | None


@dataclass
class _Target:
    scope: str
    unit: Unit | None
    building: Building | None
    compound: Compound
    label: str

    def households(self) -> QuerySet:
        if self.unit is not None:
            return Household.objects.filter(unit=self.unit)
        if self.building is not None:
            return Household.objects.filter(unit__building=self.building)
        return Household.objects.filter(compound=self.compound)

    def units(self) -> QuerySet:
        if self.unit is not None:
            return Unit.objects.filter(pk=self.unit.pk)
        if self.building is not None:
            return Unit.objects.filter(building=self.building)
        return Unit.objects.filter(building__compound=self.compound)

    def residents(self) -> QuerySet:
        """Who goes into home quarantine: every resident whose current household is inside, except
        people with an open case (they are isolated as cases, not quarantined)."""
        open_cases = Case.objects.filter(status__in=OPEN_CASE_STATUSES).values("resident_id")
        return Resident.objects.filter(household__in=self.households().values("pk")).exclude(
            pk__in=open_cases
        )

    def overlap_q(self) -> Q:
        whole = Q(scope_kind=LockdownScope.COMPOUND, compound=self.compound)
        if self.unit is not None:
            return (
                whole
                | Q(scope_kind=LockdownScope.BUILDING, building=self.building)
                | Q(scope_kind=LockdownScope.UNIT, unit=self.unit)
            )
        if self.building is not None:
            return whole | Q(building=self.building)
        return Q(compound=self.compound)


def _target(user: Any, scope: str, target_id: Any) -> _Target:
    _require_role(user)
    try:
        pk = int(target_id)
    except (TypeError, ValueError):
        raise _not_found() from None
    if scope == LockdownScope.UNIT:
        unit = Unit.objects.select_related("building__compound").filter(pk=pk).first()
        if unit is None:
            raise _not_found()
        b, c = unit.building, unit.building.compound
        target = _Target(scope, unit, b, c, f"{c.name} {b.number}栋{unit.number}单元")
    elif scope == LockdownScope.BUILDING:
        building = Building.objects.select_related("compound").filter(pk=pk).first()
        if building is None:
            raise _not_found()
        c = building.compound
        target = _Target(scope, None, building, c, f"{c.name} {building.number}栋")
    elif scope == LockdownScope.COMPOUND:
        compound = Compound.objects.filter(pk=pk).first()
        if compound is None:
            raise _not_found()
        target = _Target(scope, None, None, compound, compound.name)
    else:
        raise DomainError("bad_scope", _("Seal a unit, a building or a compound."), field="scope")
    require_epi_editor(user, target.compound.path)
    return target


def _lockdown_dates(
    start: Any, days: Any, rules_days: int, today: datetime.date
) -> tuple[datetime.date, int, datetime.date]:
    start = start or today
    if not isinstance(start, datetime.date):
        raise DomainError("bad_date", _("The start date is not a date."), field="start")
    n = _days(days, rules_days)
    if start > today + datetime.timedelta(days=1):
        raise DomainError(
            "date_in_future", _("A lockdown starts today or tomorrow at the latest."), field="start"
        )
    ends_on = start + datetime.timedelta(days=n - 1)
    if ends_on < today:
        raise DomainError("date_in_past", _("This lockdown would already be over."), field="days")
    return start, n, ends_on


def _overlapping(
    target_q: Q, start: datetime.date, ends_on: datetime.date, exclude: int | None = None
) -> Lockdown | None:
    qs = Lockdown.objects.filter(
        target_q, status=LockdownStatus.ACTIVE, start__lte=ends_on, ends_on__gte=start
    )
    if exclude:
        qs = qs.exclude(pk=exclude)
    return qs.order_by("start", "id").first()


def _overlap_error(other: Lockdown) -> DomainError:
    return DomainError(
        "lockdown_overlaps",
        _(
            "{label} is already sealed until {end} (lockdown #{id}); extend that lockdown instead of "
            "sealing again."
        ).format(label=other.label, end=other.ends_on, id=other.pk),
        field="id",
    )


def preview_lockdown(
    *,
    user: Any,
    scope: str,
    target_id: int,
    start: datetime.date | None,
    days: int | None,
    today: datetime.date | None = None,
) -> LockdownPreview:
    """What applying would do, in counts; writes nothing."""
    today = _today(today)
    target = _target(user, scope, target_id)
    rules = epi_policy_for_path(target.compound.path)
    start, n, ends_on = _lockdown_dates(start, days, rules.lockdown_days, today)
    residents = target.residents()
    return LockdownPreview(
        scope=scope,
        label=target.label,
        start=start,
        ends_on=ends_on,
        days=n,
        units=target.units().count(),
        households=target.households().count(),
        residents=residents.count(),
        already_quarantined=residents.filter(
            quarantines__status=QuarantineStatus.ACTIVE, quarantines__kind=QuarantineKind.HOME
        )
        .distinct()
        .count(),
        overlaps=_overlapping(target.overlap_q(), start, ends_on),
    )


INSERT_LOCKDOWN_SQL = """
INSERT INTO epi_quarantine (resident_id, household_id, kind, reason, lockdown_id, contact_id, case_id,
                            room_id, start, planned_end, status, ended_on, end_note, path, grid_id,
                            created_by_id, created_at)
SELECT r.id, r.household_id, %s, %s, %s, NULL, %s, NULL, %s, %s, %s, NULL, '', r.path, r.grid_id, %s, %s
FROM ({residents}) r
"""


def _insert_lockdown_quarantines(lockdown: Lockdown, residents: QuerySet, *, user: Any) -> int:
    """One home quarantine per resident, in one INSERT ... SELECT (no rows through Python)."""
    sub_sql, sub_params = residents.values("id", "household_id", "path", "grid_id").query.sql_with_params()
    ops = connection.ops
    by = _by(user)
    params = [
        QuarantineKind.HOME.value,
        QuarantineReason.LOCKDOWN.value,
        lockdown.pk,
        lockdown.case_id,
        ops.adapt_datefield_value(lockdown.start),
        ops.adapt_datefield_value(lockdown.ends_on),
        QuarantineStatus.ACTIVE.value,
        by.pk if by else None,
        ops.adapt_datetimefield_value(timezone.now()),
        *sub_params,
    ]
    with connection.cursor() as cursor:
        cursor.execute(INSERT_LOCKDOWN_SQL.format(residents=sub_sql), params)
        return cursor.rowcount


@transaction.atomic
def apply_lockdown(
    *,
    user: Any,
    scope: str,
    target_id: int,
    start: datetime.date | None = None,
    days: int | None = None,
    case: Case | None = None,
    reason: str = "",
    today: datetime.date | None = None,
) -> Lockdown:
    """Seal the area: one home quarantine per resident inside (bulk), then the households' holds (one
    UPDATE). Refused when an active lockdown of an overlapping area overlaps the dates."""
    today = _today(today)
    target = _target(user, scope, target_id)
    rules = epi_policy_for_path(target.compound.path)
    start, n, ends_on = _lockdown_dates(start, days, rules.lockdown_days, today)
    if case is not None:
        case = Case.objects.visible_to(user).filter(pk=case.pk).first()
        if case is None:
            raise _not_found()
    # Serialize lockdowns of one compound, so that two overlapping ones cannot both pass the check.
    Compound.objects.select_for_update().filter(pk=target.compound.pk).first()
    other = _overlapping(target.overlap_q(), start, ends_on)
    if other is not None:
        raise _overlap_error(other)
    lockdown = Lockdown.objects.create(
        scope_kind=scope,
        unit=target.unit,
        building=target.building,
        compound=target.compound,
        label=target.label,
        start=start,
        days=n,
        ends_on=ends_on,
        case=case,
        reason=str(reason or "").strip()[:200],
        path=target.compound.path,
        created_by=_by(user),
    )
    placed = _insert_lockdown_quarantines(lockdown, target.residents(), user=user)
    _record_changes(
        Quarantine.objects.filter(lockdown=lockdown),
        QuarantineChange.Kind.START,
        new_end="q.planned_end",
        user=user,
    )
    households = target.households()
    recompute_holds(households.values("pk"))
    lockdown.households = households.count()
    lockdown.residents = placed
    lockdown.save(update_fields=["households", "residents"])
    audit.log(
        user=user,
        action=AuditAction.CREATE,
        obj=lockdown,
        summary=f"lockdown {lockdown.label} {start}..{ends_on}: {lockdown.households} households, "
        f"{lockdown.residents} residents",
    )
    return lockdown


def _locked_lockdown(user: Any, lockdown: Lockdown) -> Lockdown:
    _require_role(user)
    found = Lockdown.objects.visible_to(user).select_for_update().filter(pk=lockdown.pk).first()
    if found is None:
        raise _not_found()
    require_epi_editor(user, found.path)
    if found.status != LockdownStatus.ACTIVE:
        raise DomainError("lockdown_not_active", _("This lockdown has already been lifted."))
    return found


@transaction.atomic
def lift_lockdown(
    *, user: Any, lockdown: Lockdown, reason: str, today: datetime.date | None = None
) -> Lockdown:
    """Lift early: its active quarantines end (lifted); exits come back unless another reason holds."""
    today = _today(today)
    lockdown = _locked_lockdown(user, lockdown)
    reason = _reason_text(reason)
    _ended, households = _end_quarantines(
        lockdown.quarantines.all(), status=QuarantineStatus.LIFTED, today=today, note=reason, user=user
    )
    recompute_holds(households)
    lockdown.status = LockdownStatus.LIFTED
    lockdown.lifted_at = timezone.now()
    lockdown.lifted_by = _by(user)
    lockdown.lift_reason = reason
    lockdown.save(update_fields=["status", "lifted_at", "lifted_by", "lift_reason"])
    audit.log(user=user, action=AuditAction.CHANGE, obj=lockdown, summary=f"lifted: {reason}")
    return lockdown


@transaction.atomic
def extend_lockdown(*, user: Any, lockdown: Lockdown, days: int, reason: str = "") -> Lockdown:
    """Add days; the lockdown's active quarantines end on its new last day too."""
    lockdown = _locked_lockdown(user, lockdown)
    n = _days(days, 0)
    old_end = lockdown.ends_on
    new_end = old_end + datetime.timedelta(days=n)
    if lockdown.days + n > MAX_DAYS:
        raise DomainError(
            "bad_days", _("A lockdown lasts at most {max} days.").format(max=MAX_DAYS), field="days"
        )
    target = _Target(lockdown.scope_kind, lockdown.unit, lockdown.building, lockdown.compound, lockdown.label)
    other = _overlapping(
        target.overlap_q(), old_end + datetime.timedelta(days=1), new_end, exclude=lockdown.pk
    )
    if other is not None:
        raise _overlap_error(other)
    note = str(reason or "").strip()[:200]
    active = lockdown.quarantines.filter(status=QuarantineStatus.ACTIVE)
    _record_changes(
        active, QuarantineChange.Kind.EXTEND, old_end="q.planned_end", new_end="%s", new_end_value=new_end,
        note=note, user=user,
    )  # fmt: skip
    active.update(planned_end=new_end)
    recompute_holds(lockdown.quarantines.values("household_id"))
    lockdown.days += n
    lockdown.ends_on = new_end
    lockdown.save(update_fields=["days", "ends_on"])
    audit.log(user=user, action=AuditAction.CHANGE, obj=lockdown, summary=f"extended to {new_end} {note}")
    return lockdown


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
    require_epi_editor(user, resident.path)
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
    recompute_holds([resident.household_id])
    audit.log(
        user=user, action=AuditAction.CREATE, obj=q, summary=f"quarantine {kind} {reason} {resident.name}"
    )
    return q


def _locked_quarantine(user: Any, quarantine: Quarantine) -> Quarantine:
    _require_role(user)
    found = (
        Quarantine.objects.visible_to(user)
        .select_for_update()
        .filter(pk=quarantine.pk)
        .select_related("resident")
        .first()
    )
    if found is None:
        raise _not_found()
    require_epi_editor(user, found.path)
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
    audit.log(user=user, action=AuditAction.CHANGE, obj=q, summary=f"extended to {q.planned_end}")
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
    audit.log(user=user, action=AuditAction.CHANGE, obj=q, summary=f"shortened to {new_end}: {reason}")
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
    audit.log(user=user, action=AuditAction.CHANGE, obj=q, summary=f"moved to {room}")
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
    audit.log(user=user, action=AuditAction.CHANGE, obj=q, summary=f"released {override}".strip())
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
        resident = _visible_resident(user, resident)
        require_epi_editor(user, resident.path)
        if source not in CheckSource.values:
            raise DomainError("bad_source", _("Unknown source of the health check."), field="source")
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
    from lianfang.access.policy import policy_for_path

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
        Alert.objects.create(
            kind=AlertKind.HEALTH_CHECK,
            title=_("Abnormal health check: {where} {t}")
            .format(where=where, t=f"{value} °C" if value is not None else "")
            .strip(),
            detail=_("Symptoms: {s}. Fever line {line} °C.").format(s=labels or "-", line=fever_line),
            path=resident.path,
            household_id=resident.household_id,
            source_type="health_check",
            source_id=str(check.pk),
        )
    audit.log(user=user, action=AuditAction.CREATE, obj=check, summary=f"health check {resident.name}")
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
    require_epi_editor(user, area.path)
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
    audit.log(user=user, action=AuditAction.CREATE, obj=facility, path=area.path, summary=name)
    return facility


@transaction.atomic
def add_room(*, user: Any, facility: Facility, number: str, capacity: int) -> Room:
    _require_role(user)
    facility = Facility.objects.visible_to(user).select_related("area").filter(pk=facility.pk).first()
    if facility is None:
        raise _not_found()
    require_epi_editor(user, facility.area.path)
    number, beds = _room_fields(number, capacity)
    if Room.objects.filter(facility=facility, number=number).exists():
        raise DomainError("room_exists", _("Room {n} already exists.").format(n=number), field="number")
    return Room.objects.create(facility=facility, number=number, capacity=beds)


def room_occupancy(facility: Facility) -> list[tuple[Room, int]]:
    """Each room with its number of people in active quarantine: one query."""
    rooms = Room.objects.filter(facility=facility).annotate(
        occupied=Count("quarantines", filter=Q(quarantines__status=QuarantineStatus.ACTIVE))
    )
    return [(r, r.occupied) for r in rooms.order_by("number")]
