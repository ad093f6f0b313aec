"""Staff pages of closed management: a compound's passes and gates, the passage log, outing rules."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianfang.access import services
from lianfang.access.forms import OutingPolicyForm, PassageFilterForm
from lianfang.access.models import OutingPolicy, Pass, Passage, PassKind, PassStatus
from lianfang.access.policy import policy_for_path
from lianfang.core import audit, bounds
from lianfang.core.audit import AuditAction
from lianfang.core.errors import DomainError
from lianfang.core.exports import inert_row
from lianfang.core.natural import NaturalKey
from lianfang.core.roles import MANAGE_PASSES, READ_CLOSED_MANAGEMENT, SET_OUTING_RULES
from lianfang.core.viewtools import require_role
from lianfang.places.models import Area, Compound, Gate, Household
from lianfang.places.services import household_filter, parse_address


def _staff(request: HttpRequest) -> Any:
    return require_role(request.user, READ_CLOSED_MANAGEMENT, hide=True)


@login_required
def compound_passes(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    compound = get_object_or_404(Compound.objects.visible_to(user), pk=pk)
    households = (
        Household.objects.visible_to(user)
        .filter(compound=compound)
        .prefetch_related(
            Prefetch("passes", queryset=Pass.objects.exclude(status=PassStatus.REVOKED).order_by("id"))
        )
        .order_by(NaturalKey("label"), "pk")
    )
    page = Paginator(households, 100).get_page(request.GET.get("page"))
    kinds = dict(PassKind.choices)
    gates = list(Gate.objects.filter(compound=compound).order_by("name"))
    for g in gates:
        g.kind_labels = [str(kinds.get(k, k)) for k in g.accepted_kinds.split()]  # type: ignore[attr-defined]
    return render(
        request,
        "access/compound_passes.html",
        {
            "compound": compound,
            "page": page,
            "gates": gates,
            "can_manage": MANAGE_PASSES.allows(user),
            "policy": policy_for_path(compound.path),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def compound_issue(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    compound = get_object_or_404(Compound.objects.visible_to(user), pk=pk)
    try:
        valid_to = bounds.parse_date(request.POST.get("valid_to"), bounds.PLAN, field="valid_to")
        result = services.issue_household_passes(user=user, compound=compound, valid_to=valid_to)
        messages.success(
            request,
            _("{n} household passes issued; {m} households already had one.").format(
                n=result.created, m=result.skipped
            ),
        )
    except DomainError as err:
        messages.error(request, err.message)
    return redirect("access:compound-passes", pk=compound.pk)


ACTIONS: dict[str, Any] = {
    "suspend": services.suspend_pass,
    "resume": services.resume_pass,
    "revoke": services.revoke_pass,
    "reissue": services.reissue_pass,
}


@login_required
@require_POST
def pass_action(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    p = get_object_or_404(Pass.objects.visible_to(user), pk=pk)
    action = ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, _("Unknown action."))
    else:
        try:
            action(user=user, p=p, reason=request.POST.get("reason", ""))
            messages.success(request, _("Pass {number}: done.").format(number=p.display_number))
        except DomainError as err:
            messages.error(request, err.message)
    if p.compound_id is None:
        return redirect("access:passage-log")
    return redirect("access:compound-passes", pk=p.compound_id)


@login_required
@require_POST
def gate_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    gate = get_object_or_404(Gate.objects.visible_to(user), pk=pk)
    try:
        services.set_gate_open(user=user, gate=gate, is_open=request.POST.get("open") == "1")
    except DomainError as err:
        messages.error(request, err.message)
    return redirect("access:compound-passes", pk=gate.compound_id)


def _passages(request: HttpRequest, user: Any) -> tuple[PassageFilterForm, Any]:
    gates = Gate.objects.visible_to(user).select_related("compound").order_by("compound__name", "name")
    form = PassageFilterForm(request.GET or None, gates=gates)
    rows = Passage.objects.visible_to(user).select_related("gate", "gate__compound", "household")
    now = timezone.now()
    start, end = now - datetime.timedelta(hours=24), None
    if form.is_valid():
        d = form.cleaned_data
        if d.get("gate"):
            rows = rows.filter(gate_id=d["gate"])
        start = d.get("start") or start
        end = d.get("end")
        if d.get("decision"):
            rows = rows.filter(decision=d["decision"])
        if d.get("household"):
            address = parse_address(d["household"])
            rows = rows.filter(household_filter(address, "household__")) if address else rows.none()
    rows = rows.filter(server_time__gte=start)
    if end:
        rows = rows.filter(server_time__lt=end)
    return form, rows.order_by("-server_time", "-id")


def _filter_words(form: PassageFilterForm) -> list[str]:
    """The passage filter as the audit trail says it: the gate, the period, the decision, the household."""
    data = form.cleaned_data if form.is_valid() else {}
    now = timezone.now()
    start = data.get("start") or now - datetime.timedelta(hours=24)
    end = data.get("end") or now
    words = [
        _("{start} to {end}").format(
            start=f"{timezone.localtime(start):%Y-%m-%d %H:%M}",
            end=f"{timezone.localtime(end):%Y-%m-%d %H:%M}",
        )
    ]
    if data.get("gate"):
        words.append(str(dict(getattr(form.fields["gate"], "choices", [])).get(data["gate"], "")))
    if data.get("decision"):
        words.append(str(dict(getattr(form.fields["decision"], "choices", [])).get(data["decision"], "")))
    if data.get("household"):
        words.append(_("household “{text}”").format(text=data["household"][:100]))
    return words


@login_required
def passage_log(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    form, rows = _passages(request, user)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "access/passage_log.html", {"form": form, "page": page, "query": query.urlencode()}
    )


@login_required
def passage_export(request: HttpRequest) -> HttpResponse:
    from openpyxl import Workbook

    user = _staff(request)
    form, rows = _passages(request, user)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Passages"))
    ws.append(
        inert_row(
            ws,
            [
                _("Server time"),
                _("Device time"),
                _("Compound"),
                _("Gate"),
                _("Household"),
                _("Direction"),
                _("Temperature"),
                _("Decision"),
                _("Code"),
            ],
        )
    )
    n = 0
    for p in rows[:200_000].iterator(chunk_size=2000):
        ws.append(
            inert_row(
                ws,
                [
                    timezone.localtime(p.server_time).strftime("%Y-%m-%d %H:%M:%S"),
                    timezone.localtime(p.client_time).strftime("%Y-%m-%d %H:%M:%S") if p.client_time else "",
                    p.gate.compound.name,
                    p.gate.name,
                    p.household.label if p.household else "",
                    p.get_direction_display(),
                    float(p.temperature) if p.temperature is not None else None,
                    p.get_decision_display(),
                    p.code,
                ],
            )
        )
        n += 1
    audit.log(
        user=user,
        action=AuditAction.EXPORT,
        object_type="passage",
        summary=audit.filtered(_("{n} gate records exported").format(n=n), _filter_words(form)),
        path=user.scope_path,
        request=request,
    )
    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="passages-{timezone.localdate():%Y%m%d}.xlsx"'
    wb.save(response)
    return response


@login_required
def policy_edit(request: HttpRequest, code: str) -> HttpResponse:
    user: Any = request.user
    require_role(user, SET_OUTING_RULES, hide=True)
    area = get_object_or_404(Area.objects.visible_to(user), code=code)
    instance = OutingPolicy.objects.filter(area=area).first()
    effective = policy_for_path(area.path)
    form = OutingPolicyForm(
        request.POST or None,
        instance=instance or OutingPolicy(area=area),
        initial={"exempt": sorted(effective.exempt_kinds)},
    )
    if request.method == "POST" and form.is_valid():
        values = {f: form.cleaned_data[f] for f in OutingPolicyForm.Meta.fields}
        values["exempt_kinds"] = " ".join(form.cleaned_data["exempt"])
        try:
            services.set_outing_policy(user=user, area=area, **values)
            messages.success(request, _("The outing rule of {area} is saved.").format(area=area.name))
            return redirect("access:policy", code=area.code)
        except DomainError as err:
            form.add_error(None, err.message)
    return render(
        request,
        "access/policy_edit.html",
        {"area": area, "form": form, "own": instance, "effective": effective},
    )
