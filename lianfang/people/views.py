"""Residents: search, detail, full ID reveal, forms. Thin: parse, authorize, call a service, render.

Reads go through `visible_to(user)`: out of scope is a 404. A role that may read but not edit
gets 403 on the forms. A DomainError from a service becomes an error on the form's field.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lianfang.core.errors import DomainError
from lianfang.core.roles import EDIT_REGISTRY, READ_REGISTRY
from lianfang.core.viewtools import require_role
from lianfang.people import services
from lianfang.people.forms import MoveForm, ResidentForm, TravelForm, VisitForm
from lianfang.people.models import Resident
from lianfang.people.search import search_residents
from lianfang.places.models import Household

SEARCH_LIMIT = 50


def _form_error(form: forms.Form, err: DomainError, aliases: dict[str, str] | None = None) -> None:
    """Show a service's refusal on the right field; scope and role refusals are 404 / 403."""
    if err.status == 404:
        raise Http404
    if err.status == 403:
        raise PermissionDenied(str(err.message))
    field = (aliases or {}).get(err.field or "", err.field)
    form.add_error(field if field in form.fields else None, err.message)


def _resident(user: Any, pk: int) -> Resident:
    require_role(user, READ_REGISTRY, hide=True)
    return get_object_or_404(
        Resident.objects.visible_to(user).select_related("household", "household__compound", "grid"), pk=pk
    )


def _household(user: Any, pk: int) -> Household:
    require_role(user, READ_REGISTRY, hide=True)
    return get_object_or_404(Household.objects.visible_to(user).select_related("compound"), pk=pk)


@login_required
def search(request: HttpRequest) -> HttpResponse:
    require_role(request.user, READ_REGISTRY, hide=True)
    q = request.GET.get("q", "").strip()
    results = list(search_residents(request.user, q, limit=SEARCH_LIMIT)) if q else []
    return render(
        request,
        "people/search.html",
        {"q": q, "results": results, "limit": SEARCH_LIMIT, "more": len(results) >= SEARCH_LIMIT},
    )


@require_POST
@login_required
@never_cache
def resident_reveal_id(request: HttpRequest, pk: int) -> HttpResponse:
    resident = _resident(request.user, pk)
    try:
        full_id = services.reveal_id_number(user=request.user, resident=resident, request=request)
    except DomainError as err:
        return render(
            request, "people/_full_id.html", {"resident": resident, "error": err.message}, status=err.status
        )
    template = "people/_full_id.html" if getattr(request, "htmx", False) else "people/resident_id.html"
    return render(request, template, {"resident": resident, "full_id": full_id})


@login_required
def resident_create(request: HttpRequest, household_pk: int) -> HttpResponse:
    household = _household(request.user, household_pk)
    require_role(request.user, EDIT_REGISTRY)
    form = ResidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            resident = services.create_resident(
                user=request.user, household=household, data=form.to_data(), request=request
            )
        except DomainError as err:
            _form_error(form, err)
        else:
            messages.success(
                request,
                _("{name} was added to {household}.").format(name=resident.name, household=household.label),
            )
            return redirect("people:resident-detail", pk=resident.pk)
    return render(
        request,
        "people/resident_form.html",
        {
            "form": form,
            "household": household,
            "title": _("Add a resident to {household}").format(household=household),
        },
    )


@login_required
def resident_edit(request: HttpRequest, pk: int) -> HttpResponse:
    resident = _resident(request.user, pk)
    require_role(request.user, EDIT_REGISTRY)
    form = ResidentForm(request.POST or None, resident=resident)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_resident(
                user=request.user, resident=resident, data=form.to_data(), request=request
            )
        except DomainError as err:
            _form_error(form, err)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("people:resident-detail", pk=resident.pk)
    return render(
        request,
        "people/resident_form.html",
        {"form": form, "resident": resident, "title": _("Edit {name}").format(name=resident.name)},
    )


@login_required
def resident_move(request: HttpRequest, pk: int) -> HttpResponse:
    resident = _resident(request.user, pk)
    require_role(request.user, EDIT_REGISTRY)
    form = MoveForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        household = form.cleaned_data["household"]
        try:
            services.move_resident(
                user=request.user,
                resident=resident,
                household=household,
                relation=form.cleaned_data["relation"],
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except DomainError as err:
            _form_error(form, err, aliases={"household": "household_id"})
        else:
            messages.success(
                request, _("{name} now lives in {household}.").format(name=resident.name, household=household)
            )
            return redirect("people:resident-detail", pk=resident.pk)
    return render(request, "people/resident_move.html", {"form": form, "resident": resident})


@login_required
def travel_create(request: HttpRequest, pk: int) -> HttpResponse:
    resident = _resident(request.user, pk)
    require_role(request.user, EDIT_REGISTRY)
    form = TravelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_travel(user=request.user, resident=resident, **form.cleaned_data)
        except DomainError as err:
            _form_error(form, err)
        else:
            messages.success(request, _("Travel record saved."))
            return redirect("people:resident-detail", pk=resident.pk)
    return render(
        request,
        "people/form.html",
        {
            "form": form,
            "title": _("Travel record for {name}").format(name=resident.name),
            "back": ("people:resident-detail", resident.pk),
        },
    )


@login_required
def visit_create(request: HttpRequest, household_pk: int) -> HttpResponse:
    household = _household(request.user, household_pk)
    require_role(request.user, EDIT_REGISTRY)
    form = VisitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_visit(
                user=request.user,
                household=household,
                findings=form.cleaned_data["findings"],
                visited_at=form.cleaned_data["visited_at"],
            )
        except DomainError as err:
            _form_error(form, err)
        else:
            messages.success(request, _("Visit recorded."))
            return redirect("places:household-detail", pk=household.pk)
    return render(
        request,
        "people/form.html",
        {
            "form": form,
            "title": _("Visit to {household}").format(household=household),
            "back": ("places:household-detail", household.pk),
        },
    )
