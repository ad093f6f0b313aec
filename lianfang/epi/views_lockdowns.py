"""Lockdowns (封控): choose a unit, building or compound -> a preview with the counts -> apply; the list,
a lockdown's page, lifting it (with a reason) and extending it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case as CaseWhen
from django.db.models import Count, IntegerField, Q, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianfang.core import bounds
from lianfang.core.errors import DomainError
from lianfang.core.natural import NaturalKey
from lianfang.core.roles import EDIT_EPI
from lianfang.epi import services
from lianfang.epi.forms import ExtendForm, LiftForm, LockdownForm, target_value
from lianfang.epi.models import Case, Lockdown, LockdownStatus, Quarantine, QuarantineStatus
from lianfang.epi.policy import epi_policy_for_path
from lianfang.epi.views import day_of, editor, form_error, form_message, message_error, reader
from lianfang.places.models import Building, Compound, Unit

PAGE = 50


def targets_of(user: Any, compound: Compound) -> list[tuple[str, Any]]:
    """The select's options: the whole compound, each building, each unit (two queries)."""
    buildings = list(
        Building.objects.visible_to(user).filter(compound=compound).order_by(NaturalKey("number"))
    )
    units = list(
        Unit.objects.visible_to(user)
        .filter(building__compound=compound)
        .select_related("building")
        .order_by(NaturalKey("building__number"), NaturalKey("number"))
    )
    choices: list[tuple[str, Any]] = [
        (target_value("compound", compound.pk), _("{name} (whole compound)").format(name=compound.name))
    ]
    if buildings:
        choices.append(
            (
                _("Buildings"),
                [
                    (
                        target_value("building", b.pk),
                        _("Building {number} (whole building)").format(number=b.number),
                    )
                    for b in buildings
                ],
            )
        )
    if units:
        choices.append(
            (
                _("Units"),
                [
                    (
                        target_value("unit", u.pk),
                        _("Building {b} unit {u}").format(b=u.building.number, u=u.number),
                    )
                    for u in units
                ],
            )
        )
    return choices


def _compound_and_case(user: Any, data: Any) -> tuple[Compound | None, Case | None]:
    case = None
    compound = None
    case_id = bounds.parse_id(data.get("case"))
    if case_id is not None:
        case = get_object_or_404(
            Case.objects.visible_to(user).select_related("household", "household__compound"), pk=case_id
        )
        if case.household_id:
            compound = case.household.compound
    compound_id = bounds.parse_id(data.get("compound"))
    if compound_id is not None:
        compound = get_object_or_404(Compound.objects.visible_to(user), pk=compound_id)
    if compound is not None and not Compound.objects.visible_to(user).filter(pk=compound.pk).exists():
        raise Http404
    return compound, case


@login_required
def lockdown_new(request: HttpRequest) -> HttpResponse:
    """GET: the form (?case= or ?compound=; without either, the compounds to choose from).
    POST: the preview (writes nothing) with the apply button."""
    user = editor(request)
    data = request.POST if request.method == "POST" else request.GET
    compound, case = _compound_and_case(user, data)
    if compound is None:
        compounds = Compound.objects.visible_to(user).order_by("name")[:300]
        return render(request, "epi/lockdown_pick.html", {"compounds": compounds, "case": case})
    targets = targets_of(user, compound)
    rules = epi_policy_for_path(compound.path)
    initial: dict[str, Any] = {"start": timezone.localdate(), "days": rules.lockdown_days}
    if case is not None:
        initial["case"] = case.pk
        initial["target"] = (
            target_value("unit", case.household.unit_id)
            if case.household_id
            else target_value("compound", compound.pk)
        )
        initial["reason"] = str(case)
    form = LockdownForm(request.POST if request.method == "POST" else None, targets=targets, initial=initial)
    context: dict[str, Any] = {"form": form, "compound": compound, "case": case}
    if request.method == "POST" and form.is_valid():
        scope, target_id = form.scope_and_id()
        d = form.cleaned_data
        try:
            preview = services.preview_lockdown(
                user=user, scope=scope, target_id=target_id, start=d["start"], days=d["days"]
            )
        except DomainError as err:
            form_error(form, err, aliases={"target_id": "target", "scope": "target"})
        else:
            context["preview"] = preview
            return render(request, "epi/lockdown_preview.html", context)
    return render(request, "epi/lockdown_new.html", context)


