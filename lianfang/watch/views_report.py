"""Daily report pages (日报). Community staff open their community's report of the day (drafted from the
statistics on the first visit), edit its free-text parts and submit it; the command centre of the street or
a level above sees the communities of a day with their state (late after the cut-off), opens a report and
returns it with a comment or accepts it; the roll-up of an area downloads as Excel and PDF (audited).

Thin views: the rules are in watch/reports.py. Reads go through `visible_to`; out of scope is 404. Roles
outside READ_DAILY_REPORTS get 404 (they do not learn the pages exist); the buttons follow the actions."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lianfang.core import audit
from lianfang.core.audit import AuditAction
from lianfang.core.errors import DomainError
from lianfang.core.roles import READ_DAILY_REPORTS, WRITE_DAILY_REPORT
from lianfang.core.scoping import authorize_write
from lianfang.core.viewtools import form_error, message_error, require_role
from lianfang.places.models import Area, AreaLevel
from lianfang.watch.forms_report import DayForm, ReportTextForm, ReturnForm
from lianfang.watch.models import DailyReport, ReportStatus
from lianfang.watch.report_exports import (
    export_filename,
    report_pdf,
    report_title,
    rollup_pdf,
    rollup_workbook,
)
from lianfang.watch.reports import (
    COLUMNS,
    COUNTED,
    EDITABLE,
    REPORT_DAY,
    STATE_LABELS,
    STEP_DRAFTED,
    STEP_EDITED,
    STEP_REFRESHED,
    accept_report,
    cutoff_at,
    cutoff_for,
    draft_report,
    may_review,
    report_values,
    return_report,
    rollup,
    save_report,
    submit_report,
    visible_area,
)

# The figures shown first, as cards, on a report and on a roll-up (the rest in a table below them).
KEY_FIGURES = (
    "cases_new",
    "cases_cumulative",
    "people_held",
    "home_q_current",
    "facility_q_current",
    "fevers",
)
STEP_LABELS = {
    STEP_DRAFTED: gettext_lazy("drafted from the statistics"),
    STEP_REFRESHED: gettext_lazy("figures refreshed from the statistics"),
    STEP_EDITED: gettext_lazy("text edited"),
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def reader(request: HttpRequest) -> Any:
    return require_role(request.user, READ_DAILY_REPORTS, hide=True)


def checked_day(day: datetime.date) -> datetime.date:
    """A day from the URL: today or up to a year back (anything else names no report: 404)."""
    try:
        REPORT_DAY.check(day)
    except DomainError:
        raise Http404 from None
    return day


def visible_community(user: Any, code: str) -> Area:
    community = Area.objects.visible_to(user).filter(code=code, level=AreaLevel.COMMUNITY).first()
    if community is None:
        raise Http404
    return community


def area_or_404(user: Any, code: str) -> Area:
    try:
        return visible_area(user, code)
    except DomainError:
        raise Http404 from None


def open_report(user: Any, community: Area, day: datetime.date) -> DailyReport | None:
    """The community's report of the day. For the staff who write it, drafted (or its figures refreshed)
    first; for the others, the report as it is, or None."""
    if WRITE_DAILY_REPORT.allows(user):
        try:
            authorize_write(user, action=WRITE_DAILY_REPORT, path=community.path)
        except DomainError:
            pass
        else:
            draft_report(community=community, day=day)
    return (
        DailyReport.objects.visible_to(user)
        .select_related("community", "submitted_by", "reviewed_by")
        .filter(community=community, day=day)
        .first()
    )


def report_or_404(user: Any, code: str, day: datetime.date) -> DailyReport:
    community = visible_community(user, code)
    report = DailyReport.objects.visible_to(user).filter(community=community, day=checked_day(day)).first()
    if report is None:
        raise Http404
    return report


def figure_rows(values: dict[str, int | None]) -> list[dict[str, Any]]:
    return [{"key": key, "label": label, "value": values.get(key)} for key, label in COLUMNS]


# ------------------------------------------------------------------ landing
def reports(request: HttpRequest) -> HttpResponse:
    """/watch/reports/[?area=<code>&day=<date>]: community staff of one community to its report of the day,
    everybody else to the communities of their area (or of the area asked for)."""
    user = reader(request)
    form = DayForm(request.GET)
    day = timezone.localdate()
    code = ""
    if form.is_valid():
        day = form.cleaned_data["day"] or day
        code = form.cleaned_data["area"]
    if not code:
        area = user.area if not user.is_superuser else None
        area = area or Area.objects.visible_to(user).order_by("path").first()
        if area is None:
            raise Http404
        code = area.code
    area = area_or_404(user, code)
    if area.level == AreaLevel.COMMUNITY:
        return redirect("watch:report", code=area.code, day=day)
    return redirect("watch:report-area", code=area.code, day=day)


# ------------------------------------------------------------------ one community's report
def detail_context(
    user: Any, report: DailyReport | None, community: Area, day: datetime.date
) -> dict[str, Any]:
    now = timezone.now()
    due = cutoff_at(day, cutoff_for(community))
    editable = report is not None and report.status in EDITABLE and WRITE_DAILY_REPORT.allows(user)
    if report is not None and report.status in COUNTED:
        late = report.submitted_at is not None and report.submitted_at > due
    else:
        late = now > due
    ctx: dict[str, Any] = {
        "community": community,
        "day": day,
        "report": report,
        "due": due,
        "late": late,
        "state_label": STATE_LABELS[report.status] if report else STATE_LABELS["missing"],
        "title": report_title(community.name, day),
        "editable": editable,
        "can_review": report is not None
        and report.status == ReportStatus.SUBMITTED
        and may_review(user, report),
        "return_form": ReturnForm(),
        "previous_day": day - datetime.timedelta(days=1),
        "next_day": day + datetime.timedelta(days=1) if day < timezone.localdate() else None,
        "street": Area.objects.visible_to(user).filter(pk=community.parent_id).first(),
    }
    if report is not None:
        values = {row["key"]: row["value"] for row in figure_rows(report_values(report))}
        ctx["key_figures"] = [r for r in figure_rows(values) if r["key"] in KEY_FIGURES]
        ctx["figures"] = figure_rows(values)
        ctx["events"] = [
            {"event": e, "note": e.note if e.status == ReportStatus.RETURNED else STEP_LABELS.get(e.note, "")}
            for e in report.events.select_related("by")
        ]
        if editable:
            ctx["form"] = ReportTextForm(
                initial={name: getattr(report, name) for name in ReportTextForm.FIELDS}
            )
    return ctx


def report_detail(request: HttpRequest, code: str, day: datetime.date) -> HttpResponse:
    user = reader(request)
    community = visible_community(user, code)
    day = checked_day(day)
    report = open_report(user, community, day)
    return render(request, "watch/report_detail.html", detail_context(user, report, community, day))


@require_POST
def report_save(request: HttpRequest, code: str, day: datetime.date) -> HttpResponse:
    """Save the free text; with `then=submit`, submit it as well."""
    user = reader(request)
    report = report_or_404(user, code, day)
    form = ReportTextForm(request.POST)
    if form.is_valid():
        try:
            save_report(user=user, report=report, **form.cleaned_data)
            if request.POST.get("then") == "submit":
                submit_report(user=user, report=report)
                messages.success(request, _("Report submitted to the street."))
            else:
                messages.success(request, _("Saved."))
        except DomainError as err:
            if err.field:
                form_error(form, err)
            else:
                message_error(request, err)
                return redirect("watch:report", code=code, day=report.day)
        else:
            return redirect("watch:report", code=code, day=report.day)
    report.refresh_from_db()
    ctx = detail_context(user, report, report.community, report.day)
    ctx["form"] = form
    return render(request, "watch/report_detail.html", ctx, status=400)


@require_POST
def report_return(request: HttpRequest, code: str, day: datetime.date) -> HttpResponse:
    user = reader(request)
    report = report_or_404(user, code, day)
    form = ReturnForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else request.POST.get("comment", "")
    try:
        return_report(user=user, report=report, comment=comment)
    except DomainError as err:
        message_error(request, err)
    else:
        messages.success(request, _("Report returned to the community with your comment."))
    return redirect("watch:report", code=code, day=report.day)


@require_POST
def report_accept(request: HttpRequest, code: str, day: datetime.date) -> HttpResponse:
    user = reader(request)
    report = report_or_404(user, code, day)
    try:
        accept_report(user=user, report=report)
    except DomainError as err:
        message_error(request, err)
    else:
        messages.success(request, _("Report accepted."))
    return redirect("watch:report", code=code, day=report.day)


def report_download(request: HttpRequest, code: str, day: datetime.date) -> HttpResponse:
    """One community's report as PDF (audited as an export)."""
    user = reader(request)
    community = visible_community(user, code)
    day = checked_day(day)
    report = open_report(user, community, day)
    if report is None:
        raise Http404
    pdf = report_pdf(report)
    audit.log(
        user=user,
        action=AuditAction.EXPORT,
        obj=report,
        summary=_("Daily report downloaded (PDF)"),
        request=request,
    )
    return attachment(pdf, "application/pdf", export_filename(code, day, "pdf"))


