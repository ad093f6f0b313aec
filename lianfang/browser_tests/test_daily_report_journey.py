"""A community's daily report goes up and comes back, on phones: community A's staff open today's report
from the menu (drafted from the statistics), write the day's work and submit it; the street's commander
sees it in the street's list, returns it with a comment; the staff see the comment, correct the report and
submit it again; the street accepts it and downloads the street's Excel, which reads back with A's
figures. Checked by what the screens show, the database and the file, not by English wording."""

import datetime
import io
import os
from pathlib import Path

import openpyxl
from django.utils import timezone

from lianfang.accounts.models import User
from lianfang.browser_tests.conftest import PHONE, log_in, open_menu
from lianfang.conftest import PASSWORD
from lianfang.core.roles import Role
from lianfang.watch.metrics import Metric
from lianfang.watch.models import DailyReport, DailyStat, NodeLevel, ReportSettings, ReportStatus, StatDay

# Set LIANFANG_SCREENS=<folder> to keep a screenshot of each step (for docs and reviews).
SCREENS = os.environ.get("LIANFANG_SCREENS", "")


def shot(page, name: str) -> None:
    if SCREENS:
        Path(SCREENS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENS) / f"report-{name}.png"), full_page=True)


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def open_reports_from_the_menu(page) -> None:
    with page.expect_navigation():
        open_menu(page)
        page.locator("nav.nav a[href='/watch/reports/']").click()


def test_a_report_is_submitted_returned_with_a_comment_corrected_and_accepted(
    logged_in_page, new_context, world
):
    today = timezone.localdate()
    # Due at the end of the day, so that the journey reads the same at any hour it runs (with the default
    # cut-off of the afternoon, a run in the evening saw every report as late).
    ReportSettings.objects.create(area=world.city, cutoff=datetime.time(23, 59, 59))
    StatDay.objects.create(day=today)
    for metric, value in ((Metric.RESIDENTS, 2), (Metric.FEVERS, 3), (Metric.HOME_Q_CURRENT, 1)):
        DailyStat.objects.create(
            path=world.community_a.path, level=NodeLevel.COMMUNITY, day=today, metric=metric, value=value
        )
    chief = User.objects.create_user(
        username="street_chief", password=PASSWORD, role=Role.COMMAND, name="街道指挥部", area=world.street
    )

    # Community A's staff: today's report, drafted on the first visit, with the statistics' figures.
    staff = logged_in_page(world.staff_a)
    open_reports_from_the_menu(staff)
    assert staff.url.endswith(f"/watch/reports/{world.community_a.code}/{today.isoformat()}/")
    assert staff.locator("[data-test=status]").get_attribute("data-status") == "draft"
    assert staff.locator("[data-test=key-figures] [data-figure=fevers]").inner_text() == "3"
    staff.fill("#id_publicity", "发放倡议书200份，宣传车巡回3次")
    staff.fill("#id_checkpoints", "东门卡口24小时值守")
    staff.fill("#id_people_on_duty", "6")
    staff.fill("#id_difficulties", "口罩库存不足")
    assert fits_the_phone(staff)
    shot(staff, "1-staff-draft")
    with staff.expect_navigation():
        staff.locator("[data-test=submit]").click()
    assert staff.locator("[data-test=status]").get_attribute("data-status") == "submitted"
    assert staff.locator("[data-test=report-form]").count() == 0

    # The street's commander: the street's list shows A submitted; open it and return it with a comment.
    cpage = log_in(new_context(**PHONE).new_page(), chief.username)
    open_reports_from_the_menu(cpage)
    row = cpage.locator(f"tr[data-community='{world.community_a.code}']")
    assert row.get_attribute("data-state") == "submitted"
    assert (
        cpage.locator(f"tr[data-community='{world.community_b.code}']").get_attribute("data-state")
        == "missing"
    )
    assert fits_the_phone(cpage)
    shot(cpage, "2-street-list")
    with cpage.expect_navigation():
        row.locator("a").first.click()
    assert "口罩库存不足" in cpage.locator("[data-test=texts]").inner_text()
    cpage.fill("#id_comment", "请写明卡口值守人员名单")
    shot(cpage, "3-street-return")
    with cpage.expect_navigation():
        cpage.locator("[data-test=return]").click()
    assert cpage.locator("[data-test=status]").get_attribute("data-status") == "returned"

    # The staff see the comment, correct the report and submit it again.
    staff.reload()
    assert "请写明卡口值守人员名单" in staff.locator("[data-test=review-comment]").inner_text()
    assert staff.input_value("#id_people_on_duty") == "6"
    staff.fill("#id_checkpoints", "东门卡口24小时值守：张某、李某、王某")
    shot(staff, "4-staff-returned")
    with staff.expect_navigation():
        staff.locator("[data-test=submit]").click()
    assert staff.locator("[data-test=status]").get_attribute("data-status") == "submitted"

    # The street accepts, then downloads the street's Excel.
    cpage.reload()
    with cpage.expect_navigation():
        cpage.locator("[data-test=accept]").click()
    assert cpage.locator("[data-test=status]").get_attribute("data-status") == "accepted"
    report = DailyReport.objects.get(community=world.community_a, day=today)
    assert report.status == ReportStatus.ACCEPTED
    assert report.checkpoints == "东门卡口24小时值守：张某、李某、王某"
    assert [e.status for e in report.events.all()] == [
        "draft",
        "draft",
        "submitted",
        "returned",
        "returned",
        "submitted",
        "accepted",
    ]

    open_reports_from_the_menu(cpage)
    with cpage.expect_download() as download_info:
        cpage.locator("[data-test=xlsx]").click()
    download = download_info.value
    assert download.suggested_filename == f"daily-report-{world.street.code}-{today:%Y%m%d}.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    rows = [[c.value for c in r] for r in book.worksheets[0].iter_rows()]
    assert rows[0][0] == f"舜耕镇 疫情防控工作日报 {today.year}年{today.month}月{today.day}日"
    header, a_row = rows[2], rows[3]
    assert a_row[1:3] == ["A社区", "已采纳"]
    assert a_row[header.index("卡口发热")] == 3
    assert a_row[header.index("值守人员")] == 6
    texts = [[c.value for c in r] for r in book.worksheets[1].iter_rows()]
    assert texts[2][3] == "东门卡口24小时值守：张某、李某、王某"
