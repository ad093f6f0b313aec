"""The daily report (日报): each community's report of a day, drafted from its statistics, with the article's
free-text parts; submitted to the street, which accepts it or returns it with a comment; rolled up to the
street, district and city.

The rules:

- **Cut-off.** A city's `ReportSettings.cutoff` (default 18:00, local time) is when its communities' reports
  of the day are due. A community without a submitted (or accepted) report after it is *late*; so is a
  report whose standing submission came after it.
- **Draft.** `draft_report` creates the community's report of the day, its figures read from the daily
  statistics (`REPORT_METRICS`, through `watch.figures`), or refreshes them while the report is a draft or
  returned. Calling it again changes nothing when the figures did not change. A day whose statistics were
  never computed gives no figures (`{}`): missing, not zero.
- **States.** draft → submitted → accepted, or submitted → returned (with a comment) → submitted again.
  Community staff of the community edit the free text (drafts and returned reports only) and submit; the
  figures are read again at submission and kept as they were then. The command centre of the street or a
  level above returns (a comment is required) or accepts. A report submitted twice, edited or submitted
  after acceptance, or reviewed when it was not submitted, is refused by name. Every step is a
  `DailyReportEvent`.
- **Roll-up.** The figures of the submitted and accepted reports of the communities under an area add up
  (a submitted report is counted but marked as not yet accepted); drafts, returned and missing reports are
  listed and not counted.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianfang.core.alerts import new_alert, raise_alerts
from lianfang.core.bounds import DateWindow, parse_int
from lianfang.core.errors import DomainError
from lianfang.core.models import Alert, AlertKind
from lianfang.core.roles import READ_DAILY_REPORTS, REVIEW_DAILY_REPORT, WRITE_DAILY_REPORT
from lianfang.core.scoping import authorize_write, not_found
from lianfang.places.models import Area, AreaLevel
from lianfang.watch.figures import figures_of
from lianfang.watch.metrics import Metric
from lianfang.watch.models import DailyReport, DailyReportEvent, ReportSettings, ReportStatus

DEFAULT_CUTOFF = datetime.time(18, 0)

# The figures a district office asks of each community, in the order of its form.
REPORT_METRICS: tuple[Metric, ...] = (
    Metric.HOUSEHOLDS,
    Metric.RESIDENTS,
    Metric.RETURNEES_ARRIVED,
    Metric.RETURNEES_WATCHED,
    Metric.CASES_NEW,
    Metric.CASES_CUMULATIVE,
    Metric.LOCKDOWNS_ACTIVE,
    Metric.HOUSEHOLDS_HELD,
    Metric.PEOPLE_HELD,
    Metric.HOME_Q_STARTED,
    Metric.HOME_Q_CURRENT,
    Metric.FACILITY_Q_STARTED,
    Metric.FACILITY_Q_CURRENT,
    Metric.CONTACTS_CONFIRMED,
    Metric.PASSAGES_IN,
    Metric.PASSAGES_OUT,
    Metric.REFUSALS,
    Metric.FEVERS,
    Metric.CALLS_MADE,
    Metric.CALLS_OVERDUE,
    Metric.ERRANDS_RAISED,
    Metric.ERRANDS_DONE,
    Metric.DISINFECTIONS,
    Metric.KITS_DELIVERED,
)
# The numbers the community writes itself (its checkpoints, people on duty, disinfection teams).
DUTY_FIELDS: tuple[tuple[str, Any], ...] = (
    ("checkpoints_count", _("Checkpoints")),
    ("people_on_duty", _("People on duty")),
    ("disinfection_teams", _("Disinfection teams")),
)
# Every column of a report, figures first: (key, label).
COLUMNS: tuple[tuple[str, Any], ...] = (*((m.value, m.label) for m in REPORT_METRICS), *DUTY_FIELDS)

# The free-text parts and their largest size (characters).
TEXT_LIMITS = {"publicity": 2000, "checkpoints": 2000, "disinfected_area": 200, "difficulties": 2000}
MAX_COUNT = 1_000_000
MAX_COMMENT = 500

EDITABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED)
COUNTED = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)
MISSING = "missing"  # the state of a community without any report of the day

# How a community stands on a day, as pages and exports say it.
STATE_LABELS: dict[str, Any] = {
    MISSING: _("Not reported"),
    ReportStatus.DRAFT: _("Not submitted (draft)"),
    ReportStatus.SUBMITTED: _("Submitted, awaiting review"),
    ReportStatus.RETURNED: _("Returned"),
    ReportStatus.ACCEPTED: _("Accepted"),
}

# A report may be drafted for today and for up to a year back.
REPORT_DAY = DateWindow(days_ahead=0, days_back=366, late_code="report_day_future")

# The steps of a report's history that are not a reviewer's comment: the note they carry (pages label them).
STEP_DRAFTED, STEP_REFRESHED, STEP_EDITED = "drafted", "refreshed", "edited"


# ------------------------------------------------------------------ cut-off
def city_path(path: str) -> str:
    return path.split(".", 1)[0] + "."


def cutoffs_by_city() -> dict[str, datetime.time]:
    """The cut-off set for each city (by the city's path); cities without one use DEFAULT_CUTOFF."""
    return dict(ReportSettings.objects.values_list("area__path", "cutoff"))


def cutoff_for(area: Area, *, cutoffs: dict[str, datetime.time] | None = None) -> datetime.time:
    """The cut-off time of the city an area lies in."""
    if cutoffs is None:
        found = ReportSettings.objects.filter(area__path=city_path(area.path)).values_list(
            "cutoff", flat=True
        )
        return found.first() or DEFAULT_CUTOFF
    return cutoffs.get(city_path(area.path), DEFAULT_CUTOFF)


def cutoff_at(day: datetime.date, cutoff: datetime.time) -> datetime.datetime:
    """The moment a day's reports are due (local time)."""
    return timezone.make_aware(datetime.datetime.combine(day, cutoff))


# ------------------------------------------------------------------ figures
def read_figures(community: Area, day: datetime.date) -> dict[str, int]:
    """The community's figures of the day from the statistics; {} when the day was never computed."""
    found = figures_of(paths=[community.path], metrics=[m.value for m in REPORT_METRICS], day=day)
    values = {metric: found[(community.path, metric)] for metric in (m.value for m in REPORT_METRICS)}
    if any(v is None for v in values.values()):
        return {}
    return {k: int(v or 0) for k, v in values.items()}


def report_values(report: DailyReport) -> dict[str, int | None]:
    """Every column of a report: its figures (None when the statistics were missing) and duty numbers."""
    figures = report.figures or {}
    values: dict[str, int | None] = {m.value: figures.get(m.value) for m in REPORT_METRICS}
    for key, _label in DUTY_FIELDS:
        values[key] = getattr(report, key)
    return values


# ------------------------------------------------------------------ the use cases
def _event(report: DailyReport, *, user: Any = None, note: str = "", at: datetime.datetime) -> None:
    DailyReportEvent.objects.create(
        report=report,
        status=report.status,
        note=note[:MAX_COMMENT],
        by=user if getattr(user, "is_authenticated", False) else None,
        at=at,
    )


def _community(community: Any) -> Area:
    if not isinstance(community, Area) or community.pk is None:
        raise not_found()
    if community.level != AreaLevel.COMMUNITY:
        raise DomainError(
            "not_a_community", _("Daily reports are written by communities."), field="community"
        )
    return community


@transaction.atomic
def draft_report(*, community: Area, day: datetime.date, now: datetime.datetime | None = None) -> DailyReport:
    """The community's report of the day, created from its statistics or its figures refreshed (drafts and
    returned reports only). Idempotent. No user: pages and the demo call it once they decided who may."""
    now = now or timezone.now()
    community = _community(community)
    REPORT_DAY.check(day, field="day", today=timezone.localdate(now))
    figures = read_figures(community, day)
    report, created = DailyReport.objects.get_or_create(
        community=community,
        day=day,
        defaults={"path": community.path, "figures": figures, "created_at": now},
    )
    if created:
        _event(report, note=STEP_DRAFTED, at=now)
        return report
    report = DailyReport.objects.select_for_update().get(pk=report.pk)
    if report.status in EDITABLE and report.figures != figures:
        report.figures = figures
        report.save(update_fields=["figures", "updated_at"])
        _event(report, note=STEP_REFRESHED, at=now)
    return report


def _locked(report: DailyReport) -> DailyReport:
    return DailyReport.objects.select_for_update().select_related("community").get(pk=report.pk)


def _refuse_if_closed(report: DailyReport) -> None:
    if report.status == ReportStatus.ACCEPTED:
        raise DomainError("report_accepted", _("This report has been accepted; it can no longer be changed."))


def _text(name: str, raw: Any) -> str:
    text = str(raw if raw is not None else "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if "\x00" in text:
        raise DomainError("nul_character", _("The request contains a NUL character."), field=name)
    limit = TEXT_LIMITS[name]
    if len(text) > limit:
        raise DomainError("text_too_long", _("At most {n} characters, please.").format(n=limit), field=name)
    return text


def _count(name: str, raw: Any) -> int | None:
    if raw is None or raw == "":
        return None
    return parse_int(raw, field=name, min_value=0, max_value=MAX_COUNT)


@transaction.atomic
def save_report(
    *,
    user: Any,
    report: DailyReport,
    publicity: str = "",
    checkpoints: str = "",
    checkpoints_count: Any = None,
    people_on_duty: Any = None,
    disinfection_teams: Any = None,
    disinfected_area: str = "",
    difficulties: str = "",
    now: datetime.datetime | None = None,
) -> DailyReport:
    """The free-text parts of a draft or returned report, written by community staff of the community.
    Every part is replaced by what is given (a part left out is emptied)."""
    authorize_write(user, action=WRITE_DAILY_REPORT, obj=report)
    now = now or timezone.now()
    clean = {
        "publicity": _text("publicity", publicity),
        "checkpoints": _text("checkpoints", checkpoints),
        "disinfected_area": _text("disinfected_area", disinfected_area),
        "difficulties": _text("difficulties", difficulties),
        "checkpoints_count": _count("checkpoints_count", checkpoints_count),
        "people_on_duty": _count("people_on_duty", people_on_duty),
        "disinfection_teams": _count("disinfection_teams", disinfection_teams),
    }
    locked = _locked(report)
    _refuse_if_closed(locked)
    if locked.status == ReportStatus.SUBMITTED:
        raise DomainError(
            "report_submitted",
            _("This report has been submitted; it can be changed again only if the street returns it."),
        )
    changed = [name for name, value in clean.items() if getattr(locked, name) != value]
    if changed:
        for name in changed:
            setattr(locked, name, clean[name])
        locked.save(update_fields=[*changed, "updated_at"])
        _event(locked, user=user, note=STEP_EDITED, at=now)
    report.refresh_from_db()
    return locked


@transaction.atomic
def submit_report(*, user: Any, report: DailyReport, now: datetime.datetime | None = None) -> DailyReport:
    """Community staff of the community submit the report; its figures are read again and kept."""
    authorize_write(user, action=WRITE_DAILY_REPORT, obj=report)
    now = now or timezone.now()
    locked = _locked(report)
    _refuse_if_closed(locked)
    if locked.status == ReportStatus.SUBMITTED:
        raise DomainError(
            "report_already_submitted",
            _("This report has already been submitted; the street will accept or return it."),
        )
    locked.figures = read_figures(locked.community, locked.day)
    locked.status = ReportStatus.SUBMITTED
    locked.submitted_by = user
    locked.submitted_at = now
    locked.save(update_fields=["figures", "status", "submitted_by", "submitted_at", "updated_at"])
    _event(locked, user=user, at=now)
    report.refresh_from_db()
    return locked


def may_review(user: Any, report: DailyReport) -> bool:
    """The command centre whose area lies above the community (a street, district or city), or a superuser."""
    if not REVIEW_DAILY_REPORT.allows(user):
        return False
    if user.is_superuser:
        return True
    scope = user.scope_path
    return bool(scope) and report.path.startswith(scope) and scope != report.path


def _reviewable(user: Any, report: DailyReport) -> DailyReport:
    authorize_write(user, action=REVIEW_DAILY_REPORT, obj=report)
    if not may_review(user, report):
        raise DomainError(
            "review_from_above",
            _("Only the command centre of the street or a level above reviews a community's daily report."),
            status=403,
        )
    locked = _locked(report)
    _refuse_if_closed(locked)
    if locked.status != ReportStatus.SUBMITTED:
        raise DomainError("report_not_submitted", _("This report has not been submitted yet."))
    return locked


@transaction.atomic
def return_report(
    *, user: Any, report: DailyReport, comment: str, now: datetime.datetime | None = None
) -> DailyReport:
    """The street (or a level above) sends a submitted report back with a comment saying what to fix."""
    text = " ".join(str(comment or "").split())
    locked = _reviewable(user, report)
    if not text:
        raise DomainError("comment_required", _("Say what has to be fixed."), field="comment")
    if len(text) > MAX_COMMENT:
        raise DomainError(
            "comment_too_long", _("At most {n} characters, please.").format(n=MAX_COMMENT), field="comment"
        )
    now = now or timezone.now()
    locked.status = ReportStatus.RETURNED
    locked.reviewed_by = user
    locked.reviewed_at = now
    locked.review_comment = text
    locked.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment", "updated_at"])
    _event(locked, user=user, note=text, at=now)
    report.refresh_from_db()
    return locked


@transaction.atomic
def accept_report(*, user: Any, report: DailyReport, now: datetime.datetime | None = None) -> DailyReport:
    """The street (or a level above) accepts a submitted report: it can no longer change."""
    locked = _reviewable(user, report)
    now = now or timezone.now()
    locked.status = ReportStatus.ACCEPTED
    locked.reviewed_by = user
    locked.reviewed_at = now
    locked.save(update_fields=["status", "reviewed_by", "reviewed_at", "updated_at"])
    _event(locked, user=user, at=now)
    report.refresh_from_db()
    return locked


# ------------------------------------------------------------------ the day's sheet: who reported
@dataclass
class CommunityLine:
    """One community on a day: its report (None when there is none), its state (a ReportStatus value or
    MISSING), whether it is late, and its columns (empty when it has no report)."""

    community: Area
    report: DailyReport | None
    state: str
    late: bool
    values: dict[str, int | None]

    @property
    def counted(self) -> bool:
        return self.state in COUNTED


def _day_lines(
    communities: list[Area], reports: dict[int, DailyReport], day: datetime.date, now: datetime.datetime
) -> list[CommunityLine]:
    cutoffs = cutoffs_by_city()
    lines = []
    for community in communities:
        due = cutoff_at(day, cutoff_for(community, cutoffs=cutoffs))
        report = reports.get(community.pk)
        if report is None:
            lines.append(CommunityLine(community, None, MISSING, now > due, {}))
            continue
        if report.status in COUNTED:
            late = report.submitted_at is not None and report.submitted_at > due
        else:
            late = now > due
        lines.append(CommunityLine(community, report, report.status, late, report_values(report)))
    return lines


def day_sheet(
    *, user: Any, day: datetime.date, area: Area | None = None, now: datetime.datetime | None = None
) -> list[CommunityLine]:
    """Every community in the user's scope (under `area` when given) on a day, with its report's state."""
    if not READ_DAILY_REPORTS.allows(user):
        return []
    now = now or timezone.now()
    communities = Area.objects.visible_to(user).filter(level=AreaLevel.COMMUNITY)
    reports = DailyReport.objects.visible_to(user).filter(day=day)
    if area is not None:
        communities = communities.filter(path__startswith=area.path)
        reports = reports.filter(path__startswith=area.path)
    by_community = {r.community_id: r for r in reports}
    return _day_lines(list(communities.order_by("path")), by_community, day, now)


def missing_reports(
    *, user: Any, day: datetime.date, area: Area | None = None, now: datetime.datetime | None = None
) -> list[CommunityLine]:
    """The communities in scope without a submitted or accepted report of the day (none, a draft, or a
    returned one); `late` once the cut-off has passed."""
    return [line for line in day_sheet(user=user, day=day, area=area, now=now) if not line.counted]


# ------------------------------------------------------------------ roll-up
@dataclass
class RollupTotal:
    """The sum of the counted reports of the communities under one area."""

    area: Area
    communities: int = 0
    accepted: int = 0
    submitted: int = 0
    late: int = 0
    values: dict[str, int] = field(default_factory=dict)

    @property
    def reported(self) -> int:
        return self.accepted + self.submitted

    def add(self, line: CommunityLine) -> None:
        self.communities += 1
        self.late += int(line.late)
        if not line.counted:
            return
        if line.state == ReportStatus.ACCEPTED:
            self.accepted += 1
        else:
            self.submitted += 1
        for key, value in line.values.items():
            if value is not None:
                self.values[key] = self.values.get(key, 0) + value


@dataclass
class Rollup:
    area: Area
    day: datetime.date
    lines: list[CommunityLine]
    children: list[RollupTotal]
    total: RollupTotal
    parents: dict[int, Area]  # each community's parent (its street), for the exports


def visible_area(user: Any, code: str) -> Area:
    """An area in the user's scope by its code (404 otherwise)."""
    area = Area.objects.visible_to(user).filter(code=code).first()
    if area is None:
        raise not_found()
    return area


def rollup(*, user: Any, area: Area, day: datetime.date, now: datetime.datetime | None = None) -> Rollup:
    """The day's reports under an area (in the user's scope): each community's line, a total for each child
    area (the districts of a city, the streets of a district; a street's lines are its children) and for
    the area itself."""
    if not READ_DAILY_REPORTS.allows(user):
        raise DomainError("forbidden", READ_DAILY_REPORTS.refused, status=403)
    if not Area.objects.visible_to(user).filter(pk=area.pk).exists():
        raise not_found()
    lines = day_sheet(user=user, day=day, area=area, now=now)
    depth = area.path.count(".")  # the index of the child's code in a community's path
    below = area.level in (AreaLevel.CITY, AreaLevel.DISTRICT)  # a street's children are its communities
    codes = {line.community.path.split(".")[depth] for line in lines} if below else set()
    children_by_code = {a.code: a for a in Area.objects.filter(code__in=codes)}
    totals: dict[str, RollupTotal] = {}
    total = RollupTotal(area=area)
    for line in lines:
        total.add(line)
        if below:
            code = line.community.path.split(".")[depth]
            if code not in totals:
                totals[code] = RollupTotal(area=children_by_code[code])
            totals[code].add(line)
    parent_ids = {line.community.parent_id for line in lines if line.community.parent_id}
    parents = {a.pk: a for a in Area.objects.filter(pk__in=parent_ids)}
    children = sorted(totals.values(), key=lambda t: t.area.path)
    return Rollup(area=area, day=day, lines=lines, children=children, total=total, parents=parents)


def rollup_sum(lines: list[CommunityLine]) -> dict[str, int]:
    """The column sums of the counted lines (the oracle the tests hold the roll-up to)."""
    sums: dict[str, int] = defaultdict(int)
    for line in lines:
        if line.counted:
            for key, value in line.values.items():
                if value is not None:
                    sums[key] += value
    return dict(sums)


# ------------------------------------------------------------------ alerts for missing reports
def raise_missing_report_alerts(
    *, day: datetime.date | None = None, now: datetime.datetime | None = None
) -> int:
    """After a city's cut-off, one REPORT_MISSING alert for each of its communities without a submitted or
    accepted report of the day (key `report_missing:<community>:<day>`: raised once). Returns how many
    alerts were raised."""
    now = now or timezone.now()
    day = day or timezone.localdate(now)
    cutoffs = cutoffs_by_city()
    done = set(DailyReport.objects.filter(day=day, status__in=COUNTED).values_list("community_id", flat=True))
    alerts: list[Alert] = []
    for community in Area.objects.filter(level=AreaLevel.COMMUNITY).order_by("path"):
        if community.pk in done or now <= cutoff_at(day, cutoff_for(community, cutoffs=cutoffs)):
            continue
        alerts.append(
            new_alert(
                kind=AlertKind.REPORT_MISSING,
                title=str(
                    _("{community}: the daily report of {day} is missing").format(
                        community=community.name, day=day.isoformat()
                    )
                ),
                path=community.path,
                source_type="dailyreport",
                source_id=f"{community.code}:{day.isoformat()}",
                dedup_key=f"report_missing:{community.pk}:{day.isoformat()}",
                created_at=now,
            )
        )
    return len(raise_alerts(alerts))
