"""Gate API: gates for staff, scans for gate devices (single or batch), a household's passes."""

from __future__ import annotations

from typing import Annotated, Any, TypedDict

from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.security import HttpBearer
from pydantic import TypeAdapter

from lianfang.access import gatecache
from lianfang.access.models import Pass
from lianfang.access.scan import ScanInput, record_scans
from lianfang.core.bounds import load_json
from lianfang.core.errors import DomainError
from lianfang.places.models import Gate, Household

router = Router(tags=["gates"])


class DeviceToken(HttpBearer):
    """A gate device token (`manage.py create_gate_device --gate ID`)."""

    def __call__(self, request: Any) -> Any:
        # HttpBearer's reading of `Authorization: Bearer <token>`, taken straight from the WSGI environ:
        # request.headers would first copy every header of the request, on every scan.
        value = request.META.get("HTTP_AUTHORIZATION")
        if not value:
            return None
        scheme, _sep, token = value.partition(" ")
        if scheme.lower() != self.openapi_scheme:
            return None
        return self.authenticate(request, token)

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


class ScanIn(TypedDict, total=False):
    """One scan as a device sends it (documentation only: the endpoint takes each field loosely and
    record_scan checks it, so that one bad item of a batch is answered on its own)."""

    client_id: Annotated[
        str | None, Field(description="A UUID made by the device; resending it records nothing new.")
    ]
    token: Annotated[str | None, Field(description="The QR text of the pass, or its 8-character number.")]
    direction: Annotated[str | None, Field(description='"in" or "out".')]
    temperature: Annotated[float | str | None, Field(description="°C, 34-43.")]
    scanned_at: Annotated[
        str | None,
        Field(
            description="ISO-8601 time on the device (kept; the server decides on its own time). Outside "
            "1900-01-01 to tomorrow, or not a time: that scan alone is refused (scanned_at_invalid)."
        ),
    ]


MAX_BATCH = 500
_SCAN_ITEM_SCHEMA = TypeAdapter(ScanIn).json_schema()
SCAN_BODY_OPENAPI = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "anyOf": [
                        _SCAN_ITEM_SCHEMA,
                        {"type": "array", "items": _SCAN_ITEM_SCHEMA, "maxItems": MAX_BATCH},
                    ]
                }
            }
        },
    }
}


def parse_scans(body: bytes) -> tuple[list[ScanInput], bool]:
    """(scans, whether a list was sent). The gate's hot path reads the body itself: django-ninja's body
    machinery (a Schema model per item, then model_dump) cost more than the rest of the request."""
    payload = load_json(body)  # 400 malformed_json or json_too_deep
    is_list = isinstance(payload, list)
    items = payload if is_list else [payload]
    if not all(isinstance(i, dict) for i in items):
        raise DomainError("invalid", _("Send one scan or a list of scans."), status=422)
    if len(items) > MAX_BATCH:
        raise DomainError("batch_too_large", _("Send at most 500 scans at once."))
    return [ScanInput.from_mapping(i) for i in items], is_list


class MemberHint(Schema):
    position: int
    sex: str
    age: str = Field(..., description='an age band, e.g. "40s"; never a name')


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
    members: list[MemberHint] | None = Field(
        None, description="a fever: the household's members by position in its list, to ask which one it was"
    )


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
    openapi_extra=SCAN_BODY_OPENAPI,
)
def post_scans(request: Any) -> Any:
    scans, is_list = parse_scans(request.body)
    answers = [r.as_dict() for r in record_scans(gate=request.gate_ctx, scans=scans)]
    # Answered as built (the schema above documents it): validating our own output again on every scan
    # of the gate's hot path would cost more than the rest of the response.
    return JsonResponse(answers if is_list else answers[0], safe=False)


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
