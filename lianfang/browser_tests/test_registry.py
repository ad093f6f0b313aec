"""The registry journeys: a community worker imports her spreadsheet and finds people; a grid worker sees
only his grid."""

from lianfang.people.models import Resident
from lianfang.people.tests.import_files import messy_rows, xlsx_bytes


def test_staff_imports_a_messy_sheet_commits_valid_rows_finds_by_pinyin_and_opens_the_household(
    logged_in_page, world, tmp_path
):
    sheet = tmp_path / "阳光社区花名册.xlsx"
    sheet.write_bytes(xlsx_bytes(messy_rows(world.zhang_san.full_id())))
    before = Resident.objects.count()

    page = logged_in_page(world.staff_a, phone=False)
    page.goto("/people/imports/")
    page.select_option("#id_community", str(world.community_a.pk))
    page.set_input_files("#id_file", str(sheet))
    with page.expect_navigation():
        page.click("form.stack button[type=submit]")

    # The preview: counts, and every bad row with its spreadsheet row number and reason; nothing written.
    errors = page.locator("table tbody tr")
    assert errors.count() >= 8
    rows_listed = {errors.nth(i).locator("td").first.inner_text() for i in range(errors.count())}
    assert {"7", "8", "9", "10", "11", "12", "13"} <= rows_listed
    assert page.locator("button[value=all]").is_disabled()
    assert Resident.objects.count() == before

    with page.expect_navigation():
        page.click("button[value=valid]")
    page.wait_for_selector(".msg.success")
    assert Resident.objects.count() == before + 4

    # Find 钱七 by pinyin initials and open the household.
    page.goto("/people/residents/?q=qq")
    page.click("text=钱七")
    page.locator("a[href^='/places/households/']").first.click()
    page.wait_for_url("**/places/households/**")
    body = page.inner_text("body")
    assert "3栋1单元102" in body and "赵六" in body and "钱七" in body
    # ID numbers are masked on the household page.
    assert world.zhang_san.full_id() not in page.content()


def test_grid_worker_sees_only_their_grid(logged_in_page, world, live_server):
    page = logged_in_page(world.grid_a1_worker)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto("/people/residents/?q=zs")
    assert page.locator("text=张三").count() >= 1
    page.goto("/people/residents/?q=ls")
    assert page.locator("text=李四").count() == 0  # 李四 lives in grid A2
    response = page.goto(f"/places/households/{world.household_a2.pk}/")
    assert response.status == 404
    response = page.goto(f"/places/households/{world.household_a1.pk}/")
    assert response.status == 200 and "3栋1单元101" in page.inner_text("body")
