"""Who has not reported: the communities in scope without a submitted or accepted report of the day (none,
a draft, or a returned one), late once their city's cut-off (default 18:00) has passed; a report submitted
after the cut-off is late too. On a frozen clock."""

import datetime

from lianfang.core.models import Alert, AlertKind
from lianfang.watch.models import ReportSettings
from lianfang.watch.reports import (
    DEFAULT_CUTOFF,
    MISSING,
    cutoff_for,
    day_sheet,
    draft_report,
    missing_reports,
    raise_missing_report_alerts,
    return_report,
    submit_report,
)
from lianfang.watch.tests.report.conftest import DAY


def states(lines):
    return {line.community.name: (line.state, line.late) for line in lines}


def test_before_the_cut_off_nobody_is_late(world, street_chief, at):
    assert states(missing_reports(user=street_chief, day=DAY, now=at(17, 59))) == {
        "A社区": (MISSING, False),
        "B社区": (MISSING, False),
    }


def test_after_the_cut_off_the_communities_without_a_submitted_report_are_late(
    world, street_chief, at, clock
):
    report_a = draft_report(community=world.community_a, day=DAY)
    submit_report(user=world.staff_a, report=report_a)
    assert states(missing_reports(user=street_chief, day=DAY, now=at(18, 1))) == {"B社区": (MISSING, True)}


def test_a_draft_and_a_returned_report_are_still_missing(world, street_chief, at):
    draft_report(community=world.community_a, day=DAY)
    report_b = draft_report(community=world.community_b, day=DAY)
    submit_report(user=world.staff_b, report=report_b)
    return_report(user=street_chief, report=report_b, comment="数字不对")
    assert states(missing_reports(user=street_chief, day=DAY, now=at(19))) == {
        "A社区": ("draft", True),
        "B社区": ("returned", True),
    }


def test_a_report_submitted_after_the_cut_off_is_late_but_not_missing(world, street_chief, at, clock):
    clock.move_to(at(18, 30))
    report = draft_report(community=world.community_a, day=DAY)
    submit_report(user=world.staff_a, report=report)
    clock.move_to(at(9) + datetime.timedelta(days=1))
    sheet = states(day_sheet(user=street_chief, day=DAY))
    assert sheet["A社区"] == ("submitted", True)
    assert states(missing_reports(user=street_chief, day=DAY)) == {"B社区": (MISSING, True)}


def test_the_citys_own_cut_off_is_used(world, street_chief, at):
    assert cutoff_for(world.community_a) == DEFAULT_CUTOFF == datetime.time(18, 0)
    ReportSettings.objects.create(area=world.city, cutoff=datetime.time(16, 0))
    assert cutoff_for(world.community_a) == datetime.time(16, 0)
    assert states(missing_reports(user=street_chief, day=DAY, now=at(16, 1)))["A社区"] == (MISSING, True)
    assert states(missing_reports(user=street_chief, day=DAY, now=at(15, 59)))["A社区"] == (MISSING, False)


def test_community_staff_see_only_their_own_community(world, at):
    assert states(missing_reports(user=world.staff_a, day=DAY, now=at(19))) == {"A社区": (MISSING, True)}


def test_roles_without_reports_see_no_list(world, at):
    for user in (world.grid_a1_worker, world.guard_a, world.resident_a, world.health_a):
        assert missing_reports(user=user, day=DAY, now=at(19)) == []


def test_after_the_cut_off_one_alert_per_missing_community_and_only_once(world, at, clock):
    report = draft_report(community=world.community_a, day=DAY)
    submit_report(user=world.staff_a, report=report)
    assert raise_missing_report_alerts(day=DAY, now=at(17)) == 0
    assert raise_missing_report_alerts(day=DAY, now=at(18, 5)) == 1
    assert raise_missing_report_alerts(day=DAY, now=at(19)) == 0
    alert = Alert.objects.get()
    assert alert.kind == AlertKind.REPORT_MISSING
    assert alert.path == world.community_b.path
    assert alert.dedup_key == f"report_missing:{world.community_b.pk}:{DAY.isoformat()}"
