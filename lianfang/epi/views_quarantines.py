"""Quarantines (due lists, a person's quarantine with day N of M, extend / shorten / release / room),
health checks entered by a health worker, and quarantine facilities with their occupancy."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianfang.core import bounds
from lianfang.core.errors import DomainError
from lianfang.core.roles import EDIT_EPI
from lianfang.core.subqueries import SubqueryCount
from lianfang.epi import queries, services
from lianfang.epi.forms import (
    ExtendForm,
    FacilityForm,
    HealthCheckForm,
    ReleaseForm,
    RoomAddForm,
    RoomForm,
    ShortenForm,
)
from lianfang.epi.models import CheckSource, Facility, HealthCheck, Quarantine, QuarantineStatus, Room
from lianfang.epi.views import editor, form_error, form_message, message_error, reader
from lianfang.epi.views_cases import room_choices
from lianfang.people.models import Resident
from lianfang.places.models import Area, AreaLevel

PAGE = 50
DUE_SHOWN = 200


@login_required
def quarantine_list(request: HttpRequest) -> HttpResponse:
    """Ends today / tomorrow / past its end and not released; then every active quarantine."""
    user = reader(request)
    today = timezone.localdate()
    due = queries.quarantines_due(user, today=today)
    sections = [
        (
            "overdue",
            _("Past the last day, not released"),
            list(due["overdue"].select_related("room")[:DUE_SHOWN]),
        ),
        ("ends_today", _("Last day today"), list(due["ends_today"].select_related("room")[:DUE_SHOWN])),
        (
            "ends_tomorrow",
            _("Last day tomorrow"),
            list(due["ends_tomorrow"].select_related("room")[:DUE_SHOWN]),
        ),
    ]
    active = (
        queries.active_quarantines(user)
        .select_related("resident", "household", "household__compound", "room", "room__facility")
        .order_by("planned_end", "id")
    )
    page = Paginator(active, PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "epi/quarantine_list.html",
        {"sections": sections, "page": page, "today": today, "shown": DUE_SHOWN},
    )


def _quarantine(user: Any, pk: int) -> Quarantine:
    return get_object_or_404(
        Quarantine.objects.visible_to(user).select_related(
            "resident", "household", "household__compound", "room", "room__facility", "lockdown", "case"
        ),
        pk=pk,
    )


@login_required
def quarantine_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = reader(request)
    q = _quarantine(user, pk)
    today = timezone.localdate()
    editable = EDIT_EPI.allows(user) and q.status == QuarantineStatus.ACTIVE
    checks = list(
        HealthCheck.objects.visible_to(user).filter(resident=q.resident_id).select_related("recorded_by")[:14]
    )
    rooms = room_choices(user) if editable else []
    return render(
        request,
        "epi/quarantine_detail.html",
        {
            "q": q,
            "today": today,
            "day": q.day_number(today),
            "days": q.days,
            "overdue": q.status == QuarantineStatus.ACTIVE and q.planned_end < today,
            "changes": q.changes.select_related("room", "room__facility", "by"),
            "checks": checks,
            "rooms": rooms,
            "can_edit": editable,
            "can_check": EDIT_EPI.allows(user),
            "extend_form": ExtendForm(),
            "shorten_form": ShortenForm(initial={"new_end": q.planned_end}),
            "release_form": ReleaseForm(),
        },
    )


@login_required
@require_POST
def quarantine_extend(request: HttpRequest, pk: int) -> HttpResponse:
    user = editor(request)
    q = _quarantine(user, pk)
    form = ExtendForm(request.POST)
    if not form.is_valid():
        form_message(request, form)
    else:
        try:
            q = services.extend_quarantine(
                user=user, quarantine=q, days=form.cleaned_data["days"], reason=form.cleaned_data["reason"]
            )
            messages.success(
                request, _("Extended: the last day is {end}.").format(end=q.planned_end.isoformat())
            )
        except DomainError as err:
            message_error(request, err)
    return redirect("epi:quarantine-detail", pk=pk)


@login_required
@require_POST
def quarantine_shorten(request: HttpRequest, pk: int) -> HttpResponse:
    user = editor(request)
    q = _quarantine(user, pk)
    form = ShortenForm(request.POST)
    if not form.is_valid():
        form_message(request, form)
    else:
        try:
            q = services.shorten_quarantine(
                user=user,
                quarantine=q,
                new_end=form.cleaned_data["new_end"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(
                request, _("Shortened: the last day is {end}.").format(end=q.planned_end.isoformat())
            )
        except DomainError as err:
            message_error(request, err)
    return redirect("epi:quarantine-detail", pk=pk)


@login_required
@require_POST
def quarantine_release(request: HttpRequest, pk: int) -> HttpResponse:
    user = editor(request)
    q = _quarantine(user, pk)
    form = ReleaseForm(request.POST)
    if not form.is_valid():
        form_message(request, form)
    else:
        try:
            services.release_quarantine(
                user=user, quarantine=q, override_reason=form.cleaned_data["override_reason"]
            )
            messages.success(request, _("{name} is released.").format(name=q.resident.name))
        except DomainError as err:
            message_error(request, err)
    return redirect("epi:quarantine-detail", pk=pk)


@login_required
@require_POST
def quarantine_room(request: HttpRequest, pk: int) -> HttpResponse:
    """Assign a facility room, or move to another one (capacity checked by the service)."""
    user = editor(request)
    q = _quarantine(user, pk)
    form = RoomForm(request.POST, rooms=Room.objects.visible_to(user).select_related("facility"))
    if not form.is_valid():
        form_message(request, form)
    else:
        room = form.cleaned_data["room"]
        try:
            services.move_quarantine_room(user=user, quarantine=q, room=room)
            messages.success(request, _("{name}: room {room}.").format(name=q.resident.name, room=room))
        except DomainError as err:
            message_error(request, err)
    back = bounds.parse_id(request.POST.get("back"))
    if back is not None and Facility.objects.visible_to(user).filter(pk=back).exists():
        return redirect("epi:facility-detail", pk=back)
    return redirect("epi:quarantine-detail", pk=pk)


@login_required
def check_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A health worker enters one person's temperature and symptoms."""
    user = editor(request)
    resident = get_object_or_404(
        Resident.objects.visible_to(user).select_related("household", "household__compound"), pk=pk
    )
    active = (
        Quarantine.objects.visible_to(user).filter(resident=resident, status=QuarantineStatus.ACTIVE).first()
    )
    form = HealthCheckForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            check = services.record_health_check(
                user=user,
                resident=resident,
                temperature=d["temperature"],
                symptoms=list(d["symptoms"]),
                date=d["date"],
                source=CheckSource.HEALTH_WORKER,
                note=d["note"],
            )
        except DomainError as err:
            form_error(form, err)
        else:
            if check.abnormal:
                messages.warning(
                    request,
                    _("{name}: abnormal reading recorded; an alert was raised.").format(name=resident.name),
                )
            else:
                messages.success(request, _("{name}: reading recorded.").format(name=resident.name))
            if active is not None:
                return redirect("epi:quarantine-detail", pk=active.pk)
            return redirect("people:resident-detail", pk=resident.pk)
    recent = HealthCheck.objects.visible_to(user).filter(resident=resident)[:5]
    return render(
        request,
        "epi/check_form.html",
        {"resident": resident, "form": form, "active": active, "recent": recent},
    )


