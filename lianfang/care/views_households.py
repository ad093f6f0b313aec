"""A household's care page: its team (phones, change a member), today's and yesterday's call windows with
the record-call form (reached or not, each member's temperature and symptoms, needs -> errands, notes),
its errands and kit. Staff raise an errand for the household from here too."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianfang.care.forms import (
    NEED_ROWS,
    CallForm,
    CallInputError,
    ErrandForm,
    TeamMemberForm,
    parse_call,
    slot_value,
)
from lianfang.care.models import (
    OPEN_ERRAND_STATUSES,
    CallWindow,
    CareCall,
    CareTeam,
    Errand,
    ErrandCategory,
    KitDelivery,
    TeamRole,
)
from lianfang.care.policy import WINDOWS, care_policy_for_path
from lianfang.care.services import raise_errand, record_call, set_team_member
from lianfang.care.views import editor, form_message, mark_overdue, message_error, staff_reader
from lianfang.core.errors import DomainError
from lianfang.core.roles import EDIT_CARE, EDIT_CARE_TEAM, STAFF_ROLES, Role
from lianfang.epi.models import Symptom
from lianfang.people.models import Resident
from lianfang.places.inherit import prefixes
from lianfang.places.models import Household

TEAM_ORDER = [TeamRole.LEADER, TeamRole.SECRETARY, TeamRole.GRID, TeamRole.HEALTH]


def people_for(household: Household, roles: frozenset[str]) -> Any:
    """Active users of these roles whose scope covers the household (its grid, or an area above it)."""
    area_roles = [r for r in roles if r != Role.GRID]
    covers = Q(role__in=area_roles, area__path__in=prefixes(household.path))
    if Role.GRID in roles and household.grid_id:
        covers |= Q(role=Role.GRID, grid=household.grid_id)
    return get_user_model().objects.filter(covers, is_active=True).order_by("role", "name", "id")


def _household(user: Any, pk: int) -> Household:
    return get_object_or_404(Household.objects.visible_to(user).select_related("compound", "grid"), pk=pk)


def call_windows(household: Household, team: CareTeam | None, now: datetime.datetime) -> list[dict[str, Any]]:
    """Yesterday's and today's windows from the care start: done, due now, overdue, or later today."""
    if team is None:
        return []
    policy = care_policy_for_path(household.path)
    today = timezone.localdate(now)
    days = [d for d in (today - datetime.timedelta(days=1), today) if d >= team.started]
    calls = {
        (c.date, c.window): c
        for c in CareCall.objects.filter(household=household, date__in=days).select_related("caller")
    }
    rows = []
    for day in days:
        for window in WINDOWS:
            begins, ends = policy.window_bounds(day, window)
            call = calls.get((day, window))
            if call is not None:
                state = "done"
            elif now >= ends:
                state = "overdue"
            elif now >= begins:
                state = "due"
            else:
                state = "later"
            if day < today and state == "done":
                continue  # yesterday's calls made are history; only its misses stay on the page
            rows.append(
                {
                    "date": day,
                    "window": window,
                    "label": CallWindow(window).label,
                    "begins": timezone.localtime(begins).time(),
                    "ends": timezone.localtime(ends).time(),
                    "state": state,
                    "call": call,
                    "slot": slot_value(day, window),
                }
            )
    order = {"overdue": 0, "due": 1, "later": 2, "done": 3}
    return sorted(rows, key=lambda r: (order[r["state"]], r["date"], r["window"]))


def team_rows(team: CareTeam | None) -> list[dict[str, Any]]:
    members = {m.role: m.user for m in team.members.select_related("user")} if team else {}
    return [{"role": role, "label": role.label, "user": members.get(role)} for role in TEAM_ORDER]


@login_required
def household_care(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_reader(request)
    household = _household(user, pk)
    now = timezone.now()
    today = timezone.localdate(now)
    team = (
        CareTeam.objects.visible_to(user)
        .filter(household=household, ended__isnull=True)
        .order_by("-started")
        .first()
    )
    held = household.exits_held_until is not None and household.exits_held_until >= today
    windows = call_windows(household, team, now) if held else []
    editable = EDIT_CARE.allows(user)
    members = list(Resident.objects.visible_to(user).filter(household=household).order_by("id"))
    errands = mark_overdue(
        list(
            Errand.objects.visible_to(user)
            .filter(household=household)
            .select_related("assignee", "household__compound")
            .order_by("-created_at", "-id")[:20]
        ),
        now,
    )
    calls = list(
        CareCall.objects.visible_to(user)
        .filter(household=household)
        .select_related("caller")
        .prefetch_related("errands")[:10]
    )
    kits = list(
        KitDelivery.objects.visible_to(user).filter(household=household).select_related("by", "template")[:3]
    )
    return render(
        request,
        "care/household.html",
        {
            "household": household,
            "team": team,
            "team_rows": team_rows(team),
            "held": held,
            "today": today,
            "windows": windows,
            "open_windows": [w for w in windows if w["state"] in ("overdue", "due")],
            "members": members,
            "errands": errands,
            "open_statuses": list(OPEN_ERRAND_STATUSES),
            "calls": calls,
            "kits": kits,
            "can_edit": editable,
            "call_form": CallForm(),
            "symptom_choices": Symptom.choices,
            "category_choices": ErrandCategory.choices,
            "need_rows": range(NEED_ROWS),
            "errand_form": ErrandForm(),
            "team_form": TeamMemberForm(people=people_for(household, STAFF_ROLES))
            if team and EDIT_CARE_TEAM.allows(user)
            else None,
        },
    )


@login_required
@require_POST
def call_record(request: HttpRequest, pk: int) -> HttpResponse:
    """Record one window's call; the needs raised become errands (the service does all or nothing)."""
    user = editor(request)
    household = _household(user, pk)
    form = CallForm(request.POST)
    if not form.is_valid():
        form_message(request, form)
        return redirect("care:household", pk=pk)
    members = list(Resident.objects.visible_to(user).filter(household=household).order_by("id"))
    try:
        checks, needs = parse_call(request.POST, members)
    except CallInputError as err:
        messages.error(request, str(err))
        return redirect("care:household", pk=pk)
    d = form.cleaned_data
    date, window = d["slot"]
    try:
        call = record_call(
            user=user,
            household=household,
            date=date,
            window=window,
            reached=d["reached"],
            checks=checks,
            needs=needs,
            notes=d["notes"],
        )
    except DomainError as err:
        message_error(request, err)
        return redirect("care:household", pk=pk)
    n = call.errands.count() if needs else 0
    if n:
        messages.success(request, _("Call recorded; {n} errand(s) raised. Assign them below.").format(n=n))
    else:
        messages.success(request, _("Call recorded."))
    return redirect("care:household", pk=pk)