# ------------------------------------------------------------------ an area's day: who reported, the roll-up
def report_area(request: HttpRequest, code: str, day: datetime.date) -> HttpResponse:
    user = reader(request)
    area = area_or_404(user, code)
    day = checked_day(day)
    result = rollup(user=user, area=area, day=day)
    now = timezone.now()
    due = cutoff_at(day, cutoff_for(area))
    total = result.total
    key_order = [key for key, _label in COLUMNS if key in KEY_FIGURES]
    return render(
        request,
        "watch/report_area.html",
        {
            "area": area,
            "day": day,
            "title": report_title(area.name, day),
            "result": result,
            "lines": [
                {
                    "line": line,
                    "label": STATE_LABELS[line.state],
                    "key": [line.values.get(k) for k in key_order],
                }
                for line in result.lines
            ],
            "key_figures": [r for r in figure_rows(dict(total.values)) if r["key"] in KEY_FIGURES],
            "figures": figure_rows(dict(total.values)),
            "due": due,
            "past_cutoff": now > due,
            "previous_day": day - datetime.timedelta(days=1),
            "next_day": day + datetime.timedelta(days=1) if day < timezone.localdate() else None,
            "parent": Area.objects.visible_to(user).filter(pk=area.parent_id).first(),
        },
    )


def attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _export(request: HttpRequest, code: str, day: datetime.date, kind: str) -> HttpResponse:
    user = reader(request)
    area = area_or_404(user, code)
    day = checked_day(day)
    result = rollup(user=user, area=area, day=day)
    if kind == "xlsx":
        content, content_type = rollup_workbook(result), XLSX
    else:
        content, content_type = rollup_pdf(result), "application/pdf"
    audit.log(
        user=user,
        action=AuditAction.EXPORT,
        obj=area,
        summary=_(
            "Daily reports of {day} downloaded ({format}): {reported} of {total} communities reported"
        ).format(
            day=day.isoformat(),
            format="Excel" if kind == "xlsx" else "PDF",
            reported=result.total.reported,
            total=result.total.communities,
        ),
        request=request,
    )
    return attachment(content, content_type, export_filename(code, day, kind))


def report_area_xlsx(request: HttpRequest, code: str, day: datetime.date) -> HttpResponse:
    return _export(request, code, day, "xlsx")


def report_area_pdf(request: HttpRequest, code: str, day: datetime.date) -> HttpResponse:
    return _export(request, code, day, "pdf")
