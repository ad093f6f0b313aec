"""Cases: the list, registering one (a resident found by search, or a non-resident), the case page with its
timeline and ranked contact candidates, status and date changes, confirming and dismissing contacts."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Case as CaseWhen
from django.db.models import Count, IntegerField, Q, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianfang.access.models import Passage
from lianfang.core import bounds
from lianfang.core.errors import DomainError
from lianfang.core.natural import NaturalKey
from lianfang.core.roles import EDIT_EPI
from lianfang.epi import contacts as contact_service
from lianfang.epi import services
from lianfang.epi.forms import (
    CaseDatesForm,
    CaseForm,
    CaseStatusForm,
    ConfirmContactForm,
    DismissContactForm,
    PersonForm,
)
from lianfang.epi.models import (
    OPEN_CASE_STATUSES,
    Case,
    CaseStatus,
    Quarantine,
    QuarantineKind,
    QuarantineStatus,
    Room,
)
from lianfang.epi.policy import epi_policy_for_path
from lianfang.epi.views import editor, form_error, form_message, message_error, reader
from lianfang.people.models import Resident
from lianfang.people.search import search_residents
from lianfang.places.models import Area, AreaLevel

PAGE = 50
PASSAGES_SHOWN = 200


def _case(user: Any, pk: int) -> Case:
    return get_object_or_404(
        Case.objects.visible_to(user).select_related("resident", "household", "household__compound"), pk=pk
    )


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    user = reader(request)
    status = request.GET.get("status", "")
    rows = Case.objects.visible_to(user).select_related("resident", "household", "household__compound")
    if status == "open":
        rows = rows.filter(status__in=OPEN_CASE_STATUSES)
    elif status in CaseStatus.values:
        rows = rows.filter(status=status)
    rows = rows.annotate(
        closed=CaseWhen(
            When(status__in=OPEN_CASE_STATUSES, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
    ).order_by("closed", "-report_date", "-id")
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "epi/case_list.html",
        {"page": page, "status": status, "statuses": CaseStatus.choices, "can_edit": EDIT_EPI.allows(user)},
    )


def _communities(user: Any) -> Any:
    return Area.objects.visible_to(user).filter(level=AreaLevel.COMMUNITY).order_by("code")


@login_required
def case_create(request: HttpRequest) -> HttpResponse:
    """GET ?q= searches residents; ?resident=ID picks one; ?person=1 registers a non-resident."""
    user = editor(request)
    data = request.POST if request.method == "POST" else None
    q = request.GET.get("q", "").strip()
    resident = None
    resident_id = bounds.parse_id((data or request.GET).get("resident"))
    if resident_id is not None:
        resident = get_object_or_404(
            Resident.objects.visible_to(user).select_related("household", "household__compound"),
            pk=resident_id,
        )
    non_resident = resident is None and (data or request.GET).get("person") == "1"
    form = CaseForm(data, initial={"report_date": timezone.localdate()})
    person_form = PersonForm(data, communities=_communities(user), prefix="p") if non_resident else None
    if data is not None and (resident or person_form):
        person_ok = person_form.is_valid() if person_form else True
        if form.is_valid() and person_ok:
            d = form.cleaned_data
            person = None
            if person_form:
                p = person_form.cleaned_data
                person = services.PersonData(
                    name=p["name"], id_number=p["id_number"], phone=p["phone"], community=p["community"]
                )
            try:
                case = services.create_case(
                    user=user,
                    resident=resident,
                    person=person,
                    status=d["status"],
                    source=d["source"],
                    onset_date=d["onset_date"],
                    report_date=d["report_date"],
                    isolation_date=d["isolation_date"],
                    notes=d["notes"],
                )
            except DomainError as err:
                target = person_form if person_form and err.field in person_form.fields else form
                form_error(target, err)
            else:
                messages.success(request, _("{case} registered.").format(case=case))
                return redirect("epi:case-detail", pk=case.pk)
    results = search_residents(user, q, limit=20) if q and resident is None else []
    return render(
        request,
        "epi/case_create.html",
        {
            "q": q,
            "results": results,
            "resident": resident,
            "non_resident": non_resident,
            "form": form,
            "person_form": person_form,
        },
    )


@login_required
@require_POST
def case_status(request: HttpRequest, pk: int) -> HttpResponse:
    user = editor(request)
    case = _case(user, pk)
    form = CaseStatusForm(request.POST)
    if not form.is_valid():
        form_message(request, form)
    else:
        try:
            services.change_case_status(
                user=user, case=case, status=form.cleaned_data["status"], note=form.cleaned_data["note"]
            )
            messages.success(request, _("Status changed."))
        except DomainError as err:
            message_error(request, err)
    return redirect("epi:case-detail", pk=case.pk)


@login_required
@require_POST
def case_dates(request: HttpRequest, pk: int) -> HttpResponse:
    user = editor(request)
    case = _case(user, pk)
    form = CaseDatesForm(request.POST)
    if not form.is_valid():
        form_message(request, form)
    else:
        try:
            services.update_case_dates(
                user=user,
                case=case,
                onset_date=form.cleaned_data["onset_date"],
                isolation_date=form.cleaned_data["isolation_date"],
            )
            messages.success(request, _("Dates saved."))
        except DomainError as err:
            message_error(request, err)
    return redirect("epi:case-detail", pk=case.pk)


def _at(value: datetime.date | datetime.datetime) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value)
    return timezone.make_aware(datetime.datetime.combine(value, datetime.time.min))


def _timeline(user: Any, case: Case) -> tuple[list[dict[str, Any]], tuple[Any, Any], int]:
    """Every event of the case, oldest first: dates, status changes, the household's passages in the
    infectious period, contacts, quarantines and lockdowns."""
    events: list[dict[str, Any]] = []

    def add(at: Any, kind: str, text: str, url: str = "", note: str = "") -> None:
        events.append({"at": _at(at), "kind": kind, "text": text, "url": url, "note": note})

    if case.onset_date:
        add(case.onset_date, "date", _("Onset"))
    if case.isolation_date:
        add(case.isolation_date, "date", _("Isolated"))
    for ch in case.changes.select_related("by"):
        text = (
            _("Status: {old} → {new}").format(
                old=ch.get_from_status_display(), new=ch.get_to_status_display()
            )
            if ch.from_status
            else _("Registered as {new}").format(new=ch.get_to_status_display())
        )
        add(ch.at, "status", text, note=" · ".join(x for x in (str(ch.by or ""), ch.note) if x))
    period = contact_service.infectious_period(case, epi_policy_for_path(case.path))
    n_passages = 0
    if case.household_id:
        passages = list(
            Passage.objects.visible_to(user)
            .filter(household_id=case.household_id, server_time__gte=period[0], server_time__lte=period[1])
            .select_related("gate")
            .order_by("server_time")[: PASSAGES_SHOWN + 1]
        )
        n_passages = len(passages)
        for p in passages[:PASSAGES_SHOWN]:
            add(
                p.server_time,
                "passage",
                f"{p.gate.name} {p.get_direction_display()} · {p.get_decision_display()}",
                note=f"{p.temperature}°C" if p.temperature else "",
            )
    for c in case.contacts.select_related("resident").order_by("decided_at"):
        text = (
            _("Contact confirmed: {name}") if c.status == "confirmed" else _("Contact dismissed: {name}")
        ).format(name=c.resident.name)
        add(c.decided_at, "contact", text, note=c.note)
    # A lockdown's quarantines are summed up by the lockdown's own line (there may be hundreds).
    quarantines = (
        Quarantine.objects.visible_to(user)
        .filter(Q(case=case) | Q(contact__case=case) | Q(resident_id=case.resident_id))
        .filter(lockdown__isnull=True)
        .select_related("resident", "room", "room__facility")
        .order_by("start", "id")
    )
    for qu in quarantines:
        place = str(qu.room) if qu.room_id else qu.get_kind_display()
        started_then = timezone.localdate(qu.created_at) == qu.start
        add(
            qu.created_at if started_then else qu.start,
            "quarantine",
            _("{name}: {place} until {end}").format(
                name=qu.resident.name, place=place, end=qu.planned_end.isoformat()
            ),
            url=reverse("epi:quarantine-detail", args=[qu.pk]),
            note=qu.get_status_display(),
        )
    for lock in case.lockdowns.all():
        add(
            lock.created_at,
            "lockdown",
            _("Sealed {label}: {households} households, {residents} residents, {start} to {end}").format(
                label=lock.label,
                households=lock.households,
                residents=lock.residents,
                start=lock.start.isoformat(),
                end=lock.ends_on.isoformat(),
            ),
            url=reverse("epi:lockdown-detail", args=[lock.pk]),
            note=lock.get_status_display(),
        )
    events.sort(key=lambda e: e["at"])
    return events, period, n_passages


def room_choices(user: Any) -> list[tuple[Room, int]]:
    """Rooms of active facilities in scope with their beds in use (one query)."""
    rooms = (
        Room.objects.visible_to(user)
        .filter(facility__is_active=True)
        .select_related("facility")
        .annotate(used=Count("quarantines", filter=Q(quarantines__status=QuarantineStatus.ACTIVE)))
        .order_by("facility__name", NaturalKey("number"))
    )
    return [(r, r.used) for r in rooms]  # type: ignore[attr-defined]


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = reader(request)
    case = _case(user, pk)
    events, period, n_passages = _timeline(user, case)
    cands = contact_service.candidates(case, user=user)
    # The state of confirmed contacts: their quarantine from this case (one query).
    states = {
        q.resident_id: q
        for q in Quarantine.objects.visible_to(user)
        .filter(contact__case=case)
        .select_related("room", "room__facility")
        .order_by("start", "id")
    }
    # Undecided candidates already in an active quarantine for another reason (a sealed unit, another
    # case): marked, and left out of the default view.
    undecided = [c.resident_id for c in cands if not c.decision]
    already = {
        q.resident_id: q
        for q in Quarantine.objects.visible_to(user)
        .filter(resident_id__in=undecided, status=QuarantineStatus.ACTIVE)
        .select_related("room", "room__facility")
        .order_by("start", "id")
    }
    for cand in cands:
        cand.quarantine = states.get(cand.resident_id) or already.get(cand.resident_id)  # type: ignore[attr-defined]
    to_decide = [c for c in cands if not c.decision and c.resident_id not in already]
    in_quarantine = [c for c in cands if not c.decision and c.resident_id in already]
    decided = [c for c in cands if c.decision]
    rooms = room_choices(user) if EDIT_EPI.allows(user) else []
    return render(
        request,
        "epi/case_detail.html",
        {
            "case": case,
            "events": events,
            "period": period,
            "too_many_passages": n_passages > PASSAGES_SHOWN,
            "candidates": cands,
            "to_decide": to_decide,
            "in_quarantine": in_quarantine,
            "decided": decided,
            "bulk_limit": BULK_LIMIT,
            "rooms": rooms,
            "can_edit": EDIT_EPI.allows(user),
            "status_form": CaseStatusForm(initial={"status": case.status}),
            "dates_form": CaseDatesForm(
                initial={"onset_date": case.onset_date, "isolation_date": case.isolation_date}
            ),
            "open": case.is_open,
        },
    )


@login_required
@require_POST
def contact_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    user = editor(request)
    case = _case(user, pk)
    form = ConfirmContactForm(request.POST)
    if not form.is_valid():
        form_message(request, form)
        return redirect("epi:case-detail", pk=case.pk)
    resident = get_object_or_404(Resident.objects.visible_to(user), pk=form.cleaned_data["resident"])
    place = form.cleaned_data["place"]
    room = None
    if place != "home":
        room = get_object_or_404(
            Room.objects.visible_to(user).select_related("facility"), pk=bounds.parse_id(place) or 0
        )
    try:
        contact_service.confirm_contact(
            user=user,
            case=case,
            resident=resident,
            quarantine_kind=QuarantineKind.FACILITY if room else QuarantineKind.HOME,
            room=room,
            note=form.cleaned_data["note"],
        )
        where = str(room) if room else _("home quarantine")
        messages.success(
            request, _("{name}: confirmed as a contact, {where}.").format(name=resident.name, where=where)
        )
    except DomainError as err:
        message_error(request, err)
    return redirect(f"{_case_url(case)}#contacts")


@login_required
@require_POST
def contact_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    user = editor(request)
    case = _case(user, pk)
    form = DismissContactForm(request.POST)
    if not form.is_valid():
        form_message(request, form)
        return redirect(f"{_case_url(case)}#contacts")
    resident = get_object_or_404(Resident.objects.visible_to(user), pk=form.cleaned_data["resident"])
    try:
        contact_service.dismiss_contact(
            user=user, case=case, resident=resident, note=form.cleaned_data["note"]
        )
        messages.success(request, _("{name}: dismissed.").format(name=resident.name))
    except DomainError as err:
        message_error(request, err)
    return redirect(f"{_case_url(case)}#contacts")


# At most this many candidates decided in one go (a case proposes a few hundred at most).
BULK_LIMIT = 500


@login_required
@require_POST
def contact_bulk(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm (into home quarantine or one facility room) or dismiss (with one reason) the ticked candidates.
    Each is decided on its own: one refused (already decided, the room full) leaves the others done, and the
    message names who was refused and why."""
    user = editor(request)
    case = _case(user, pk)
    ids = [i for i in (bounds.parse_id(v) for v in request.POST.getlist("resident")[: BULK_LIMIT + 1]) if i]
    action = request.POST.get("action", "")
    if not ids or len(ids) > BULK_LIMIT or action not in ("confirm", "dismiss"):
        messages.error(
            request,
            _("Tick between 1 and {n} people, then confirm or dismiss them.").format(n=BULK_LIMIT),
        )
        return redirect(f"{_case_url(case)}#contacts")
    form = (ConfirmContactForm if action == "confirm" else DismissContactForm)(
        {**request.POST.dict(), "resident": ids[0]}
    )
    if not form.is_valid():
        form_message(request, form)
        return redirect(f"{_case_url(case)}#contacts")
    room = None
    if action == "confirm" and form.cleaned_data["place"] != "home":
        room = get_object_or_404(
            Room.objects.visible_to(user).select_related("facility"),
            pk=bounds.parse_id(form.cleaned_data["place"]) or 0,
        )
    people = Resident.objects.visible_to(user).in_bulk(ids)
    done: list[str] = []
    refused: list[str] = []
    for rid in dict.fromkeys(ids):
        resident = people.get(rid)
        if resident is None:
            refused.append(_("#{id}: not found").format(id=rid))
            continue
        try:
            with transaction.atomic():
                if action == "confirm":
                    contact_service.confirm_contact(
                        user=user,
                        case=case,
                        resident=resident,
                        quarantine_kind=QuarantineKind.FACILITY if room else QuarantineKind.HOME,
                        room=room,
                        note=form.cleaned_data["note"],
                    )
                else:
                    contact_service.dismiss_contact(
                        user=user, case=case, resident=resident, note=form.cleaned_data["note"]
                    )
            done.append(resident.name)
        except DomainError as err:
            refused.append(f"{resident.name}: {err.message}")
    if done:
        text = (
            _("Confirmed as contacts ({n}): {names}.")
            if action == "confirm"
            else _("Dismissed ({n}): {names}.")
        )
        messages.success(request, text.format(n=len(done), names="、".join(done)))
    if refused:
        messages.error(request, _("Not done ({n}): {why}").format(n=len(refused), why="; ".join(refused)))
    return redirect(f"{_case_url(case)}#contacts")


def _case_url(case: Case) -> str:
    return reverse("epi:case-detail", args=[case.pk])