@login_required
@require_POST
def team_member(request: HttpRequest, pk: int) -> HttpResponse:
    """Put another staff member in one role of the household's team."""
    user = editor(request)
    household = _household(user, pk)
    team = CareTeam.objects.visible_to(user).filter(household=household, ended__isnull=True).first()
    if team is None:
        raise Http404
    form = TeamMemberForm(request.POST, people=people_for(household, STAFF_ROLES))
    if not form.is_valid():
        form_message(request, form)
    else:
        try:
            set_team_member(
                user=user, team=team, role=form.cleaned_data["role"], member=form.cleaned_data["user"]
            )
        except DomainError as err:
            message_error(request, err)
        else:
            messages.success(request, _("Team changed."))
    return redirect("care:household", pk=pk)


@login_required
@require_POST
def errand_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff raise an errand for the household (a need heard outside a call)."""
    user = editor(request)
    household = _household(user, pk)
    form = ErrandForm(request.POST)
    if not form.is_valid():
        form_message(request, form)
        return redirect("care:household", pk=pk)
    try:
        errand = raise_errand(
            user=user,
            household=household,
            category=form.cleaned_data["category"],
            details=form.cleaned_data["details"],
        )
    except DomainError as err:
        message_error(request, err)
        return redirect("care:household", pk=pk)
    messages.success(request, _("Errand raised."))
    return redirect("care:errand-detail", pk=errand.pk)
