"""Gate API: gates for staff, scans for gate devices (single or batch), a household's passes."""

from __future__ import annotations

from typing import Any

from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.security import HttpBearer

from lianfang.access import gatecache
from lianfang.access.models import Pass
from lianfang.access.scan import ScanInput, record_scans
from lianfang.places.models import Gate, Household

router = Router(tags=["gates"])


class DeviceToken(HttpBearer):
    """A gate device token (`manage.py create_gate_device --gate ID`)."""

    def authenticate(self, request: Any, token: str) -> Any:
        ctx = gatecache.for_device_token(token)
        if ctx is None:
            return None
        request.gate_ctx = ctx
        return ctx


class GateOut(Schema):
    id: int
    name: str
    compound: str
    compound_id: int
    open: bool
    accepts: list[str]


class ScanIn(Schema):
    client_id: str | None = Field(
        None, description="A UUID made by the device; resending it records nothing new."
    )
    token: str | None = Field(None, description="The QR text of the pass, or its 8-character number.")
    direction: str | None = Field(None, description='"in" or "out".')
    temperature: float | str | None = Field(None, description="°C, 34-43.")
    scanned_at: str | None = Field(
        None, description="ISO-8601 time on the device (kept; the server decides on its own time)."
    )


class ScanOut(Schema):
    client_id: str
    decision: str = Field(..., description='"allowed", "refused" or "referred"')
    code: str
    message: str
    advice: str
    household: str | None
    exits_left: int | None
    next_allowed: str | None
    duplicate: bool


class PassOut(Schema):
    id: int
    kind: str
    number: str
    status: str
    valid_from: str
    valid_to: str
    qr: str


@router.get("/gates", response=list[GateOut], summary="Gates in your scope")
def list_gates(request: Any) -> list[GateOut]:
    gates = (
        Gate.objects.visible_to(request.user).select_related("compound").order_by("compound__name", "name")
    )
    return [
        GateOut(
            id=g.id,
            name=g.name,
            compound=g.compound.name,
            compound_id=g.compound_id,
            open=g.is_open,
            accepts=g.accepted_kinds.split(),
        )
        for g in gates
    ]


@router.post(
    "/gate/scans",
    auth=DeviceToken(),
    response={200: ScanOut | list[ScanOut]},
    summary="Record one scan, or a batch (a JSON list), at the device's gate",
)
def post_scans(request: Any, payload: ScanIn | list[ScanIn]) -> Any:
    ctx = request.gate_ctx
    items = payload if isinstance(payload, list) else [payload]
    if len(items) > 500:
        from lianfang.core.errors import DomainError

        raise DomainError("batch_too_large", _("Send at most 500 scans at once."))
    scans = [ScanInput.from_mapping(s.model_dump()) for s in items]
    answers = [r.as_dict() for r in record_scans(gate=ctx, scans=scans)]
    # Answered as built (the schema above documents it): validating our own output again on every scan
    # of the gate's hot path would cost more than the rest of the response.
    return JsonResponse(answers if isinstance(payload, list) else answers[0], safe=False)


@router.get(
    "/households/{household_id}/passes", response=list[PassOut], summary="A household's passes and QR texts"
)
def household_passes(request: Any, household_id: int) -> list[PassOut]:
    household = get_object_or_404(Household.objects.visible_to(request.user), pk=household_id)
    passes = Pass.objects.visible_to(request.user).filter(household=household).order_by("id")
    return [
        PassOut(
            id=p.id,
            kind=p.kind,
            number=p.display_number,
            status=p.status,
            valid_from=p.valid_from.isoformat(),
            valid_to=p.valid_to.isoformat(),
            qr=p.qr_text,
        )
        for p in passes
    ]
