"""Use cases of the epidemic app: cases, lockdowns, quarantines, health checks and facilities.

Each public function is one transaction, authorizes with `core.scoping.authorize_write`, raises
`DomainError(code, message)` on bad input (changing nothing) and writes an audit entry when it touches
personal data. Dates rule (models.py): `planned_end`/`ends_on` are the last day inside, inclusive.
A household's gate hold (`Household.exits_held_until`) is derived from its reasons — a lockdown around
it, a home quarantine, an open case of a member not yet isolated — by `epi.holds.recompute_holds` after
every change to one of them (the rule is in epi/holds.py), so expiry restores exits by date without a job.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from lianfang.core import audit
from lianfang.core.alerts import raise_alert
from lianfang.core.audit import AuditAction
from lianfang.core.errors import DomainError
from lianfang.core.models import AlertKind, AlertSeverity
from lianfang.core.roles import EDIT_EPI
from lianfang.core.scoping import authorize_write
from lianfang.epi.holds import recompute_holds
from lianfang.epi.lockdowns import (
    LockdownPreview,
    apply_lockdown,
    extend_lockdown,
    lift_lockdown,
    preview_lockdown,
)
from lianfang.epi.models import (
    OPEN_CASE_STATUSES,
    Case,
    CaseSource,
    CaseStatus,
    CaseStatusChange,
    Quarantine,
    QuarantineStatus,
)
from lianfang.epi.quarantines import (
    add_room,
    create_facility,
    extend_quarantine,
    move_quarantine_room,
    record_health_check,
    release_quarantine,
    room_occupancy,
    shorten_quarantine,
    start_quarantine,
)
from lianfang.epi.service_common import (
    UNCHANGED,
    _by,
    _end_quarantines,
    _not_found,
    _not_in_future,
    _today,
    _visible_resident,
)
from lianfang.people.models import Resident
from lianfang.people.services import ResidentData, apply_clean, clean_resident, invalid_id_number
from lianfang.places.models import Area

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
    "room_occupancy",
    "shorten_quarantine",
    "start_quarantine",
    "update_case_dates",
]


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
    community = person.community
    if community is None:
        raise DomainError(
            "community_required", _("Choose the community that handles this person."), field="community"
        )
    authorize_write(user, action=EDIT_EPI, obj=community)
    clean = clean_resident(ResidentData(name=person.name, id_number=person.id_number, phone=person.phone))
    resident = Resident()
    apply_clean(resident, clean)
    if resident.id_hash:
        existing = Resident.objects.filter(id_hash=resident.id_hash).first()
        if existing is not None:
            if not Resident.objects.visible_to(user).filter(pk=existing.pk).exists():
                raise invalid_id_number()  # registered elsewhere: refused like a mistyped number
            # Already registered: the case is theirs.
            return _visible_resident(user, existing)
    resident.household = None
    resident.grid_id = None
    resident.path = community.path
    resident.save()
    audit.log(
        user=user,
        action=AuditAction.CREATE,
        obj=resident,
        summary=_("Registered for a case, without a household here"),
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
        authorize_write(user, action=EDIT_EPI, obj=resident)
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
    raise_alert(
        kind=AlertKind.CASE,
        severity=AlertSeverity.URGENT,
        title=_("New {status} case #{id}: {where}").format(
            status=CaseStatus(status).label, id=case.pk, where=where
        ),
        detail=_("Source: {source}.").format(source=CaseSource(source).label),
        path=case.path,
        household_id=resident.household_id,
        grid_id=case.grid_id,
        source_type="case",
        source_id=str(case.pk),
        dedup_key=f"case:{case.pk}",
    )
    audit.log(
        user=user,
        action=AuditAction.CREATE,
        obj=case,
        summary=_("Case reported: {status}, source: {source}").format(
            status=CaseStatus(status).label, source=CaseSource(source).label
        ),
    )
    return case


def _locked_case(user: Any, case: Case) -> Case:
    authorize_write(user, action=EDIT_EPI)
    found = Case.objects.visible_to(user).select_for_update().filter(pk=case.pk).first()
    if found is None:
        raise _not_found()
    authorize_write(user, action=EDIT_EPI, obj=found)
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
    else:  # closed: the case no longer holds the household (another reason may)
        recompute_holds([case.resident.household_id])
    audit.log(
        user=user,
        action=AuditAction.CHANGE,
        obj=case,
        summary=audit.because(
            _("Case status {old} → {new}").format(old=CaseStatus(old).label, new=CaseStatus(status).label),
            note,
        ),
    )
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
    # An isolation date means the person was moved to hospital or a facility: their open case no longer
    # holds the household; clearing it holds the household again (epi/holds.py).
    recompute_holds([case.resident.household_id])
    audit.log(
        user=user,
        action=AuditAction.CHANGE,
        obj=case,
        summary=_("Case dates: onset {onset}, reported {report}, isolated {isolation}").format(
            onset=_day(case.onset_date), report=_day(case.report_date), isolation=_day(case.isolation_date)
        ),
    )
    return case


def _day(day: datetime.date | None) -> str:
    return day.isoformat() if day else "-"


def end_quarantines_as_case(resident: Resident, case: Case, today: datetime.date, *, user: Any = None) -> int:
    """The person became a case: their active quarantines end (status became_case), and the holds of their
    household (now held by the open case until it is isolated, epi/holds.py) and of the quarantines'
    households are recomputed. Returns how many quarantines ended."""
    note = _("Became case #{id}").format(id=case.pk)
    ended, households = _end_quarantines(
        Quarantine.objects.filter(resident=resident),
        status=QuarantineStatus.BECAME_CASE,
        today=today,
        note=note,
        user=user,
    )
    recompute_holds([*households, resident.household_id])
    return ended
