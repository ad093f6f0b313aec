"""The JSON API of mobilization (added to /api/v1/ by lianfang/api.py): report in, read a roster with its
people and gaps, claim a call for help, check in and out of a shift. Tokens or the session; every read is
scoped (out of scope answers 404); refusals are the services' DomainErrors."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from lianfang.core.bounds import BIGINT_MAX, PLAN
from lianfang.core.errors import DomainError
from lianfang.core.roles import READ_ROSTER, Role
from lianfang.mobilize import services
from lianfang.mobilize.calls import calls_open_to
from lianfang.mobilize.gaps import gap_rows
from lianfang.mobilize.models import (
    LIVE_ASSIGNMENTS,
    Assignment,
    HelpCall,
    Volunteer,
    VolunteerKind,
)
from lianfang.places.models import Gate

router = Router(tags=["mobilize"])

Id = Annotated[int, Field(ge=1, le=BIGINT_MAX)]
MAX_ROSTER_DAYS = 14


class ReportInIn(Schema):
    community: str = Field(
        ..., max_length=20, description="The community's code (GB/T 2260 + street + community)."
    )
    name: str = Field(..., max_length=50)
    phone: str = Field(..., max_length=30)
    id_number: str = Field(..., max_length=40, description="Validated (GB 11643 checksum); stored protected.")
    kind: str = Field(..., description=", ".join(VolunteerKind.values))
    employer: str = Field("", max_length=100, description="Required for a party member in post.")
    skills: list[str] = Field(default_factory=list, max_length=20)
    availability: str = Field("", max_length=200)


class ReportInOut(Schema):
    id: int
    name: str
    status: str = Field(..., description="pending, active, paused, lapsed or declined.")
    kind: str
    community: str = Field(..., description="The community's code.")
    id_number: str = Field(..., description="Masked: region, eight stars, last four.")


class RosterPersonOut(Schema):
    assignment: int
    name: str
    status: str = Field(..., description="invited, accepted, checked_in or checked_out.")
    lead: bool


class RosterShiftOut(Schema):
    id: int
    gate: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    needed: int
    covering: int
    invited: int
    checked_in: int
    gap: str = Field(..., description="uncovered, under, unconfirmed, at_risk or ok (docs/mobilize.md).")
    people: list[RosterPersonOut]


class RosterOut(Schema):
    shifts: list[RosterShiftOut]


class CallClaimOut(Schema):
    call: int
    status: str = Field(..., description="claimed or waiting (the wait list); withdrawn.")


class ShiftAssignmentOut(Schema):
    id: int
    shift: int
    status: str
    checked_in_at: datetime.datetime | None
    checked_out_at: datetime.datetime | None


@router.post("/volunteers", response={201: ReportInOut}, summary="Report in to a community (报到)")
def post_volunteer(request: Any, payload: ReportInIn) -> Status:
    v = services.report_in(user=request.user, data=services.ReportIn(**payload.dict()))
    return Status(201, _volunteer(v))


def _volunteer(v: Volunteer) -> dict[str, Any]:
    return {
        "id": v.pk,
        "name": v.name,
        "status": v.status,
        "kind": v.kind,
        "community": v.community.code,
        "id_number": v.masked_id,
    }


@router.get("/roster", response=RosterOut, summary="The shifts of a gate (or of your scope), people and gaps")
def get_roster(
    request: Any,
    gate: Annotated[int | None, Query(ge=1, le=BIGINT_MAX)] = None,
    from_: Annotated[datetime.date | None, Query(alias="from")] = None,
    to: Annotated[datetime.date | None, Query()] = None,
) -> dict[str, Any]:
    user = request.user
    if not (READ_ROSTER.allows(user) or user.role == Role.GATE):
        raise DomainError("forbidden", _("Your role may not do this."), status=403)
    if gate is not None:
        get_object_or_404(Gate.objects.visible_to(user), pk=gate)
    today = timezone.localdate()
    first = PLAN.check(from_ or today, field="from")
    last = PLAN.check(to or first + datetime.timedelta(days=2), field="to")
    if last < first or (last - first).days >= MAX_ROSTER_DAYS:
        raise DomainError(
            "bad_range", _("At most {n} days, from before to.").format(n=MAX_ROSTER_DAYS), field="to"
        )
    since = timezone.make_aware(datetime.datetime.combine(first, datetime.time.min))
    until = timezone.make_aware(
        datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min)
    )
    rows = gap_rows(user, gate_id=gate, since=since, until=until, limit=2000)
    people: dict[int, list[dict[str, Any]]] = {}
    for a in Assignment.objects.filter(
        shift_id__in=[r.shift_id for r in rows], status__in=LIVE_ASSIGNMENTS
    ).select_related("volunteer"):
        people.setdefault(a.shift_id, []).append(
            {"assignment": a.pk, "name": a.volunteer.name, "status": a.status, "lead": a.is_lead}
        )
    return {
        "shifts": [
            {
                "id": r.shift_id,
                "gate": r.gate_id,
                "starts_at": r.starts_at,
                "ends_at": r.ends_at,
                "needed": r.needed,
                "covering": r.covering,
                "invited": r.invited,
                "checked_in": r.checked_in,
                "gap": r.gap,
                "people": people.get(r.shift_id, []),
            }
            for r in rows
        ]
    }


def _call(user: Any, call_id: int) -> HelpCall:
    if user.role == Role.VOLUNTEER and not user.is_superuser:
        qs = calls_open_to(user.scope_path, timezone.now()) | HelpCall.objects.filter(
            claims__volunteer__user=user
        )
    else:
        qs = HelpCall.objects.visible_to(user)
    return get_object_or_404(qs.distinct(), pk=call_id)


@router.post(
    "/calls/{call_id}/claim", response=CallClaimOut, summary="Claim a place on a call for help (or wait)"
)
def claim(request: Any, call_id: Id) -> dict[str, Any]:
    c = _call(request.user, call_id)
    made = services.claim_call(user=request.user, call=c.pk)
    return {"call": c.pk, "status": made.status}


@router.post("/calls/{call_id}/withdraw", response=CallClaimOut, summary="Withdraw a claim")
def withdraw(request: Any, call_id: Id) -> dict[str, Any]:
    c = _call(request.user, call_id)
    made = services.withdraw_claim(user=request.user, call=c.pk)
    return {"call": c.pk, "status": made.status}


def _assignment(user: Any, assignment_id: int) -> Assignment:
    qs = Assignment.objects.visible_to(user) | Assignment.objects.filter(volunteer__user=user)
    return get_object_or_404(qs.distinct(), pk=assignment_id)


def _assignment_out(a: Assignment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "shift": a.shift_id,
        "status": a.status,
        "checked_in_at": a.checked_in_at,
        "checked_out_at": a.checked_out_at,
    }


@router.post(
    "/assignments/{assignment_id}/check-in", response=ShiftAssignmentOut, summary="Check in to a shift"
)
def check_in(request: Any, assignment_id: Id) -> dict[str, Any]:
    a = _assignment(request.user, assignment_id)
    return _assignment_out(services.check_in(user=request.user, assignment=a.pk))


@router.post(
    "/assignments/{assignment_id}/check-out", response=ShiftAssignmentOut, summary="Check out of a shift"
)
def check_out(request: Any, assignment_id: Id) -> dict[str, Any]:
    a = _assignment(request.user, assignment_id)
    return _assignment_out(services.check_out(user=request.user, assignment=a.pk))
