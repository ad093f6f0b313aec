"""The daily report pages: community staff open today's report (drafted on the first visit), edit and submit
it; the street sees its communities with their state (late after the cut-off), returns a report with a
comment or accepts it; downloads are audited; other roles, other communities and odd days get 404 / 403."""

import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lianfang.core.models import AuditAction, AuditLog
from lianfang.places.models import Area, AreaLevel
from lianfang.watch.models import DailyReport, ReportStatus
from lianfang.watch.reports import draft_report, submit_report
from lianfang.watch.tests.report.conftest import DAY, FIGURES_A, FIGURES_B


def url(name, community, day=DAY):
    return reverse(f"watch:{name}", kwargs={"code": community.code, "day": day})


TEXT = {
    "publicity": "发放倡议书200份",
    "checkpoints": "东门卡口24小时值守",
    "checkpoints_count": "1",
    "people_on_duty": "6",
    "disinfection_teams": "2",
    "disinfected_area": "12000平方米",
    "difficulties": "口罩不足",
}


def test_the_nav_link_leads_community_staff_to_todays_report_drafted_on_the_first_visit(world, login, stats):
    stats(FIGURES_A)
    client = login(world.staff_a)
    home = client.get("/")
    assert reverse("watch:reports").encode() in home.content
    response = client.get(reverse("watch:reports"))
    assert response.status_code == 302 and response["Location"] == url("report", world.community_a)
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "A社区 疫情防控工作日报 2026年2月10日" in page.content.decode()
    assert 'data-test="report-form"' in page.content.decode()
    report = DailyReport.objects.get()
    assert (report.community, report.day, report.status) == (world.community_a, DAY, ReportStatus.DRAFT)


def test_staff_save_and_submit_from_the_page(world, login, stats):
    stats(FIGURES_A)
    client = login(world.staff_a)
    client.get(url("report", world.community_a))
    response = client.post(url("report-save", world.community_a), {**TEXT, "then": "save"})
    assert response.status_code == 302
    report = DailyReport.objects.get()
    assert (report.status, report.people_on_duty, report.difficulties) == (ReportStatus.DRAFT, 6, "口罩不足")
    client.post(url("report-save", world.community_a), {**TEXT, "people_on_duty": "7", "then": "submit"})
    report.refresh_from_db()
    assert (report.status, report.people_on_duty) == (ReportStatus.SUBMITTED, 7)
    page = client.get(url("report", world.community_a)).content.decode()
    assert 'data-test="report-form"' not in page and "东门卡口24小时值守" in page


def test_bad_input_on_the_page_is_shown_on_its_field_and_changes_nothing(world, login, stats):
    client = login(world.staff_a)
    client.get(url("report", world.community_a))
    response = client.post(
        url("report-save", world.community_a), {**TEXT, "people_on_duty": "-1", "then": "submit"}
    )
    assert response.status_code == 400
    assert "has-error" in response.content.decode()
    report = DailyReport.objects.get()
    assert (report.status, report.publicity, report.people_on_duty) == (ReportStatus.DRAFT, "", None)


@pytest.fixture
def submitted_a(world, stats):
    stats(FIGURES_A, FIGURES_B)
    report = draft_report(community=world.community_a, day=DAY)
    submit_report(user=world.staff_a, report=report)
    return report


def test_the_street_sees_who_reported_and_who_is_late_after_the_cut_off(
    world, login, submitted_a, street_chief, clock, at
):
    client = login(street_chief)
    response = client.get(reverse("watch:reports"))
    assert response["Location"] == url("report-area", world.street)
    clock.move_to(at(18, 30))
    page = client.get(response["Location"]).content.decode()
    assert f'data-community="{world.community_a.code}" data-state="submitted"' in page
    assert f'data-community="{world.community_b.code}" data-state="missing"' in page
    assert page.count('class="state late"') == 1  # B: missing after the cut-off
    assert 'data-test="xlsx"' in page


def test_the_street_returns_with_a_comment_that_the_staff_then_see(world, login, submitted_a, street_chief):
    chief = login(street_chief)
    page = chief.get(url("report", world.community_a)).content.decode()
    assert 'data-test="review"' in page
    assert (
        chief.post(url("report-return", world.community_a), {"comment": "请补充卡口值守情况"}).status_code
        == 302
    )
    submitted_a.refresh_from_db()
    assert (submitted_a.status, submitted_a.review_comment) == (ReportStatus.RETURNED, "请补充卡口值守情况")
    staff = login(world.staff_a)
    page = staff.get(url("report", world.community_a)).content.decode()
    assert 'data-test="review-comment"' in page and "请补充卡口值守情况" in page
    assert 'data-test="report-form"' in page


