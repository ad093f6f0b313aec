"""The JSON API of the alert inbox (added to /api/v1/ by lianfang/api.py): list the alerts of your scope,
read one with its history, acknowledge, assign and resolve. Staff tokens or the session; everything scoped
(out of scope answers 404 like a missing alert); refusals are DomainError answers from watch/inbox.py."""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from lianfang.core.api_schema import documented_body, read_body
from lianfang.core.bounds import BIGINT_MAX
from lianfang.core.models import UNRESOLVED_ALERT_STATUSES, Alert, AlertKind
from lianfang.watch import inbox
from lianfang.watch.inbox_queries import MAX_PAGE, alerts_for, timing

router = Router(tags=["watch"])

Id = Annotated[int, Field(ge=1, le=BIGINT_MAX)]
UNRESOLVED = "unresolved"
StatusFilter = Literal["open", "acknowledged", "assigned", "resolved", "unresolved"]


# --- schemas -------------------------------------------------------------------------------------
class PersonRef(Schema):
    id: int
    name: str


class AlertStepOut(Schema):
    kind: str = Field(..., description="raised, acknowledged, assigned, resolved, escalated, note, repeated.")
    by: PersonRef | None
    assignee: PersonRef | None
    note: str
    at: datetime.datetime


class AlertOut(Schema):
    id: int
    kind: str
    severity: str = Field(..., description="notice, warning or urgent.")
    status: str = Field(..., description="open, acknowledged, assigned or resolved.")
    title: str
    detail: str
    path: str = Field(..., description="The area of the signal (its materialized path).")
    handler_path: str = Field(
        ..., description="The area that must answer it now (one level up per escalation)."
    )
    household_id: int | None
    grid_id: int | None
    created_at: datetime.datetime
    respond_by: datetime.datetime | None = Field(
        ..., description="Acknowledge by (open alerts escalate after)."
    )
    overdue: bool = Field(..., description="Open and past respond_by.")
    escalations: int
    acknowledged_at: datetime.datetime | None
    acknowledged_by: PersonRef | None
    assigned_to: PersonRef | None
    assigned_at: datetime.datetime | None
    resolved_at: datetime.datetime | None
    resolved_by: PersonRef | None
    outcome: str = Field(..., description="real, false_alarm or duplicate once resolved; else empty.")
    resolution: str


class AlertDetailOut(AlertOut):
    events: list[AlertStepOut]


class AlertPageOut(Schema):
    alerts: list[AlertOut]
    next_before: int | None = Field(
        ..., description="Pass as `before` for the next (older) page; null: last."
    )


class AssignIn(Schema):
    user: int = Field(
        ..., ge=1, le=BIGINT_MAX, description="A user who may take it: staff, health or grid worker."
    )


class NoteIn(Schema):
    note: str = Field(..., max_length=500, description="What was done, who was called.")


class ResolveIn(Schema):
    outcome: str = Field(..., description="real, false_alarm or duplicate.")
    note: str = Field("", max_length=500, description="Required for a false alarm.")


# --- helpers -------------------------------------------------------------------------------------
def _person(u: Any) -> PersonRef | None:
    return PersonRef(id=u.pk, name=u.name or u.username) if u is not None else None


def _out(a: Alert, now: datetime.datetime) -> dict[str, Any]:
    return {
        "id": a.pk,
        "kind": a.kind,
        "severity": a.severity,
        "status": a.status,
        "title": a.title,
        "detail": a.detail,
        "path": a.path,
        "handler_path": a.handler_path,
        "household_id": a.household_id,
        "grid_id": a.grid_id,
        "created_at": a.created_at,
        "respond_by": a.respond_by,
        "overdue": timing(a, now).overdue,
        "escalations": a.escalations,
        "acknowledged_at": a.acknowledged_at,
        "acknowledged_by": _person(a.acknowledged_by),
        "assigned_to": _person(a.assigned_to),
        "assigned_at": a.assigned_at,
        "resolved_at": a.handled_at,
        "resolved_by": _person(a.handled_by),
        "outcome": a.outcome,
        "resolution": a.resolution,
    }


