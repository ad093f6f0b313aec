"""Errands (代购代办): the list (open / overdue / mine / all) and one errand's page with its state buttons:
assign (staff or a volunteer), on the way, delivered (money advanced), cancel with a reason. Volunteers
see and move only the errands assigned to them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianfang.care.forms import AssignForm, CancelForm, DeliverForm, FilterForm
from lianfang.care.models import OPEN_ERRAND_STATUSES, Errand, ErrandStatus
from lianfang.care.services import assign_errand, cancel_errand, deliver_errand, start_errand
from lianfang.care.views import PENDING, editor, form_message, mark_overdue, message_error, reader
from lianfang.care.views_households import people_for
from lianfang.core.errors import DomainError
from lianfang.core.roles import EDIT_CARE, ERRAND_ASSIGNEE_ROLES, Role
from lianfang.people.models import Resident

PAGE = 50


def is_volunteer(user: Any) -> bool:
    return user.role == Role.VOLUNTEER and not user.is_superuser


def errands_for(user: Any) -> Any:
    """What this user may read: volunteers only their own assignments."""
    qs = Errand.objects.visible_to(user)
    return qs.filter(assignee=user) if is_volunteer(user) else qs


@login_required
def errand_list(request: HttpRequest) -> HttpResponse:
    user = reader(request)
    volunteer = is_volunteer(user)
    form = FilterForm(request.GET or None)
    show = form.cleaned_data["show"] if form.is_valid() and form.cleaned_data["show"] else "open"
    now = timezone.now()
    qs = errands_for(user).select_related("household", "household__compound", "assignee")
    if show == "open":
        qs = qs.filter(status__in=OPEN_ERRAND_STATUSES)
    elif show == "overdue":
        qs = qs.filter(status__in=PENDING, due_at__lt=now)
    elif show == "mine":
        qs = qs.filter(assignee=user, status__in=OPEN_ERRAND_STATUSES)
    page = Paginator(qs.order_by("due_at", "id"), PAGE).get_page(request.GET.get("page"))
    mark_overdue(page.object_list, now)
    return render(
        request,
        "care/errand_list.html",
        {
            "page": page,
            "show": show,
            "now": now,
            "filters": FilterForm.base_fields["show"].choices,  # type: ignore[attr-defined]
            "volunteer": volunteer,
        },
    )


def _errand(user: Any, pk: int) -> Errand:
    return get_object_or_404(
        errands_for(user).select_related("household", "household__compound", "assignee", "raised_by_user"),
        pk=pk,
    )


def may_move(user: Any, errand: Errand) -> bool:
    """Start / deliver: care staff, or the volunteer it is assigned to."""
    return EDIT_CARE.allows(user) or (is_volunteer(user) and errand.assignee_id == user.pk)


def household_phones(errand: Errand) -> list[tuple[str, str]]:
    """The numbers to call to deliver an errand: its household's phones with each member's relation (no
    names). They belong to the errand: whoever may open it (its volunteer too) may call the household;
    the {% phone %} tag masks them for the roles that see numbers masked."""
    rows = Resident.objects.filter(household_id=errand.household_id).exclude(phone="").order_by("id")
    return [(r.get_relation_display(), r.phone) for r in rows]


@login_required
def errand_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = reader(request)
    errand = _errand(user, pk)
    now = timezone.now()
    staff = EDIT_CARE.allows(user)
    is_open = errand.status in PENDING
    return render(
        request,
        "care/errand_detail.html",
        {
            "errand": errand,
            "events": errand.events.select_related("by"),
            "household_phones": household_phones(errand),
            "now": now,
            "overdue": is_open and errand.due_at < now,
            "can_assign": staff and is_open,
            "can_start": may_move(user, errand) and errand.status == ErrandStatus.ASSIGNED,
            "can_deliver": may_move(user, errand)
            and errand.status in (ErrandStatus.ASSIGNED, ErrandStatus.ON_THE_WAY),
            "can_cancel": staff and is_open,
            "assign_form": AssignForm(
                people=people_for(errand.household, ERRAND_ASSIGNEE_ROLES),
                initial={"assignee": errand.assignee_id},
            )
            if staff and is_open
            else None,
            "deliver_form": DeliverForm(),
            "cancel_form": CancelForm(),
            "volunteer": is_volunteer(user),
        },
    )


def mover(request: HttpRequest, pk: int) -> tuple[Any, Errand]:
    user = reader(request)
    errand = _errand(user, pk)
    if not may_move(user, errand):
        raise PermissionDenied(_("Your role may not change this errand."))
    return user, errand


@login_required
@require_POST
def errand_assign(request: HttpRequest, pk: int) -> HttpResponse:
    user = editor(request)
    errand = _errand(user, pk)
    form = AssignForm(request.POST, people=people_for(errand.household, ERRAND_ASSIGNEE_ROLES))
    if not form.is_valid():
        form_message(request, form)
    else:
        assignee = form.cleaned_data["assignee"]
        try:
            assign_errand(user=user, errand=errand, assignee=assignee)
        except DomainError as err:
            message_error(request, err)
        else:
            messages.success(
                request, _("Assigned to {name}.").format(name=assignee.name or assignee.username)
            )
    return redirect("care:errand-detail", pk=pk)


@login_required
@require_POST
def errand_start(request: HttpRequest, pk: int) -> HttpResponse:
    user, errand = mover(request, pk)
    try:
        start_errand(user=user, errand=errand)
    except DomainError as err:
        message_error(request, err)
    else:
        messages.success(request, _("On the way."))
    return redirect("care:errand-detail", pk=pk)


@login_required
@require_POST
def errand_deliver(request: HttpRequest, pk: int) -> HttpResponse:
    user, errand = mover(request, pk)
    form = DeliverForm(request.POST)
    if not form.is_valid():
        form_message(request, form)
    else:
        try:
            deliver_errand(user=user, errand=errand, money_advanced=form.cleaned_data["money_advanced"])
        except DomainError as err:
            message_error(request, err)
        else:
            messages.success(request, _("Delivered. The household confirms it on its own page."))
    return redirect("care:errand-detail", pk=pk)


@login_required
@require_POST
def errand_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    user = editor(request)
    errand = _errand(user, pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        form_message(request, form)
    else:
        try:
            cancel_errand(user=user, errand=errand, reason=form.cleaned_data["reason"])
        except DomainError as err:
            message_error(request, err)
        else:
            messages.success(request, _("Errand cancelled."))
    return redirect("care:errand-detail", pk=pk)
