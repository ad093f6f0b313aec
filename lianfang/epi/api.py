"""Epidemic API: register a case, read it and its contact candidates, seal an area (with a preview that
writes nothing), read a household's quarantines. Staff tokens or the session; everything scoped (out of
scope answers 404 like a missing row); ID numbers always masked. Endpoints parse, look up through
`visible_to(user)` and call `epi.services` / `epi.contacts`, which authorize and refuse with DomainError.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from lianfang.core.bounds import EventDate, OnsetDate, PlanDate
from lianfang.core.errors import DomainError
from lianfang.core.phones import phone_for
from lianfang.epi import contacts as epi_contacts
from lianfang.epi import services
from lianfang.epi.models import (
    Case,
    CaseSource,
    CaseStatus,
    Lockdown,
    LockdownScope,
    Quarantine,
    QuarantineStatus,
)
from lianfang.epi.policy import epi_policy_for_path
from lianfang.people.models import Resident
from lianfang.places.models import Area, AreaLevel, Household

router = Router(tags=["epidemic"])

MAX_QUARANTINES = 500


# --- schemas -------------------------------------------------------------------------------------


class PersonIn(Schema):
    """A person who is not in the registry (no household): kept as a resident without a household."""

    name: str = Field(..., description="Full name, e.g. 张三.")
    id_number: str = Field(..., description="18-digit ID number (validated; stored encrypted).")
    phone: str = Field("", description="Mobile or landline.")
    community: str = Field(..., description="Code of the community in charge, e.g. 340403001001.")


class CaseIn(Schema):
    resident_id: int | None = Field(None, description="A resident in your scope; or give `person`.")
    person: PersonIn | None = Field(None, description="A non-resident; or give `resident_id`.")
    status: CaseStatus = Field(..., description="suspected, confirmed or asymptomatic at registration.")
    source: CaseSource = CaseSource.OTHER
    onset_date: OnsetDate | None = Field(None, description="At most a year back (else 400 onset_too_early).")
    report_date: EventDate | None = Field(None, description="Default: today. 1900-01-01 to tomorrow.")
    isolation_date: EventDate | None = Field(None, description="1900-01-01 to tomorrow.")
    notes: str = ""


class PersonOut(Schema):
    id: int
    name: str
    id_number: str = Field(..., description="Always masked: 340403********1234.")
    phone: str = Field(..., description="Masked (139****5678) for roles that do not call households.")
    household_id: int | None
    household: str | None


class StatusChangeOut(Schema):
    from_status: str
    to_status: str
    note: str
    by: str | None
    at: datetime.datetime


class CaseOut(Schema):
    id: int
    person: PersonOut
    household_id: int | None = Field(..., description="The household at registration.")
    household: str | None
    status: str
    source: str
    onset_date: datetime.date | None
    report_date: datetime.date
    isolation_date: datetime.date | None
    notes: str
    created_at: datetime.datetime
    created_by: str | None
    changes: list[StatusChangeOut]


class ReasonOut(Schema):
    kind: str = Field(..., description="household, unit, gate or secondary.")
    text: str
    gate_id: int | None
    at: datetime.datetime | None
    minutes_apart: int | None


class CandidateOut(Schema):
    resident_id: int
    name: str
    household: str | None
    degree: int = Field(..., description="1 close contact, 2 secondary (household of a close contact).")
    score: int
    reasons: list[ReasonOut]
    via_resident_id: int | None
    decision: str | None = Field(..., description="null (undecided), confirmed or dismissed.")
    contact_id: int | None


class ContactsOut(Schema):
    case_id: int
    infectious_from: datetime.datetime
    infectious_until: datetime.datetime
    window_minutes: int
    candidates: list[CandidateOut]


class LockdownIn(Schema):
    scope: LockdownScope = Field(..., description="unit, building or compound.")
    id: int = Field(..., description="The id of the unit, building or compound.")
    start: PlanDate = Field(..., description="First day sealed (1900-01-01 to a year ahead).")
    days: int | None = Field(None, ge=1, le=366, description="Default: the area's policy (14).")
    preview: bool = Field(False, description="true: answer the counts and write nothing.")
    case_id: int | None = Field(None, description="The case that prompted it (optional).")
    reason: str = ""


class OverlapOut(Schema):
    id: int
    label: str
    start: datetime.date
    ends_on: datetime.date


class LockdownPreviewOut(Schema):
    preview: bool = True
    scope: str
    label: str
    start: datetime.date
    days: int
    ends_on: datetime.date = Field(..., description="The last day sealed (inclusive).")
    units: int
    households: int
    residents: int
    already_quarantined: int
    overlaps: OverlapOut | None = Field(..., description="An active lockdown this one would overlap.")


class LockdownOut(Schema):
    id: int
    scope: str
    label: str
    unit_id: int | None
    building_id: int | None
    compound_id: int
    start: datetime.date
    days: int
    ends_on: datetime.date = Field(..., description="The last day sealed (inclusive).")
    status: str
    households: int
    residents: int
    case_id: int | None
    reason: str
    created_at: datetime.datetime


class QuarantineOut(Schema):
    id: int
    person: PersonOut
    household_id: int | None
    kind: str = Field(..., description="home or facility.")
    reason: str = Field(..., description="lockdown, contact, secondary, case, travel or other.")
    status: str = Field(..., description="active, released, lifted or became_case.")
    start: datetime.date
    last_day: datetime.date = Field(..., description="The planned last day (inclusive).")
    day: int = Field(..., description="Day N of `days` today (from the dates, never a counter).")
    days: int
    overdue: bool = Field(..., description="Still active after its last day: waiting to be released.")
    ended_on: datetime.date | None
    end_note: str
    facility: str | None
    room: str | None
    lockdown_id: int | None
    case_id: int | None
    contact_id: int | None


# --- helpers -------------------------------------------------------------------------------------


def _household_label(h: Household | None) -> str | None:
    return f"{h.compound.name} {h.label}" if h is not None else None


def _person_out(user: Any, r: Resident) -> PersonOut:
    return PersonOut(
        id=r.id,
        name=r.name,
        id_number=r.masked_id,
        phone=phone_for(user, r.phone),
        household_id=r.household_id,
        household=_household_label(r.household),
    )


def _user_label(u: Any) -> str | None:
    return (u.name or u.username) if u is not None else None


def _case_out(user: Any, case: Case) -> CaseOut:
    return CaseOut(
        id=case.id,
        person=_person_out(user, case.resident),
        household_id=case.household_id,
        household=_household_label(case.household),
        status=case.status,
        source=case.source,
        onset_date=case.onset_date,
        report_date=case.report_date,
        isolation_date=case.isolation_date,
        notes=case.notes,
        created_at=case.created_at,
        created_by=_user_label(case.created_by),
        changes=[
            StatusChangeOut(
                from_status=c.from_status, to_status=c.to_status, note=c.note, by=_user_label(c.by), at=c.at
            )
            for c in case.changes.all()
        ],
    )


def _visible_case(request: Any, case_id: int) -> Case:
    return get_object_or_404(
        Case.objects.visible_to(request.user)
        .select_related("resident__household__compound", "household__compound", "created_by")
        .prefetch_related("changes__by"),
        pk=case_id,
    )


def _lockdown_out(lockdown: Lockdown) -> LockdownOut:
    return LockdownOut(
        id=lockdown.id,
        scope=lockdown.scope_kind,
        label=lockdown.label,
        unit_id=lockdown.unit_id,
        building_id=lockdown.building_id,
        compound_id=lockdown.compound_id,
        start=lockdown.start,
        days=lockdown.days,
        ends_on=lockdown.ends_on,
        status=lockdown.status,
        households=lockdown.households,
        residents=lockdown.residents,
        case_id=lockdown.case_id,
        reason=lockdown.reason,
        created_at=lockdown.created_at,
    )


def _quarantine_out(user: Any, q: Quarantine, today: datetime.date) -> QuarantineOut:
    room = q.room
    return QuarantineOut(
        id=q.id,
        person=_person_out(user, q.resident),
        household_id=q.household_id,
        kind=q.kind,
        reason=q.reason,
        status=q.status,
        start=q.start,
        last_day=q.planned_end,
        day=q.day_number(today),
        days=q.days,
        overdue=q.status == QuarantineStatus.ACTIVE and today > q.planned_end,
        ended_on=q.ended_on,
        end_note=q.end_note,
        facility=room.facility.name if room is not None else None,
        room=room.number if room is not None else None,
        lockdown_id=q.lockdown_id,
        case_id=q.case_id,
        contact_id=q.contact_id,
    )


# --- endpoints -----------------------------------------------------------------------------------


@router.post(
    "/cases",
    response={201: CaseOut},
    summary="Register a case: a resident (resident_id) or a non-resident (person)",
)
def create_case(request: Any, payload: CaseIn) -> Status[CaseOut]:
    if (payload.resident_id is None) == (payload.person is None):
        raise DomainError(
            "person_required",
            _(
                "Give either resident_id (a registered resident) or person (name, ID number, phone and "
                "community)."
            ),
            field="resident_id",
        )
    resident = None
    person = None
    if payload.resident_id is not None:
        resident = get_object_or_404(Resident.objects.visible_to(request.user), pk=payload.resident_id)
    else:
        assert payload.person is not None
        community = get_object_or_404(
            Area.objects.visible_to(request.user),
            code=payload.person.community.strip(),
            level=AreaLevel.COMMUNITY,
        )
        person = services.PersonData(
            name=payload.person.name,
            id_number=payload.person.id_number,
            phone=payload.person.phone,
            community=community,
        )
    case = services.create_case(
        user=request.user,
        resident=resident,
        person=person,
        status=payload.status,
        source=payload.source,
        onset_date=payload.onset_date,
        report_date=payload.report_date,
        isolation_date=payload.isolation_date,
        notes=payload.notes,
    )
    return Status(201, _case_out(request.user, _visible_case(request, case.id)))


@router.get("/cases/{case_id}", response=CaseOut, summary="A case with its status changes")
def get_case(request: Any, case_id: int) -> CaseOut:
    return _case_out(request.user, _visible_case(request, case_id))


@router.get(
    "/cases/{case_id}/contacts",
    response=ContactsOut,
    summary="A case's contact candidates, ranked, with their reasons and decisions",
)
def case_contacts(request: Any, case_id: int) -> ContactsOut:
    case = _visible_case(request, case_id)
    rules = epi_policy_for_path(case.path)
    start, end = epi_contacts.infectious_period(case, rules)
    found = epi_contacts.candidates(case, user=request.user)
    return ContactsOut(
        case_id=case.id,
        infectious_from=start,
        infectious_until=end,
        window_minutes=rules.contact_window_minutes,
        candidates=[
            CandidateOut(
                resident_id=c.resident_id,
                name=c.name,
                household=c.household_label,
                degree=c.degree,
                score=c.score,
                reasons=[
                    ReasonOut(
                        kind=r.kind,
                        text=str(r.text),
                        gate_id=r.gate_id,
                        at=r.at,
                        minutes_apart=r.minutes_apart,
                    )
                    for r in c.reasons
                ],
                via_resident_id=c.via_resident_id,
                decision=c.decision,
                contact_id=c.contact_id,
            )
            for c in found
        ],
    )


@router.post(
    "/lockdowns",
    response={200: LockdownPreviewOut, 201: LockdownOut},
    summary="Seal a unit, building or compound; with preview=true, answer the counts and write nothing",
)
def post_lockdown(request: Any, payload: LockdownIn) -> Status[Any]:
    if payload.preview:
        p = services.preview_lockdown(
            user=request.user,
            scope=payload.scope,
            target_id=payload.id,
            start=payload.start,
            days=payload.days,
        )
        overlap = p.overlaps
        return Status(
            200,
            LockdownPreviewOut(
                scope=p.scope,
                label=p.label,
                start=p.start,
                days=p.days,
                ends_on=p.ends_on,
                units=p.units,
                households=p.households,
                residents=p.residents,
                already_quarantined=p.already_quarantined,
                overlaps=OverlapOut(
                    id=overlap.id, label=overlap.label, start=overlap.start, ends_on=overlap.ends_on
                )
                if overlap is not None
                else None,
            ),
        )
    case = None
    if payload.case_id is not None:
        case = get_object_or_404(Case.objects.visible_to(request.user), pk=payload.case_id)
    lockdown = services.apply_lockdown(
        user=request.user,
        scope=payload.scope,
        target_id=payload.id,
        start=payload.start,
        days=payload.days,
        case=case,
        reason=payload.reason,
    )
    return Status(201, _lockdown_out(lockdown))


@router.get(
    "/quarantines",
    response=list[QuarantineOut],
    summary="A household's quarantines (all of them), or without `household` the active ones in your scope",
)
def list_quarantines(request: Any, household: int | None = None, limit: int = 100) -> list[QuarantineOut]:
    qs = Quarantine.objects.visible_to(request.user).select_related(
        "resident__household__compound", "room__facility"
    )
    if household is not None:
        h = get_object_or_404(Household.objects.visible_to(request.user), pk=household)
        qs = qs.filter(household=h).order_by("-start", "-id")
    else:
        limit = max(1, min(limit, MAX_QUARANTINES))
        qs = qs.filter(status=QuarantineStatus.ACTIVE).order_by("planned_end", "id")[:limit]
    today = timezone.localdate()
    return [_quarantine_out(request.user, q, today) for q in qs]
