"""What the daily report refuses, by name, changing nothing: a second submission, changes after acceptance,
edits while waiting for review, a review by a role or an area that may not, a return without a comment,
bad input, another community's report, a day in the future."""

import datetime

import pytest

from lianfang.core.errors import DomainError
from lianfang.places.models import Area, AreaLevel
from lianfang.watch.models import DailyReport, DailyReportEvent, ReportStatus
from lianfang.watch.reports import (
    accept_report,
    draft_report,
    return_report,
    save_report,
    submit_report,
)
from lianfang.watch.tests.report.conftest import DAY, FIGURES_A, make_user


def snapshot(report):
    report.refresh_from_db()
    fields = ("status", "publicity", "people_on_duty", "review_comment", "reviewed_by_id", "submitted_at")
    return {f: getattr(report, f) for f in fields}, DailyReportEvent.objects.count()


@pytest.fixture
def submitted(world, stats):
    stats(FIGURES_A)
    report = draft_report(community=world.community_a, day=DAY)
    save_report(user=world.staff_a, report=report, publicity="宣传")
    submit_report(user=world.staff_a, report=report)
    return report


@pytest.fixture
def accepted(submitted, street_chief):
    accept_report(user=street_chief, report=submitted)
    return submitted


def refused(code, call, report, **kwargs):
    before = snapshot(report)
    with pytest.raises(DomainError) as err:
        call(report=report, **kwargs)
    assert err.value.code == code
    assert snapshot(report) == before
    return err.value


def test_a_report_submitted_twice_is_refused(world, submitted):
    refused("report_already_submitted", submit_report, submitted, user=world.staff_a)


def test_a_submitted_report_is_not_edited_until_it_is_returned(world, submitted):
    refused("report_submitted", save_report, submitted, user=world.staff_a, publicity="改")


def test_an_accepted_report_is_neither_edited_nor_submitted_nor_reviewed_again(world, accepted, street_chief):
    refused("report_accepted", save_report, accepted, user=world.staff_a, publicity="改")
    refused("report_accepted", submit_report, accepted, user=world.staff_a)
    refused("report_accepted", return_report, accepted, user=street_chief, comment="再看看")
    refused("report_accepted", accept_report, accepted, user=street_chief)


def test_a_draft_is_not_reviewed(world, stats, street_chief):
    report = draft_report(community=world.community_a, day=DAY)
    refused("report_not_submitted", accept_report, report, user=street_chief)
    refused("report_not_submitted", return_report, report, user=street_chief, comment="x")


def test_community_staff_may_not_review_even_their_own_report(world, submitted):
    err = refused("forbidden", accept_report, submitted, user=world.staff_a)
    assert err.status == 403
    refused("forbidden", return_report, submitted, user=world.staff_a, comment="自己退回")


def test_a_command_centre_at_the_community_itself_may_not_review_it(submitted, community_chief):
    err = refused("review_from_above", accept_report, submitted, user=community_chief)
    assert err.status == 403
    refused("review_from_above", return_report, submitted, user=community_chief, comment="x")


def test_the_command_centre_of_another_street_gets_not_found(world, submitted):
    other = Area.objects.create(
        code="340403002000",
        name="另一街道",
        level=AreaLevel.STREET,
        parent=world.district,
        path=Area.child_path(world.district, "340403002000"),
    )
    chief = make_user("other_chief", "command", area=other)
    err = refused("not_found", accept_report, submitted, user=chief)
    assert err.status == 404


def test_other_roles_may_not_write_the_report(world, stats, street_chief):
    report = draft_report(community=world.community_a, day=DAY)
    for user in (world.health_a, world.grid_a1_worker, world.guard_a, world.resident_a, street_chief):
        refused("forbidden", save_report, report, user=user, publicity="x")
        refused("forbidden", submit_report, report, user=user)


def test_another_communitys_staff_get_not_found(world, stats):
    report = draft_report(community=world.community_a, day=DAY)
    refused("not_found", save_report, report, user=world.staff_b, publicity="x")
    refused("not_found", submit_report, report, user=world.staff_b)


def test_a_return_needs_a_comment_of_bounded_size(submitted, street_chief):
    refused("comment_required", return_report, submitted, user=street_chief, comment="  \n ")
    refused("comment_too_long", return_report, submitted, user=street_chief, comment="改" * 501)


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"publicity": "长" * 2001}, "text_too_long"),
        ({"difficulties": "长" * 2001}, "text_too_long"),
        ({"disinfected_area": "长" * 201}, "text_too_long"),
        ({"people_on_duty": -1}, "integer_out_of_range"),
        ({"checkpoints_count": "9" * 30}, "integer_out_of_range"),
        ({"disinfection_teams": "两个"}, "integer_invalid"),
        ({"checkpoints": "a\x00b"}, "nul_character"),
    ],
)
def test_bad_input_is_refused_by_field_and_changes_nothing(world, stats, fields, code):
    report = draft_report(community=world.community_a, day=DAY)
    save_report(user=world.staff_a, report=report, publicity="原来的")
    err = refused(code, save_report, report, user=world.staff_a, **{"publicity": "新的", **fields})
    assert err.field == next(iter(fields))


def test_a_report_for_tomorrow_or_for_a_street_is_not_drafted(world):
    with pytest.raises(DomainError) as err:
        draft_report(community=world.community_a, day=DAY + datetime.timedelta(days=1))
    assert err.value.code == "report_day_future"
    with pytest.raises(DomainError) as err:
        draft_report(community=world.street, day=DAY)
    assert err.value.code == "not_a_community"
    assert not DailyReport.objects.exists()


def test_a_returned_report_is_edited_and_submitted_again(world, submitted, street_chief):
    return_report(user=street_chief, report=submitted, comment="补充宣传情况")
    save_report(user=world.staff_a, report=submitted, publicity="宣传车巡回3次")
    submit_report(user=world.staff_a, report=submitted)
    submitted.refresh_from_db()
    assert (submitted.status, submitted.publicity) == (ReportStatus.SUBMITTED, "宣传车巡回3次")
