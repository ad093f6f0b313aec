"""Disinfection today (buildings of quarantined households or sealed areas: red until logged, green once
done) and kits (households still waiting for their nine-item kit; deliver one; what one kit takes from the
community's store, set by store keepers)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianfang.care.forms import DisinfectionForm, KitDeliveryForm, KitLineForm
from lianfang.care.models import KitTemplate
from lianfang.care.services import (
    buildings_to_disinfect,
    default_kit,
    deliver_kit,
    households_waiting_for_kit,
    kits_for_path,
    record_disinfection,
)
from lianfang.care.views import editor, form_message, message_error, staff_reader
from lianfang.core.errors import DomainError
from lianfang.core.roles import EDIT_CARE, MANAGE_SUPPLIES
from lianfang.core.viewtools import require_role
from lianfang.places.models import Building, Household
from lianfang.supplies.kits import community_store, kit_bills, set_kit_line

SHOWN = 300


@login_required
def disinfection(request: HttpRequest) -> HttpResponse:
    user = staff_reader(request)
    today = timezone.localdate()
    rows = buildings_to_disinfect(user=user, today=today)
    return render(
        request,
        "care/disinfection.html",
        {
            "rows": rows[:SHOWN],
            "total": len(rows),
            "missed": sum(1 for r in rows if not r.done),
            "today": today,
            "can_edit": EDIT_CARE.allows(user),
        },
    )


@login_required
@require_POST
def disinfection_record(request: HttpRequest) -> HttpResponse:
    user = editor(request)
    form = DisinfectionForm(request.POST)
    if not form.is_valid():
        form_message(request, form)
        return redirect("care:disinfection")
    building = get_object_or_404(
        Building.objects.visible_to(user).select_related("compound"), pk=form.cleaned_data["building"]
    )
    try:
        record_disinfection(user=user, building=building, areas=form.cleaned_data["areas"])
    except DomainError as err:
        message_error(request, err)
    else:
        messages.success(
            request,
            _("{compound} {building}: disinfection recorded.").format(
                compound=building.compound.name, building=building
            ),
        )
    return redirect("care:disinfection")


@login_required
def kits(request: HttpRequest) -> HttpResponse:
    user = staff_reader(request)
    households = list(households_waiting_for_kit(user=user)[:SHOWN])
    scope = user.scope_path if not user.is_superuser else ""
    templates = list(kits_for_path(scope)) if scope else []
    keeper = MANAGE_SUPPLIES.allows(user)
    bills = kit_bills(templates, community_store(scope) if scope else None)
    for bill in bills:  # a store keeper sets the kits of their area, not those the city set
        bill.can_set = keeper and (user.is_superuser or bill.template.area.path.startswith(scope))
    return render(
        request,
        "care/kits.html",
        {
            "households": households,
            "templates": templates,
            "bills": bills,
            "can_edit": EDIT_CARE.allows(user),
        },
    )


@login_required
@require_POST
def kit_line(request: HttpRequest) -> HttpResponse:
    """A store keeper sets how many of one line's item a kit takes from stock."""
    user = require_role(staff_reader(request), MANAGE_SUPPLIES)
    form = KitLineForm(request.POST)
    if not form.is_valid():
        form_message(request, form)
        return redirect("care:kits")
    template = get_object_or_404(
        KitTemplate.objects.visible_to(user).filter(is_active=True).select_related("area"),
        pk=form.cleaned_data["template"],
    )
    try:
        component = set_kit_line(
            user=user,
            template=template,
            line=form.cleaned_data["line"],
            quantity=form.cleaned_data["quantity"],
        )
    except DomainError as err:
        message_error(request, err)
    else:
        line = form.cleaned_data["line"]
        if component is None:
            messages.success(
                request, _("{kit}: {line} is no longer taken from stock.").format(kit=template, line=line)
            )
        else:
            messages.success(
                request,
                _("{kit}: one kit takes {n} {unit} of {line} from the store.").format(
                    kit=template, n=component.quantity, unit=component.item.unit, line=line
                ),
            )
    return redirect("care:kits")


@login_required
@require_POST
def kit_deliver(request: HttpRequest) -> HttpResponse:
    """Without a kit chosen: the nearest kit in use above the household, else the community's nine items."""
    user = editor(request)
    form = KitDeliveryForm(request.POST)
    if not form.is_valid():
        form_message(request, form)
        return redirect("care:kits")
    household = get_object_or_404(
        Household.objects.visible_to(user).select_related("compound__community"),
        pk=form.cleaned_data["household"],
    )
    template: Any = form.cleaned_data["template"]
    if not template:
        template = kits_for_path(household.path).first() or default_kit(household.compound.community)
    try:
        deliver_kit(user=user, household=household, template=template)
    except DomainError as err:
        message_error(request, err)
    else:
        messages.success(request, _("{household}: kit delivered.").format(household=household))
    if request.POST.get("next") == "household":
        return redirect("care:household", pk=household.pk)
    return redirect("care:kits")
