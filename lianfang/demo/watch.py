"""The command centre's part of the demo, on top of its 30 days of history (demo/history.py): the daily
statistics of those days, computed from the records as the nightly task would; the early-warning detectors
on the last three days (the alarm of the fever grid); the risk rule's suggestion for the outbreak's
community, approved by the city's commander two days ago; and that community's report of yesterday,
written and submitted by its staff, waiting for the street's review."""

from __future__ import annotations

import datetime

from django.db import connection

from lianfang.accounts.models import User
from lianfang.demo.history import HISTORY_DAYS, demo_story
from lianfang.watch.detect import run_detectors
from lianfang.watch.models import (
    DailyReport,
    DailyReportEvent,
    DailyStat,
    RiskAssessment,
    RiskStatus,
    Signal,
    StatDay,
)
from lianfang.watch.reports import draft_report, save_report, submit_report
from lianfang.watch.risk import approve_level, suggest_levels
from lianfang.watch.stats import backfill

ALARM_DAYS = 3  # the dashboard lists the alarms of the last three days


def reset_watch() -> None:
    """Empty what the command centre counted and decided about the city being removed (the shipped
    detectors and risk rules stay): one TRUNCATE, also of millions of daily figures."""
    tables = [
        m._meta.db_table for m in (DailyReportEvent, DailyReport, RiskAssessment, Signal, DailyStat, StatDay)
    ]
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # rows deleted before in this transaction
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


def seed_watch(*, today: datetime.date, now: datetime.datetime) -> dict[str, int]:
    """Counts by kind; nothing when the history was not seeded (no story)."""
    story = demo_story(today)
    if story is None:
        return {}
    days = backfill(start=today - datetime.timedelta(days=HISTORY_DAYS - 1), end=today, now=now)
    counts = {"watch_stat_days": len(days), "watch_stat_rows": sum(rows for _day, rows in days)}
    counts["watch_alarms"] = sum(
        int(run_detectors(day=today - datetime.timedelta(days=back))["alarms"]) for back in range(ALARM_DAYS)
    )
    commander = User.objects.get(username="commander")
    assessed = today - datetime.timedelta(days=2)
    suggest_levels(day=assessed)
    waiting = RiskAssessment.objects.filter(
        area=story.medium_community, day=assessed, status=RiskStatus.SUGGESTED
    ).first()
    if waiting is not None:
        approve_level(
            user=commander,
            assessment=waiting,
            level=waiting.suggested,
            effective_from=assessed,
            note="区指挥部会商确定",
            today=today,
        )
        counts["watch_risk_approved"] = 1
    counts["watch_risk_suggested"] = suggest_levels(day=today)
    staff2 = User.objects.get(username="staff2")
    report = draft_report(community=story.report_community, day=story.report_day, now=now)
    report = save_report(
        user=staff2,
        report=report,
        publicity="发放《致居民的一封信》，小区广播每日三次宣传闭环管理要求。",
        checkpoints="设卡口 3 个，24 小时值守，党员志愿者轮班。",
        checkpoints_count=3,
        people_on_duty=18,
        disinfection_teams=2,
        disinfected_area="封控单元楼道、电梯、垃圾点，约 2400 平方米",
        difficulties="封控楼栋老人多，代购药品需求大，志愿者人手紧张。",
        now=now,
    )
    submit_report(user=staff2, report=report, now=now)
    counts["watch_report_submitted"] = 1
    return counts
