"""Pages of mobilization, on a phone. Staff: volunteers to accept, calls for help, the roster of a gate, a
shift (assign, ask for cover), the 72-hour gap view. Volunteers: the public report-in form, their own page
(next shifts, invitations, open calls, hours). The checkpoint loads `on_duty` (who is on duty at the gate
now) with htmx. Every POST first reads its row through `visible_to` (404 out of scope), then calls one
service; a refusal is shown as a message."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianfang.core import audit
from lianfang.core.audit import AuditAction
from lianfang.core.bounds import PLAN, parse_date, parse_datetime, parse_int_or
from lianfang.core.errors import DomainError
from lianfang.core.fonts import FontMissing
from lianfang.core.roles import (
    APPROVE_HOURS,
    ENTER_HOURS,
    MANAGE_ROSTER,
    POST_CALLS,
    READ_ROSTER,
    READ_VOLUNTEERS,
    TAKE_SHIFTS,
    Role,
)
from lianfang.core.viewtools import message_error, require_role
from lianfang.mobilize import exports, services
from lianfang.mobilize.attendance import on_duty, quarter_bounds
from lianfang.mobilize.calls import OPEN_CALLS, calls_open_to, with_claim_counts
from lianfang.mobilize.gaps import STATUS_LABELS, gap_view
from lianfang.mobilize.models import (
    LIVE_ASSIGNMENTS,
    AssignmentStatus,
    CallKind,
    Claim,
    HelpCall,
    HoursEntry,
    HoursStatus,
    RosterRule,
    Shift,
    ShiftPattern,
    Skill,
    Volunteer,
    VolunteerKind,
    VolunteerStatus,
)
from lianfang.mobilize.models import Assignment as AssignmentModel
from lianfang.mobilize.queries import volunteer_lists
from lianfang.places.models import Area, AreaLevel, Gate

REPORT_IN_LIMIT = 20  # report-ins per address and hour (the form is public)


# ------------------------------------------------------------------ report-in (public)
@login_not_required
def report_in(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("community", "")[:20]
    values: dict[str, Any] = {"community": code}
    if request.method == "POST":
        key = f"mobilize:report-in:{request.META.get('REMOTE_ADDR', '')}"
        if cache.get(key, 0) >= REPORT_IN_LIMIT:
            return render(request, "mobilize/report_in.html", {"throttled": True}, status=429)
        values = {
            k: request.POST.get(k, "")[:200] for k in ("community", "name", "phone", "kind", "employer")
        }
        values["availability"] = request.POST.get("availability", "")[:300]
        values["skills"] = request.POST.getlist("skills")[:20]
        try:
            services.report_in(
                user=request.user,
                data=services.ReportIn(id_number=request.POST.get("id_number", "")[:40], **values),
            )
        except DomainError as err:
            messages.error(request, err.message)
        else:
            cache.set(key, cache.get(key, 0) + 1, 3600)
            return render(request, "mobilize/report_in_done.html", {})
    community = Area.objects.filter(code=str(values.get("community") or code).replace("\x00", "")).first()
    return render(
        request,
        "mobilize/report_in.html",
        {"values": values, "community": community, "kinds": VolunteerKind.choices, "skills": Skill.choices},
    )


# ------------------------------------------------------------------ volunteers (staff)
def volunteers(request: HttpRequest) -> HttpResponse:
    user = require_role(request.user, READ_VOLUNTEERS, hide=True)
    status = request.GET.get("status") or VolunteerStatus.PENDING
    if status not in VolunteerStatus.values:
        status = VolunteerStatus.PENDING
    rows = Volunteer.objects.visible_to(user).filter(status=status).select_related("community")
    hours = HoursEntry.objects.visible_to(user).filter(status=HoursStatus.PENDING).select_related("volunteer")
    return render(
        request,
        "mobilize/volunteers.html",
        {
            "rows": rows.order_by("-reported_at")[:300],
            "status": status,
            "statuses": VolunteerStatus.choices,
            "pending_hours": hours.order_by("day", "id")[:100],
            "can_decide": APPROVE_HOURS.allows(user),
        },
    )


@require_POST
def volunteer_decide(request: HttpRequest, pk: int) -> HttpResponse:
    v = get_object_or_404(Volunteer.objects.visible_to(request.user), pk=pk)
    try:
        if request.POST.get("decision") == "accept":
            done = services.accept_volunteer(user=request.user, volunteer=v.pk)
            if done.password:
                messages.success(
                    request,
                    _("{name} is accepted. Login: {username}, one-time password: {password}").format(
                        name=v.name, username=done.username, password=done.password
                    ),
                )
        else:
            services.decline_volunteer(
                user=request.user, volunteer=v.pk, reason=request.POST.get("reason", "")
            )
    except DomainError as err:
        message_error(request, err)
    return redirect("mobilize:volunteers")


# ------------------------------------------------------------------ calls for help
def calls(request: HttpRequest) -> HttpResponse:
    user = require_role(request.user, READ_ROSTER, hide=True)
    now = timezone.now()
    if request.method == "POST":
        require_role(user, POST_CALLS)
        try:
            c = services.post_call(user=user, data=_call_data(request))
        except DomainError as err:
            message_error(request, err)
        else:
            return redirect("mobilize:call-detail", pk=c.pk)
    if user.role == Role.VOLUNTEER and not user.is_superuser:
        qs = calls_open_to(user.scope_path, now)
    else:
        qs = HelpCall.objects.visible_to(user).filter(status__in=OPEN_CALLS, ends_at__gt=now)
    return render(
        request,
        "mobilize/calls.html",
        {
            "rows": with_claim_counts(qs.select_related("community")).order_by("starts_at")[:200],
            "can_post": POST_CALLS.allows(user),
            "kinds": CallKind.choices,
        },
    )


def _call_data(request: HttpRequest) -> services.CallData:
    p = request.POST
    start = parse_datetime(p.get("starts_at"), PLAN, field="starts_at")
    end = parse_datetime(p.get("ends_at"), PLAN, field="ends_at")
    if start is None or end is None:
        raise DomainError("window_required", _("Say when the work starts and ends."), field="starts_at")
    return services.CallData(
        kind=p.get("kind", ""),
        place=p.get("place", "")[:200],
        starts_at=start,
        ends_at=end,
        head_count=parse_int_or(p.get("head_count"), 0, min_value=0, max_value=10_000),
        deadline=parse_datetime(p.get("deadline"), PLAN, field="deadline"),
        details=p.get("details", "")[:400],
        whole_street=p.get("whole_street") == "1",
    )


def _call_for(user: Any, pk: int) -> HelpCall:
    if user.role == Role.VOLUNTEER and not user.is_superuser:
        qs = HelpCall.objects.filter(pk__in=calls_open_to(user.scope_path, timezone.now()).values("pk"))
        qs = qs | HelpCall.objects.filter(pk=pk, claims__volunteer__user=user)
    else:
        qs = HelpCall.objects.visible_to(user)
    return get_object_or_404(qs.distinct(), pk=pk)


def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_role(request.user, READ_ROSTER, hide=True)
    c = _call_for(user, pk)
    claims = Claim.objects.filter(call=c).select_related("volunteer").order_by("claimed_at", "id")
    mine = next((cl for cl in claims if cl.volunteer.user_id == user.pk), None)
    return render(
        request,
        "mobilize/call_detail.html",
        {
            "call": c,
            "claims": claims if POST_CALLS.allows(user) else [],
            "mine": mine,
            "staff": POST_CALLS.allows(user),
            "volunteer": TAKE_SHIFTS.allows(user),
        },
    )


@require_POST
def call_act(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    c = _call_for(user, pk)
    action = request.POST.get("action")
    try:
        if action == "claim":
            services.claim_call(user=user, call=c.pk)
        elif action == "withdraw":
            services.withdraw_claim(user=user, call=c.pk)
        elif action == "attendance":
            attended = [parse_int_or(x, 0, min_value=0) for x in request.POST.getlist("attended")[:500]]
            rating = request.POST.get("rating") or None
            services.confirm_attendance(
                user=user,
                call=c.pk,
                attended=attended,
                rating=parse_int_or(rating, 0, min_value=0, max_value=9) if rating else None,
            )
        elif action == "cancel":
            services.cancel_call(user=user, call=c.pk)
        else:
            raise DomainError("bad_action", _("Unknown action."))
    except DomainError as err:
        message_error(request, err)
    return redirect("mobilize:call-detail", pk=c.pk)


# ------------------------------------------------------------------ roster and gaps (staff)
def _gate(user: Any, pk: int) -> Gate:
    return get_object_or_404(Gate.objects.visible_to(user).select_related("compound"), pk=pk)


def roster(request: HttpRequest, pk: int) -> HttpResponse:
    """The roster of a gate for 7 days from `day`: the grid a secretary pins on the wall."""
    user = require_role(request.user, READ_ROSTER, hide=True)
    gate = _gate(user, pk)
    if request.method == "POST":
        require_role(user, MANAGE_ROSTER)
        p = request.POST
        try:
            services.set_roster_rule(
                user=user,
                gate=gate.pk,
                people_per_shift=parse_int_or(p.get("people_per_shift"), 0, min_value=0, max_value=100),
                pattern=p.get("pattern", ""),
                first_hour=parse_int_or(p.get("first_hour"), 0, min_value=0, max_value=100),
            )
            n = services.generate_shifts(user=user, gate=gate.pk)
            messages.success(request, _("{n} shifts added.").format(n=n))
        except DomainError as err:
            message_error(request, err)
        return redirect("mobilize:roster", pk=gate.pk)
    today = timezone.localdate()
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    shifts = (
        (Shift.objects.visible_to(user).filter(gate=gate))
        .filter(
            starts_at__gte=start - datetime.timedelta(hours=8),
            starts_at__lt=start + datetime.timedelta(days=7),
        )
        .order_by("starts_at")
    )
    people: dict[int, list[str]] = {}
    for a in AssignmentModel.objects.filter(
        shift__in=[s.pk for s in shifts], status__in=LIVE_ASSIGNMENTS
    ).select_related("volunteer"):
        people.setdefault(a.shift_id, []).append(
            a.volunteer.name + ("?" if a.status == AssignmentStatus.INVITED else "")
        )
    rows = [(s, people.get(s.pk, [])) for s in shifts]
    return render(
        request,
        "mobilize/roster.html",
        {
            "gate": gate,
            "rule": RosterRule.objects.filter(gate=gate).first(),
            "rows": rows,
            "patterns": ShiftPattern.choices,
            "can_manage": MANAGE_ROSTER.allows(user),
        },
    )


def gaps(request: HttpRequest) -> HttpResponse:
    """The next 72 hours: a community's (or a gate's) shifts with their gaps; above a community, the count of
    gaps per community and the first gaps."""
    user = require_role(request.user, READ_ROSTER, hide=True)
    now = timezone.now()
    gate_id = parse_int_or(request.GET.get("gate"), 0, min_value=0) or None
    above_community = user.is_superuser or (user.area is not None and user.area.level != AreaLevel.COMMUNITY)
    summary, rows = gap_view(user, gate_id=gate_id, now=now, only_gaps=above_community and gate_id is None)
    gates = dict(
        (pk, f"{compound} {name}")
        for pk, compound, name in Gate.objects.filter(pk__in={r.gate_id for r in rows}).values_list(
            "pk", "compound__name", "name"
        )
    )
    names = dict(Area.objects.filter(path__in=list(summary)).values_list("path", "name"))
    areas = sorted(
        ((names.get(p, p), str(s.total), str(s.n_gaps), s.n_gaps) for p, s in summary.items()),
        key=lambda x: (-x[3], x[0]),
    )
    # Plain strings, the links reversed once: a city's view lists hundreds of rows.
    roster_url, shift_url = _url_of("mobilize:roster"), _url_of("mobilize:shift")
    labels = {k: str(v) for k, v in STATUS_LABELS.items()}
    return render(
        request,
        "mobilize/gaps.html",
        {
            "rows": [
                {
                    "shift": str(r.shift_id),
                    "gap": r.gap,
                    "label": labels[r.gap],
                    "gate": gates.get(r.gate_id, ""),
                    "gate_url": roster_url(r.gate_id),
                    "shift_url": shift_url(r.shift_id),
                    "when": f"{timezone.localtime(r.starts_at):%m-%d %H:%M}–"
                    f"{timezone.localtime(r.ends_at):%H:%M}",
                    "people": f"{r.covering}/{r.needed}"
                    + (f" (+{r.invited}?)" if r.invited else "")
                    + (f" ✓{r.checked_in}" if r.checked_in else ""),
                }
                for r in rows
            ],
            "areas": areas if above_community else [],
            "can_manage": MANAGE_ROSTER.allows(user),
        },
    )


def _url_of(name: str) -> Any:
    """pk -> the URL of route `name` (one int argument), reversed once."""
    marker = 987654321
    head, tail = reverse(name, args=[marker]).split(str(marker))
    return lambda pk: f"{head}{pk}{tail}"


def shift_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_role(request.user, READ_ROSTER, hide=True)
    s = get_object_or_404((Shift.objects.visible_to(user)).select_related("gate__compound"), pk=pk)
    staff = MANAGE_ROSTER.allows(user)
    return render(
        request,
        "mobilize/shift.html",
        {
            "shift": s,
            "assignments": s.assignments.select_related("volunteer", "ended_by").order_by("id")
            if staff
            else [],
            "candidates": Volunteer.objects.filter(path=s.path, status=VolunteerStatus.ACTIVE).order_by(
                "name"
            )[:300]
            if staff
            else [],
            "staff": staff,
            "volunteer": TAKE_SHIFTS.allows(user),
        },
    )


@require_POST
def shift_act(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    s = get_object_or_404(Shift.objects.visible_to(user), pk=pk)
    action = request.POST.get("action")
    try:
        if action == "assign":
            services.assign_volunteer(
                user=user,
                shift=s.pk,
                volunteer=parse_int_or(request.POST.get("volunteer"), 0, min_value=0),
                confirmed=request.POST.get("confirmed") == "1",
            )
        elif action == "cover":
            n = parse_int_or(request.POST.get("count"), 3, min_value=1, max_value=20)
            asked = services.ask_for_cover(user=user, shift=s.pk, count=n)
            messages.success(request, _("{n} volunteers invited.").format(n=len(asked)))
        elif action == "take":
            services.take_shift(user=user, shift=s.pk)
            messages.success(request, _("The shift is yours."))
            return redirect("mobilize:mine")
        else:
            raise DomainError("bad_action", _("Unknown action."))
    except DomainError as err:
        message_error(request, err)
    return redirect("mobilize:shift", pk=s.pk)


@require_POST
def assignment_act(request: HttpRequest, pk: int) -> HttpResponse:
    """accept / decline / drop / check-in / check-out of one assignment (own, gate's, or area's)."""
    user = request.user
    visible = AssignmentModel.objects.visible_to(user) | AssignmentModel.objects.filter(volunteer__user=user)
    a = get_object_or_404(visible.distinct().select_related("shift"), pk=pk)
    action = request.POST.get("action")
    try:
        if action in ("accept", "decline"):
            services.answer_invitation(user=user, assignment=a.pk, accept=action == "accept")
        elif action == "drop":
            services.drop_assignment(user=user, assignment=a.pk, reason=request.POST.get("reason", ""))
        elif action == "check_in":
            gate = parse_int_or(request.POST.get("gate"), 0, min_value=0) or None
            services.check_in(user=user, assignment=a.pk, gate=gate)
        elif action == "check_out":
            services.check_out(user=user, assignment=a.pk)
        else:
            raise DomainError("bad_action", _("Unknown action."))
    except DomainError as err:
        message_error(request, err)
    if user.role == Role.GATE:
        return redirect("access:checkpoint")
    if user.role == Role.VOLUNTEER:
        return redirect("mobilize:mine")
    return redirect("mobilize:shift", pk=a.shift_id)


@require_POST
def hours_enter(request: HttpRequest) -> HttpResponse:
    """A volunteer types hours worked outside shifts and calls (counted once staff approve)."""
    user = require_role(request.user, ENTER_HOURS)
    try:
        day = parse_date(request.POST.get("day"), PLAN, field="day")
        if day is None:
            raise DomainError("day_required", _("Choose the day."), field="day")
        services.enter_hours(
            user=user,
            day=day,
            hours=request.POST.get("hours", "")[:10],
            note=request.POST.get("note", "")[:300],
        )
        messages.success(request, _("Hours sent for approval."))
    except DomainError as err:
        message_error(request, err)
    return redirect("mobilize:mine")


@require_POST
def hours_decide(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(HoursEntry.objects.visible_to(request.user), pk=pk)
    try:
        services.decide_hours(
            user=request.user, entry=entry.pk, approve=request.POST.get("decision") == "approve"
        )
    except DomainError as err:
        message_error(request, err)
    return redirect("mobilize:volunteers")


def on_duty_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The fragment the checkpoint loads: who is on duty at this gate now, with check-in buttons."""
    gate = get_object_or_404(Gate.objects.visible_to(request.user), pk=pk)
    return render(request, "mobilize/_on_duty.html", {"gate": gate, "rows": on_duty(gate.pk)})


