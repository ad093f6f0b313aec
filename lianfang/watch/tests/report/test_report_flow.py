"""A community's daily report goes up and comes back: drafted from the statistics, edited, submitted,
returned with a comment, edited and submitted again, accepted; every step in its history."""

from lianfang.watch.metrics import Metric
from lianfang.watch.models import DailyReport, ReportStatus
from lianfang.watch.reports import (
    STEP_DRAFTED,
    STEP_EDITED,
    accept_report,
    draft_report,
    return_report,
    save_report,
    submit_report,
)
from lianfang.watch.tests.report.conftest import DAY, FIGURES_A


def test_submit_return_with_a_comment_resubmit_and_accept(world, stats, street_chief, at, clock):
    stats(FIGURES_A)
    report = draft_report(community=world.community_a, day=DAY)
    assert report.status == ReportStatus.DRAFT
    assert report.figures[Metric.FEVERS] == 3 and report.figures[Metric.CASES_NEW] == 0

    save_report(user=world.staff_a, report=report, publicity="发放倡议书200份", people_on_duty=12)
    clock.move_to(at(11))
    submit_report(user=world.staff_a, report=report)
    report.refresh_from_db()
    assert (report.status, report.submitted_by, report.submitted_at) == (
        ReportStatus.SUBMITTED,
        world.staff_a,
        at(11),
    )

    clock.move_to(at(12))
    return_report(user=street_chief, report=report, comment="卡口值守人数请核实")
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    assert report.review_comment == "卡口值守人数请核实"
    assert report.reviewed_by == street_chief

    clock.move_to(at(13))
    save_report(user=world.staff_a, report=report, publicity="发放倡议书200份", people_on_duty=14)
    submit_report(user=world.staff_a, report=report)
    clock.move_to(at(14))
    accept_report(user=street_chief, report=report)
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
    assert report.people_on_duty == 14

    steps = [(e.status, e.note, e.by) for e in report.events.all()]
    assert steps == [
        (ReportStatus.DRAFT, STEP_DRAFTED, None),
        (ReportStatus.DRAFT, STEP_EDITED, world.staff_a),
        (ReportStatus.SUBMITTED, "", world.staff_a),
        (ReportStatus.RETURNED, "卡口值守人数请核实", street_chief),
        (ReportStatus.RETURNED, STEP_EDITED, world.staff_a),
        (ReportStatus.SUBMITTED, "", world.staff_a),
        (ReportStatus.ACCEPTED, "", street_chief),
    ]


def test_drafting_twice_gives_one_report_and_one_step(world, stats):
    stats(FIGURES_A)
    first = draft_report(community=world.community_a, day=DAY)
    second = draft_report(community=world.community_a, day=DAY)
    assert first.pk == second.pk
    assert DailyReport.objects.count() == 1
    assert first.events.count() == 1


def test_a_draft_follows_the_statistics_until_it_is_submitted(world, stats):
    stats(FIGURES_A)
    report = draft_report(community=world.community_a, day=DAY)
    stats({**FIGURES_A, Metric.FEVERS: 5})
    report = draft_report(community=world.community_a, day=DAY)
    assert report.figures[Metric.FEVERS] == 5
    assert report.events.count() == 2  # drafted, refreshed


def test_submission_keeps_the_figures_of_that_moment(world, stats, street_chief):
    stats(FIGURES_A)
    report = draft_report(community=world.community_a, day=DAY)
    stats({**FIGURES_A, Metric.FEVERS: 7})  # computed again before the staff submit
    submit_report(user=world.staff_a, report=report)
    report.refresh_from_db()
    assert report.figures[Metric.FEVERS] == 7
    stats({**FIGURES_A, Metric.FEVERS: 9})  # and again after
    draft_report(community=world.community_a, day=DAY)
    accept_report(user=street_chief, report=report)
    report.refresh_from_db()
    assert report.figures[Metric.FEVERS] == 7


def test_a_day_never_computed_gives_no_figures_not_zeros(world):
    report = draft_report(community=world.community_a, day=DAY)
    assert report.figures == {}


def test_the_district_may_review_too(world, stats, district_chief):
    stats(FIGURES_A)
    report = draft_report(community=world.community_a, day=DAY)
    submit_report(user=world.staff_a, report=report)
    accept_report(user=district_chief, report=report)
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
