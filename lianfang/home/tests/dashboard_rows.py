"""Rows the dashboard reads, inserted by hand the way the statistics, detectors, risk levels, daily reports
and the inbox store them (each test inserts exactly what it checks)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from lianfang.core.models import Alert, AlertStatus
from lianfang.watch.figures import node_path_for_grid
from lianfang.watch.models import (
    DailyReport,
    DailyStat,
    Detector,
    NodeLevel,
    ReportStatus,
    RiskAssessment,
    RiskRule,
    RiskStatus,
    Signal,
    StatDay,
)

# A fixed "now" (Asia/Shanghai): the afternoon of 10 March 2026.
NOW = datetime.datetime(2026, 3, 10, 15, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
TODAY = NOW.date()
YESTERDAY = TODAY - datetime.timedelta(days=1)


def days_ago(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


def computed(*days: datetime.date) -> None:
    StatDay.objects.bulk_create([StatDay(day=d) for d in days])


def stats(path: str, level: str, day: datetime.date, grid: Any = None, **values: int) -> None:
    """Nonzero figures of one node on one day (`flow_in_07=5` stands for the metric `flow_in:07`)."""
    DailyStat.objects.bulk_create(
        DailyStat(path=path, level=level, grid=grid, day=day, metric=_metric(name), value=value)
        for name, value in values.items()
    )


def _metric(name: str) -> str:
    for prefix in ("flow_in", "flow_out", "refusal"):
        if name.startswith(prefix + "_"):
            return f"{prefix}:{name[len(prefix) + 1 :]}"
    return name


def grid_path(grid: Any) -> str:
    return node_path_for_grid(grid.path, grid.pk)


def alert(path: str, kind: str, status: str = AlertStatus.OPEN, grid: Any = None, **kw: Any) -> Alert:
    return Alert.objects.create(
        path=path, handler_path=path, kind=kind, status=status, title=kind, grid=grid, **kw
    )


def detector(metric: str = "fevers", level: str = NodeLevel.GRID, name: str = "EARS C2 发热") -> Detector:
    return Detector.objects.create(name=name, metric=metric, level=level, method="c2")


def signal(
    det: Detector,
    path: str,
    day: datetime.date,
    *,
    alarm: bool = True,
    grid: Any = None,
    observed: float = 9,
    upper: float = 4.2,
    level: str = NodeLevel.GRID,
) -> Signal:
    return Signal.objects.create(
        detector=det,
        path=path,
        grid=grid,
        level=level,
        day=day,
        observed=observed,
        expected=1.5,
        upper=upper,
        alarm=alarm,
    )


def rule() -> RiskRule:
    """A rule of the tests' own (not the default: the shipped rules may hold that place)."""
    return RiskRule.objects.get_or_create(
        code="dashboard-test", version=1, defaults={"name": "看板测试规则", "kind": "feb2020"}
    )[0]


def risk(
    area: Any,
    level: str,
    *,
    effective_from: datetime.date | None,
    status: str = RiskStatus.APPROVED,
    compound: Any = None,
    day: datetime.date | None = None,
) -> RiskAssessment:
    return RiskAssessment.objects.create(
        area=None if compound else area,
        compound=compound,
        path=compound.path if compound else area.path,
        rule=rule(),
        day=day or effective_from or TODAY,
        suggested=level,
        status=status,
        level=level if status == RiskStatus.APPROVED else "",
        effective_from=effective_from,
        decided_at=timezone.now() if status == RiskStatus.APPROVED else None,
    )


def report(community: Any, status: str, day: datetime.date = TODAY) -> DailyReport:
    return DailyReport.objects.create(community=community, path=community.path, day=day, status=status)


SUBMITTED, ACCEPTED, DRAFT, RETURNED = (
    ReportStatus.SUBMITTED,
    ReportStatus.ACCEPTED,
    ReportStatus.DRAFT,
    ReportStatus.RETURNED,
)