def _facility_areas(user: Any) -> Any:
    return (
        Area.objects.visible_to(user)
        .filter(level__in=(AreaLevel.COMMUNITY, AreaLevel.STREET, AreaLevel.DISTRICT))
        .order_by("path")
    )


@login_required
def facility_list(request: HttpRequest) -> HttpResponse:
    """Facilities with beds used / total at a glance (one query); editors add one below."""
    user = reader(request)
    editable = EDIT_EPI.allows(user)
    form = FacilityForm(request.POST or None, areas=_facility_areas(user), initial={"area": user.area_id})
    if request.method == "POST":
        editor(request)
        if form.is_valid():
            d = form.cleaned_data
            try:
                facility = services.create_facility(
                    user=user,
                    area=d["area"],
                    name=d["name"],
                    address=d["address"],
                    phone=d["phone"],
                    rooms=d["rooms"],
                )
            except DomainError as err:
                form_error(form, err)
            else:
                messages.success(request, _("{name} added.").format(name=facility.name))
                return redirect("epi:facility-detail", pk=facility.pk)
    beds = (
        Room.objects.filter(facility=OuterRef("pk"))
        .order_by()
        .values("facility")
        .annotate(s=Sum("capacity"))
        .values("s")
    )
    used = Quarantine.objects.filter(room__facility=OuterRef("pk"), status=QuarantineStatus.ACTIVE)
    facilities = (
        Facility.objects.visible_to(user)
        .select_related("area")
        .annotate(
            beds=Coalesce(Subquery(beds, output_field=IntegerField()), 0),
            used=SubqueryCount(used.order_by().values("pk")),
            n_rooms=Count("rooms"),
        )
        .order_by("-is_active", "name")
    )
    return render(
        request,
        "epi/facility_list.html",
        {"facilities": list(facilities[:200]), "form": form if editable else None},
    )


@login_required
def facility_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = reader(request)
    facility = get_object_or_404(Facility.objects.visible_to(user).select_related("area"), pk=pk)
    add_form = RoomAddForm(request.POST or None)
    if request.method == "POST":
        editor(request)
        if add_form.is_valid():
            try:
                services.add_room(
                    user=user,
                    facility=facility,
                    number=add_form.cleaned_data["number"],
                    capacity=add_form.cleaned_data["capacity"],
                )
            except DomainError as err:
                form_error(add_form, err)
            else:
                messages.success(
                    request, _("Room {number} added.").format(number=add_form.cleaned_data["number"])
                )
                return redirect("epi:facility-detail", pk=facility.pk)
    occupancy = services.room_occupancy(facility)
    occupants: dict[int, list[Quarantine]] = {}
    for q in (
        Quarantine.objects.visible_to(user)
        .filter(room__facility=facility, status=QuarantineStatus.ACTIVE)
        .select_related("resident")
        .order_by("planned_end", "id")
    ):
        occupants.setdefault(q.room_id or 0, []).append(q)
    today = timezone.localdate()
    rows = [
        {
            "room": room,
            "used": used,
            "free": max(room.capacity - used, 0),
            "people": occupants.get(room.pk, []),
        }
        for room, used in occupancy
    ]
    return render(
        request,
        "epi/facility_detail.html",
        {
            "facility": facility,
            "rows": rows,
            "beds": sum(room.capacity for room, _used in occupancy),
            "used": sum(r["used"] for r in rows),
            "today": today,
            "can_edit": EDIT_EPI.allows(user),
            "add_form": add_form,
        },
    )
