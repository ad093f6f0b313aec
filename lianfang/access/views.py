"""The checkpoint page for gate duty: scan or type a pass, the decision fills the screen.

Scans are posted as JSON to `checkpoint_scans` (the same body as the device API, one or a list), so
the page's offline queue can send what it collected as one batch when the network is back.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianfang.access import gatecache
from lianfang.access.fever import name_fever_member
from lianfang.access.models import Delivery, Passage, Visitor
from lianfang.access.policy import policy_for_path
from lianfang.access.scan import ScanInput, record_scans
from lianfang.access.services import log_delivery, mark_picked_up, register_visitor
from lianfang.core import bounds
from lianfang.core.errors import DomainError
from lianfang.core.roles import Role
from lianfang.places.models import Gate, Household
from lianfang.places.services import household_filter, parse_address

MAX_BATCH = 500


def guard_gate(request: HttpRequest) -> Gate:
    """The gate this user keeps: gate duty has one; others have no checkpoint (404)."""
    user: Any = request.user
    if user.role == Role.GATE and user.gate_id:
        return get_object_or_404(Gate.objects.visible_to(user).select_related("compound"), pk=user.gate_id)
    if user.is_superuser and request.GET.get("gate"):
        return get_object_or_404(
            Gate.objects.select_related("compound"), pk=bounds.parse_id(request.GET["gate"]) or 0
        )
    raise Http404


@login_required
def checkpoint(request: HttpRequest) -> HttpResponse:
    gate = guard_gate(request)
    policy = policy_for_path(gate.path)
    today = timezone.localdate()
    since = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    recent = Passage.objects.filter(gate=gate, server_time__gte=since)
    return render(
        request,
        "access/checkpoint.html",
        {
            "gate": gate,
            "policy": policy,
            "texts": checkpoint_texts(),
            "counts": {
                "in": recent.filter(direction="in").count(),
                "out": recent.filter(direction="out", decision="allowed").count(),
                "refused": recent.exclude(decision="allowed").count(),
            },
        },
    )


def checkpoint_texts() -> dict[str, str]:
    return {
        "allowed": _("ALLOWED"),
        "refused": _("REFUSED"),
        "referred": _("REFERRED"),
        "queued": _("SAVED — NO NETWORK"),
        "queuedMessage": _(
            "No network: the scan is kept on this phone and will be decided when the network is back."
        ),
        "queuedAdvice": _(
            "Check the paper pass by eye and follow the rule; the record will be sent automatically."
        ),
        "exitsLeft": _("Exits left this period"),
        "nextAllowed": _("Next exit allowed on"),
        "online": _("Online"),
        "offline": _("Offline"),
        "needToken": _("Scan the QR or type the pass number."),
        "needTemp": _("Take the temperature first."),
        "badTemp": _("A temperature must be between 34 and 43 °C."),
        "noCamera": _("The camera is not available here; type the pass number."),
        "relogin": _("Your login has expired: log in again; the waiting scans are kept."),
        "feverWho": _("Which member has the fever? (their number in the household's list)"),
        "memberNo": _("No. {n}"),
        "noneOfThem": _("None of them / cannot tell"),
        "notSent": _("Not sent: check the network and tap again."),
    }


@login_required
@require_POST
def checkpoint_scans(request: HttpRequest) -> JsonResponse:
    gate = guard_gate(request)
    try:
        payload = bounds.load_json(request.body or b"")
    except DomainError as err:
        return JsonResponse(err.as_dict(), status=err.status)
    items = payload if isinstance(payload, list) else [payload]
    if len(items) > MAX_BATCH or not all(isinstance(i, dict) for i in items):
        return JsonResponse(
            {"code": "malformed_json", "message": _("Send one scan or a list of scans.")}, status=400
        )
    ctx = gatecache.for_gate(gate.pk)
    if ctx is None:  # pragma: no cover - the gate was just loaded
        raise Http404
    scans = [ScanInput.from_mapping(i) for i in items]
    answers = [r.as_dict() for r in record_scans(gate=ctx, scans=scans, guard_id=request.user.pk)]
    return JsonResponse(answers if isinstance(payload, list) else answers[0], safe=False)


@login_required
@require_POST
def checkpoint_fever_member(request: HttpRequest) -> JsonResponse:
    """After a fever: which member of the household it was, by position (access.fever). JSON in and out."""
    gate = guard_gate(request)
    ctx = gatecache.for_gate(gate.pk)
    if ctx is None:  # pragma: no cover - the gate was just loaded
        raise Http404
    try:
        payload = bounds.load_json(request.body or b"")
        if not isinstance(payload, dict):
            raise DomainError("malformed_json", _("Send the scan and the member's position."))
        answer = name_fever_member(
            gate=ctx, guard=request.user, client_id=payload.get("client_id"), position=payload.get("position")
        )
    except DomainError as err:
        return JsonResponse(err.as_dict(), status=err.status)
    return JsonResponse(answer)


@login_required
def visitors(request: HttpRequest) -> HttpResponse:
    gate = guard_gate(request)
    error: DomainError | None = None
    created: Visitor | None = None
    form = {k: request.POST.get(k, "") for k in ("name", "phone", "purpose", "host", "temperature")}
    if request.method == "POST":
        host = None
        if form["host"].strip():
            host = _household_by_label(gate, form["host"])
        try:
            if form["host"].strip() and host is None:
                raise DomainError(
                    "host_unknown",
                    _("No household {label} in this compound.").format(label=form["host"]),
                    field="host",
                )
            created = register_visitor(
                guard=request.user,
                gate=gate,
                name=form["name"],
                phone=form["phone"],
                purpose=form["purpose"],
                host=host,
                temperature=form["temperature"],
            )
            form = dict.fromkeys(form, "")
        except DomainError as err:
            error = err
    since = timezone.now() - datetime.timedelta(hours=24)
    rows = (
        Visitor.objects.visible_to(request.user).filter(gate=gate, at__gte=since).select_related("host")[:50]
    )
    return render(
        request,
        "access/visitors.html",
        {
            "gate": gate,
            "rows": rows,
            "error": error,
            "created": created,
            "form": form,
            "policy": policy_for_path(gate.path),
        },
    )


@login_required
def deliveries(request: HttpRequest) -> HttpResponse:
    gate = guard_gate(request)
    error: DomainError | None = None
    form = {k: request.POST.get(k, "") for k in ("household", "carrier", "note")}
    if request.method == "POST":
        try:
            if request.POST.get("picked_up"):
                d = get_object_or_404(Delivery, pk=bounds.parse_id(request.POST["picked_up"]) or 0, gate=gate)
                mark_picked_up(guard=request.user, delivery=d)
            else:
                household = _household_by_label(gate, form["household"])
                if household is None:
                    raise DomainError(
                        "household_unknown",
                        _("No household {label} in this compound.").format(label=form["household"]),
                        field="household",
                    )
                log_delivery(
                    guard=request.user,
                    gate=gate,
                    household=household,
                    carrier=form["carrier"],
                    note=form["note"],
                )
                form = dict.fromkeys(form, "")
        except DomainError as err:
            error = err
    waiting = Delivery.objects.filter(gate=gate, picked_up_at__isnull=True).select_related("household")[:100]
    return render(
        request, "access/deliveries.html", {"gate": gate, "waiting": waiting, "error": error, "form": form}
    )


def _household_by_label(gate: Gate, label: str) -> Household | None:
    """'3-1-101', '3栋1单元101' or '3栋101' typed by the guard -> the household of this compound."""
    address = parse_address(label)
    if address is None or not address.building:
        return None
    found = list(Household.objects.filter(household_filter(address), compound_id=gate.compound_id)[:2])
    return found[0] if len(found) == 1 else None
