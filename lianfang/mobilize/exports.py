"""Exports of mobilization: the roster of a gate as Excel (the grid a secretary pins on the wall: a row per
day, a column per shift, the names in the cells — every cell inert, core.exports), and a volunteer's
quarterly service card as PDF (for a party member's employer: hours from shifts, calls and approved
entries, the duties done), with the embedded Chinese font of the pass cards (access.pdf)."""

from __future__ import annotations

import datetime
import io
from collections import defaultdict

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from lianfang.core.exports import inert_row
from lianfang.core.fonts import register_font
from lianfang.mobilize.attendance import hours_between
from lianfang.mobilize.models import COVERING_ASSIGNMENTS, Assignment, AssignmentStatus, Shift, Volunteer
from lianfang.places.models import Gate

ROSTER_DAYS = 7


def roster_workbook(gate: Gate, first: datetime.date, days: int = ROSTER_DAYS) -> bytes:
    since = timezone.make_aware(datetime.datetime.combine(first, datetime.time.min))
    until = since + datetime.timedelta(days=days)
    shifts = list(
        Shift.objects.filter(gate=gate, starts_at__gte=since, starts_at__lt=until).order_by("starts_at")
    )
    names: dict[int, list[str]] = defaultdict(list)
    for a in (
        Assignment.objects.filter(
            shift__in=shifts, status__in=(*COVERING_ASSIGNMENTS, AssignmentStatus.INVITED)
        )
        .select_related("volunteer")
        .order_by("-is_lead", "volunteer__name")
    ):
        mark = "?" if a.status == AssignmentStatus.INVITED else ""
        names[a.shift_id].append(a.volunteer.name + mark)
    slots = sorted({timezone.localtime(s.starts_at).strftime("%H:%M") for s in shifts})
    grid: dict[tuple[datetime.date, str], Shift] = {}
    for s in shifts:
        local = timezone.localtime(s.starts_at)
        grid[(local.date(), local.strftime("%H:%M"))] = s
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Roster"))
    ws.append(inert_row(ws, [f"{gate.compound.name} {gate.name}"]))
    ws.append(inert_row(ws, [_("Day"), *slots]))
    for i in range(days):
        day = first + datetime.timedelta(days=i)
        cells = []
        for slot in slots:
            s = grid.get((day, slot))
            if s is None:
                cells.append("")
                continue
            people = "、".join(names.get(s.pk, []))
            short = len([n for n in names.get(s.pk, []) if not n.endswith("?")]) < s.needed
            cells.append(people + (f" ({_('short')})" if short else ""))
        ws.append(inert_row(ws, [day.isoformat(), *cells]))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def service_card_pdf(volunteer: Volunteer, first: datetime.date, last: datetime.date) -> bytes:
    font = register_font()
    hours = hours_between(volunteer, first, last)
    since = timezone.make_aware(datetime.datetime.combine(first, datetime.time.min))
    until = timezone.make_aware(
        datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min)
    )
    duties = (
        Assignment.objects.filter(
            volunteer=volunteer,
            status=AssignmentStatus.CHECKED_OUT,
            checked_in_at__gte=since,
            checked_in_at__lt=until,
        )
        .select_related("shift__gate__compound")
        .order_by("checked_in_at")[:25]
    )
    out = io.BytesIO()
    c = Canvas(out, pagesize=A5)
    w, h = A5
    y = h - 18 * mm
    c.setFont(font, 16)
    c.drawCentredString(w / 2, y, _("Service card"))
    y -= 10 * mm
    c.setFont(font, 10)
    lines = [
        f"{_('Name')}: {volunteer.name}",
        f"{_('As')}: {volunteer.get_kind_display()}",
        f"{_('Employer')}: {volunteer.employer or '-'}",
        f"{_('Community')}: {volunteer.community.name}",
        f"{_('Period')}: {first.isoformat()} – {last.isoformat()}",
        _("Hours: {total} (shifts {shifts}, calls for help {calls}, approved entries {entered})").format(
            **hours
        ),
    ]
    for line in lines:
        c.drawString(12 * mm, y, line)
        y -= 6 * mm
    y -= 2 * mm
    for a in duties:
        local = timezone.localtime(a.checked_in_at) if a.checked_in_at else None
        text = (
            f"{local:%m-%d %H:%M} {a.shift.gate.compound.name} {a.shift.gate.name} {a.hours}h"
            if local
            else ""
        )
        c.drawString(14 * mm, y, text)
        y -= 5 * mm
        if y < 30 * mm:
            break
    c.drawString(12 * mm, 18 * mm, _("Community (seal): ______________   Date: ____________"))
    c.showPage()
    c.save()
    return out.getvalue()