PEOPLE = ("acknowledged_by", "assigned_to", "handled_by")


def _detail(request: Any, alert_id: int) -> AlertDetailOut:
    alert = get_object_or_404(alerts_for(request.user).select_related(*PEOPLE), pk=alert_id)
    steps = alert.events.select_related("by", "assignee")
    return AlertDetailOut(
        **_out(alert, timezone.now()),
        events=[
            AlertStepOut(kind=s.kind, by=_person(s.by), assignee=_person(s.assignee), note=s.note, at=s.at)
            for s in steps
        ],
    )


def _visible(request: Any, alert_id: int) -> Alert:
    return get_object_or_404(alerts_for(request.user), pk=alert_id)


# --- endpoints -----------------------------------------------------------------------------------
@router.get("/alerts", response=AlertPageOut, summary="The alerts of your scope, newest first (keyset by id)")
def list_alerts(
    request: Any,
    status: Annotated[
        StatusFilter | None,
        Query(description="open, acknowledged, assigned, resolved, or unresolved (the first three)."),
    ] = None,
    kind: AlertKind | None = None,
    before: Annotated[
        int | None, Query(ge=1, le=BIGINT_MAX, description="Only alerts with a smaller id.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
) -> dict[str, Any]:
    qs = alerts_for(request.user)
    if status == UNRESOLVED:
        qs = qs.filter(status__in=UNRESOLVED_ALERT_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if before is not None:
        qs = qs.filter(pk__lt=before)
    rows = list(qs.select_related(*PEOPLE).order_by("-id")[: limit + 1])
    now = timezone.now()
    page = rows[:limit]
    return {"alerts": [_out(a, now) for a in page], "next_before": page[-1].pk if len(rows) > limit else None}


@router.get("/alerts/{alert_id}", response=AlertDetailOut, summary="One alert with its history")
def get_alert(request: Any, alert_id: Id) -> AlertDetailOut:
    return _detail(request, alert_id)


@router.post("/alerts/{alert_id}/acknowledge", response=AlertDetailOut, summary="Acknowledge an open alert")
def acknowledge(request: Any, alert_id: Id) -> AlertDetailOut:
    inbox.acknowledge_alert(user=request.user, alert=_visible(request, alert_id))
    return _detail(request, alert_id)


@router.post(
    "/alerts/{alert_id}/assign",
    response=AlertDetailOut,
    summary="Assign an alert to a person",
    openapi_extra=documented_body(AssignIn),
)
def assign(request: Any, alert_id: Id) -> AlertDetailOut:
    alert = _visible(request, alert_id)
    payload = read_body(request, AssignIn)
    inbox.assign_alert(user=request.user, alert=alert, assignee=payload.user)
    return _detail(request, alert_id)


@router.post(
    "/alerts/{alert_id}/resolve",
    response=AlertDetailOut,
    summary="Resolve an alert with its outcome",
    openapi_extra=documented_body(ResolveIn),
)
def resolve(request: Any, alert_id: Id) -> AlertDetailOut:
    alert = _visible(request, alert_id)
    payload = read_body(request, ResolveIn)
    inbox.resolve_alert(user=request.user, alert=alert, outcome=payload.outcome, note=payload.note)
    return _detail(request, alert_id)


@router.post(
    "/alerts/{alert_id}/notes",
    response=AlertDetailOut,
    summary="Add a note to an alert's history (in any state)",
    openapi_extra=documented_body(NoteIn),
)
def add_note(request: Any, alert_id: Id) -> AlertDetailOut:
    alert = _visible(request, alert_id)
    payload = read_body(request, NoteIn)
    inbox.add_alert_note(user=request.user, alert=alert, note=payload.note)
    return _detail(request, alert_id)
