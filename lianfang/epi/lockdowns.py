"""Lockdowns (封控): preview, apply, lift and extend — set-based, so a 1,000-household compound is
sealed in well under two seconds. Public through lianfang.epi.services."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.core import audit
from lianfang.core.audit import AuditAction
from lianfang.core.errors import DomainError
from lianfang.core.roles import EDIT_EPI
from lianfang.core.scoping import authorize_write
from lianfang.epi.holds import recompute_holds
from lianfang.epi.models import (
    OPEN_CASE_STATUSES,
    Case,
    Lockdown,
    LockdownScope,
    LockdownStatus,
    Quarantine,
    QuarantineChange,
    QuarantineKind,
    QuarantineReason,
    QuarantineStatus,
)
from lianfang.epi.policy import epi_policy_for_path
from lianfang.epi.service_common import (
    MAX_DAYS,
    _by,
    _days,
    _end_quarantines,
    _not_found,
    _reason_text,
    _record_changes,
    _today,
)
from lianfang.people.models import Resident
from lianfang.places.models import Building, Compound, Household, Unit


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
        people with an open case (they are isolated as cases, not quarantined) and people in facility
        quarantine (they are not at home; one person is never in home and facility quarantine at once).
        Their households are held all the same: the lockdown itself holds them (epi/holds.py)."""
        open_cases = Case.objects.filter(status__in=OPEN_CASE_STATUSES).values("resident_id")
        # Correlated, on the resident index: not a scan of every active quarantine of the city.
        in_facility = Quarantine.objects.filter(
            resident=OuterRef("pk"), status=QuarantineStatus.ACTIVE, kind=QuarantineKind.FACILITY
        )
        return (
            Resident.objects.filter(household__in=self.households().values("pk"))
            .exclude(pk__in=open_cases)
            .exclude(Exists(in_facility))
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
    authorize_write(user, action=EDIT_EPI)
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
    authorize_write(user, action=EDIT_EPI, obj=target.compound)
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
        summary=audit.because(
            _("Sealed {start} to {end}; households: {households}, people: {residents}").format(
                start=start.isoformat(),
                end=ends_on.isoformat(),
                households=lockdown.households,
                residents=lockdown.residents,
            ),
            lockdown.reason,
        ),
    )
    return lockdown


def _target_of(lockdown: Lockdown) -> _Target:
    return _Target(lockdown.scope_kind, lockdown.unit, lockdown.building, lockdown.compound, lockdown.label)


def _locked_lockdown(user: Any, lockdown: Lockdown) -> Lockdown:
    authorize_write(user, action=EDIT_EPI)
    found = Lockdown.objects.visible_to(user).select_for_update().filter(pk=lockdown.pk).first()
    if found is None:
        raise _not_found()
    authorize_write(user, action=EDIT_EPI, obj=found)
    if found.status != LockdownStatus.ACTIVE:
        raise DomainError("lockdown_not_active", _("This lockdown has already been lifted."))
    return found


@transaction.atomic
def lift_lockdown(
    *, user: Any, lockdown: Lockdown, reason: str, today: datetime.date | None = None
) -> Lockdown:
    """Lift early: its active quarantines end (lifted); exits come back unless another reason holds
    (a contact's home quarantine, an open case at home, another lockdown: epi/holds.py)."""
    today = _today(today)
    lockdown = _locked_lockdown(user, lockdown)
    reason = _reason_text(reason)
    ended, households = _end_quarantines(
        lockdown.quarantines.all(), status=QuarantineStatus.LIFTED, today=today, note=reason, user=user
    )
    lockdown.status = LockdownStatus.LIFTED
    lockdown.lifted_at = timezone.now()
    lockdown.lifted_by = _by(user)
    lockdown.lift_reason = reason
    lockdown.save(update_fields=["status", "lifted_at", "lifted_by", "lift_reason"])
    recompute_holds([*households, *_target_of(lockdown).households().values_list("pk", flat=True)])
    audit.log(
        user=user,
        action=AuditAction.CHANGE,
        obj=lockdown,
        summary=audit.because(_("Lifted early; quarantines ended: {n}").format(n=ended), reason),
    )
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
    target = _target_of(lockdown)
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
    lockdown.days += n
    lockdown.ends_on = new_end
    lockdown.save(update_fields=["days", "ends_on"])
    households = set(lockdown.quarantines.values_list("household_id", flat=True))
    recompute_holds([*households, *target.households().values_list("pk", flat=True)])
    audit.log(
        user=user,
        action=AuditAction.CHANGE,
        obj=lockdown,
        summary=audit.because(_("Extended, last day {end}").format(end=new_end.isoformat()), note),
    )
    return lockdown