# ------------------------------------------------------------------ the volunteer's own page
def mine(request: HttpRequest) -> HttpResponse:
    """Every account's own duty: a volunteer's shifts, calls and hours; nothing for the others."""
    return render(request, "mobilize/mine.html", volunteer_lists(request.user))


# ------------------------------------------------------------------ exports
def roster_export(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_role(request.user, READ_ROSTER, hide=True)
    gate = _gate(user, pk)
    today = timezone.localdate()
    audit.log(
        user=user, action=AuditAction.EXPORT, obj=gate, summary=_("Exported the gate roster"), path=gate.path
    )
    response = HttpResponse(
        exports.roster_workbook(gate, today),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="roster-{gate.pk}-{today.isoformat()}.xlsx"'
    return response


def service_card(request: HttpRequest, pk: int) -> HttpResponse:
    """A volunteer's service card of a quarter (`?quarter=2026-1`, default the current one), for staff."""
    user = require_role(request.user, READ_VOLUNTEERS, hide=True)
    v = get_object_or_404(Volunteer.objects.visible_to(user).select_related("community"), pk=pk)
    today = timezone.localdate()
    year, _sep, q = str(request.GET.get("quarter", "")).partition("-")
    quarter = parse_int_or(q, (today.month - 1) // 3 + 1, min_value=1, max_value=4)
    year_n = parse_int_or(year, today.year, min_value=2000, max_value=today.year)
    first, last = quarter_bounds(datetime.date(year_n, 3 * quarter - 2, 1))
    try:
        pdf = exports.service_card_pdf(v, first, last)
    except FontMissing as err:
        return HttpResponse(str(err), status=503, content_type="text/plain; charset=utf-8")
    audit.log(user=user, action=AuditAction.EXPORT, obj=v, summary=_("Printed the service card"), path=v.path)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="service-card-{v.pk}-{year_n}q{quarter}.pdf"'
    return response