@login_required
@require_POST
def lockdown_apply(request: HttpRequest) -> HttpResponse:
    user = editor(request)
    compound, case = _compound_and_case(user, request.POST)
    if compound is None:
        raise Http404
    form = LockdownForm(request.POST, targets=targets_of(user, compound))
    if not form.is_valid():
        return render(request, "epi/lockdown_new.html", {"form": form, "compound": compound, "case": case})
    scope, target_id = form.scope_and_id()
    d = form.cleaned_data
    try:
        lockdown = services.apply_lockdown(
            user=user,
            scope=scope,
            target_id=target_id,
            start=d["start"],
            days=d["days"],
            case=case,
            reason=d["reason"],
        )
    except DomainError as err:
        form_error(form, err, aliases={"target_id": "target", "scope": "target"})
        return render(request, "epi/lockdown_new.html", {"form": form, "compound": compound, "case": case})
    messages.success(
        request,
        _("{label} is sealed: {households} households, {residents} residents in home quarantine.").format(
            label=lockdown.label, households=lockdown.households, residents=lockdown.residents
        ),
    )
    return redirect("epi:lockdown-detail", pk=lockdown.pk)


@login_required
def lockdown_list(request: HttpRequest) -> HttpResponse:
    user = reader(request)
    rows = (
        Lockdown.objects.visible_to(user)
        .select_related("compound", "case")
        .annotate(
            lifted=CaseWhen(
                When(status=LockdownStatus.ACTIVE, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("lifted", "-start", "-id")
    )
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "epi/lockdown_list.html",
        {"page": page, "today": timezone.localdate(), "can_edit": EDIT_EPI.allows(user)},
    )


def _lockdown(user: Any, pk: int) -> Lockdown:
    return get_object_or_404(Lockdown.objects.visible_to(user).select_related("compound", "case"), pk=pk)


@login_required
def lockdown_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = reader(request)
    lockdown = _lockdown(user, pk)
    today = timezone.localdate()
    counts = Quarantine.objects.filter(lockdown=lockdown).aggregate(
        active=Count("pk", filter=Q(status=QuarantineStatus.ACTIVE)), total=Count("pk")
    )
    day, days = day_of(lockdown.start, lockdown.ends_on, today)
    return render(
        request,
        "epi/lockdown_detail.html",
        {
            "lockdown": lockdown,
            "counts": counts,
            "day": day,
            "days": days,
            "today": today,
            "can_edit": EDIT_EPI.allows(user),
            "active": lockdown.status == LockdownStatus.ACTIVE,
            "lift_form": LiftForm(),
            "extend_form": ExtendForm(),
        },
    )


@login_required
@require_POST
def lockdown_lift(request: HttpRequest, pk: int) -> HttpResponse:
    user = editor(request)
    lockdown = _lockdown(user, pk)
    form = LiftForm(request.POST)
    if not form.is_valid():
        form_message(request, form)
    else:
        try:
            services.lift_lockdown(user=user, lockdown=lockdown, reason=form.cleaned_data["reason"])
            messages.success(request, _("{label}: lifted.").format(label=lockdown.label))
        except DomainError as err:
            message_error(request, err)
    return redirect("epi:lockdown-detail", pk=lockdown.pk)


@login_required
@require_POST
def lockdown_extend(request: HttpRequest, pk: int) -> HttpResponse:
    user = editor(request)
    lockdown = _lockdown(user, pk)
    form = ExtendForm(request.POST)
    if not form.is_valid():
        form_message(request, form)
    else:
        try:
            lockdown = services.extend_lockdown(
                user=user,
                lockdown=lockdown,
                days=form.cleaned_data["days"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(
                request,
                _("{label}: extended to {end}.").format(
                    label=lockdown.label, end=lockdown.ends_on.isoformat()
                ),
            )
        except DomainError as err:
            message_error(request, err)
    return redirect("epi:lockdown-detail", pk=lockdown.pk)