def test_a_return_without_a_comment_changes_nothing(world, login, submitted_a, street_chief):
    client = login(street_chief)
    response = client.post(url("report-return", world.community_a), {"comment": ""}, follow=True)
    assert "请写明需要修改的内容" in response.content.decode()
    submitted_a.refresh_from_db()
    assert submitted_a.status == ReportStatus.SUBMITTED


def test_the_street_accepts(world, login, submitted_a, street_chief):
    login(street_chief).post(url("report-accept", world.community_a))
    submitted_a.refresh_from_db()
    assert submitted_a.status == ReportStatus.ACCEPTED


def test_those_who_may_not_review_are_refused_and_nothing_changes(world, login, submitted_a, community_chief):
    assert login(world.staff_a).post(url("report-accept", world.community_a)).status_code == 403
    assert login(community_chief).post(url("report-accept", world.community_a)).status_code == 403
    assert (
        login(community_chief).post(url("report-return", world.community_a), {"comment": "x"}).status_code
        == 403
    )
    submitted_a.refresh_from_db()
    assert submitted_a.status == ReportStatus.SUBMITTED
    page = login(community_chief).get(url("report", world.community_a)).content.decode()
    assert 'data-test="review"' not in page


def test_another_communitys_report_and_roll_up_answer_not_found(world, login, submitted_a):
    client = login(world.staff_b)
    for name in ("report", "report-pdf", "report-area", "report-area-xlsx", "report-area-pdf"):
        assert client.get(url(name, world.community_a)).status_code == 404, name
    for name in ("report-save", "report-return", "report-accept"):
        assert client.post(url(name, world.community_a), {"comment": "x"}).status_code == 404, name
    assert client.get(reverse("watch:reports"), {"area": world.community_a.code}).status_code == 404
    submitted_a.refresh_from_db()
    assert submitted_a.status == ReportStatus.SUBMITTED


def test_roles_without_reports_do_not_find_the_pages(world, login, submitted_a):
    for user in (world.grid_a1_worker, world.health_a, world.guard_a, world.resident_a):
        client = login(user)
        assert client.get(url("report", world.community_a)).status_code == 404
        assert client.get(reverse("watch:reports")).status_code == 404


@pytest.mark.parametrize("day", ["2026-02-11", "2024-02-10", "2026-02-30", "0001-01-01"])
def test_a_day_in_the_future_too_far_back_or_no_date_answers_not_found(world, login, day):
    client = login(world.staff_a)
    assert client.get(f"/watch/reports/{world.community_a.code}/{day}/").status_code == 404
    assert not DailyReport.objects.exists()


def test_downloads_are_audited_exports(world, login, submitted_a, street_chief):
    client = login(street_chief)
    xlsx = client.get(url("report-area-xlsx", world.street))
    assert xlsx.status_code == 200
    assert (
        xlsx["Content-Disposition"]
        == f'attachment; filename="daily-report-{world.street.code}-20260210.xlsx"'
    )
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert book.worksheets[0]["A1"].value == "舜耕镇 疫情防控工作日报 2026年2月10日"
    pdf = client.get(url("report-area-pdf", world.street))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    one = client.get(url("report-pdf", world.community_a))
    assert one.content.startswith(b"%PDF")
    logs = AuditLog.objects.filter(action=AuditAction.EXPORT, user=street_chief).order_by("id")
    assert [(log.object_type, log.path) for log in logs] == [
        ("area", world.street.path),
        ("area", world.street.path),
        ("dailyreport", world.community_a.path),
    ]


def test_the_area_page_reads_a_fixed_number_of_rows_whatever_the_number_of_communities(
    world, login, submitted_a, street_chief
):
    client = login(street_chief)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url("report-area", world.street)).status_code == 200
    for n in range(3, 13):
        code = f"340403001{n:03d}"
        community = Area.objects.create(
            code=code,
            name=f"{n}社区",
            level=AreaLevel.COMMUNITY,
            parent=world.street,
            path=f"{world.street.path}{code}.",
        )
        report = draft_report(community=community, day=DAY)
        report.status = ReportStatus.SUBMITTED
        report.save()
    with CaptureQueriesContext(connection) as many:
        page = client.get(url("report-area", world.street))
    assert page.content.decode().count("data-community=") == 12
    assert len(many) == len(few)
