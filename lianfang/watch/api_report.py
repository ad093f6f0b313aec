"""The JSON API of the daily report (added to /api/v1/ by lianfang/api.py): an area's day of reports (who
reported, late or not, each community's figures and the roll-up), and the report's steps: submit (community
staff), return with a comment and accept (the command centre of the street or above). The rules are
watch/reports.py's; out of scope answers 404 like a missing row."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from ninja import Field, Router, Schema

from lianfang.core.bounds import load_json, parse_date
from lianfang.core.roles import WRITE_DAILY_REPORT
from lianfang.core.scoping import authorize_write, not_found
from lianfang.places.models import Area, AreaLevel
from lianfang.watch.models import DailyReport
from lianfang.watch.reports import (
    REPORT_DAY,
    RollupTotal,
    accept_report,
    cutoff_for,
    draft_report,
    report_values,
    return_report,
    rollup,
    submit_report,
    visible_area,
)

router = Router(tags=["watch"])


class CommunityDayOut(Schema):
    code: str
    name: str
    state: str = Field(..., description="missing, draft, submitted, returned or accepted.")
    late: bool = Field(..., description="Not submitted by the cut-off, or submitted after it.")
    counted: bool = Field(..., description="Submitted or accepted: counted in the totals.")
    submitted_at: datetime.datetime | None = None
    figures: dict[str, int | None] = Field(default_factory=dict)


class TotalOut(Schema):
    code: str
    name: str
    communities: int
    reported: int
    accepted: int
    submitted: int
    late: int
    figures: dict[str, int]


class AreaDayOut(Schema):
    area: str
    name: str
    day: datetime.date
    cutoff: str = Field(..., description="The city's cut-off, HH:MM local time.")
    total: TotalOut
    children: list[TotalOut] = Field(..., description="Per district of a city, per street of a district.")
    communities: list[CommunityDayOut]


class ReportOut(Schema):
    community: str
    name: str
    day: datetime.date
    status: str
    figures: dict[str, int | None]
    publicity: str
    checkpoints: str
    disinfected_area: str
    difficulties: str
    submitted_at: datetime.datetime | None
    reviewed_at: datetime.datetime | None
    review_comment: str


class ReturnIn(Schema):
    comment: str = Field("", description="What has to be fixed (required, at most 500 characters).")


def _total(t: RollupTotal) -> TotalOut:
    return TotalOut(
        code=t.area.code,
        name=t.area.name,
        communities=t.communities,
        reported=t.reported,
        accepted=t.accepted,
        submitted=t.submitted,
        late=t.late,
        figures=t.values,
    )


def _day(raw: str | None) -> datetime.date:
    return parse_date(raw, REPORT_DAY, field="day") or timezone.localdate()


def _report_out(report: DailyReport) -> ReportOut:
    return ReportOut(
        community=report.community.code,
        name=report.community.name,
        day=report.day,
        status=report.status,
        figures=report_values(report),
        publicity=report.publicity,
        checkpoints=report.checkpoints,
        disinfected_area=report.disinfected_area,
        difficulties=report.difficulties,
        submitted_at=report.submitted_at,
        reviewed_at=report.reviewed_at,
        review_comment=report.review_comment,
    )


def _community(user: Any, code: str) -> Area:
    community = Area.objects.visible_to(user).filter(code=code, level=AreaLevel.COMMUNITY).first()
    if community is None:
        raise not_found()
    return community


def _report(user: Any, code: str, day: str) -> DailyReport:
    community = _community(user, code)
    report = DailyReport.objects.visible_to(user).filter(community=community, day=_day(day)).first()
    if report is None:
        raise not_found()
    return report


@router.get(
    "/daily-reports",
    response=AreaDayOut,
    summary="An area's day of daily reports: who reported (late or not), each community's figures, totals",
)
def daily_reports(request: Any, area: str = "", day: str = "") -> AreaDayOut:
    user = request.user
    the_day = _day(day)
    found: Area | None
    if area:
        found = visible_area(user, area)
    else:
        found = getattr(user, "area", None) or Area.objects.visible_to(user).order_by("path").first()
    if found is None:
        raise not_found()
    place = found
    result = rollup(user=user, area=place, day=the_day)
    return AreaDayOut(
        area=place.code,
        name=place.name,
        day=the_day,
        cutoff=cutoff_for(place).strftime("%H:%M"),
        total=_total(result.total),
        children=[_total(c) for c in result.children],
        communities=[
            CommunityDayOut(
                code=line.community.code,
                name=line.community.name,
                state=line.state,
                late=line.late,
                counted=line.counted,
                submitted_at=line.report.submitted_at if line.report else None,
                figures=line.values,
            )
            for line in result.lines
        ],
    )


@router.post(
    "/daily-reports/{code}/{day}/submit",
    response=ReportOut,
    summary="Submit a community's report of a day (drafted from the statistics when there is none yet)",
)
def submit_daily_report(request: Any, code: str, day: str) -> ReportOut:
    user = request.user
    community = _community(user, code)
    the_day = _day(day)
    authorize_write(user, action=WRITE_DAILY_REPORT, path=community.path)
    report = draft_report(community=community, day=the_day)
    return _report_out(submit_report(user=user, report=report))


@router.post(
    "/daily-reports/{code}/{day}/return",
    response=ReportOut,
    summary="Return a submitted report to its community with a comment saying what to fix",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": ReturnIn.model_json_schema()}},
        }
    },
)
def return_daily_report(request: Any, code: str, day: str) -> ReportOut:
    """The body ({"comment": ...}) is read after the report is found: out of scope answers 404 first."""
    report = _report(request.user, code, day)
    body = load_json(request.body or b"{}")
    comment = body.get("comment") if isinstance(body, dict) else None
    if not isinstance(comment, str):
        comment = ""
    return _report_out(return_report(user=request.user, report=report, comment=comment))


@router.post("/daily-reports/{code}/{day}/accept", response=ReportOut, summary="Accept a submitted report")
def accept_daily_report(request: Any, code: str, day: str) -> ReportOut:
    report = _report(request.user, code, day)
    return _report_out(accept_report(user=request.user, report=report))
