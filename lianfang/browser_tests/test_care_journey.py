"""A grid worker's day of care on a phone: overdue calls are listed first on the home page; the worker
records the overdue morning call with a reading and a need -> the errand appears -> assigns it to a
volunteer -> the volunteer, on their own phone, marks it delivered with the money advanced -> the household
confirms it on its own secret-link page. Checked by what the screens show and by the database, not by
English wording (the UI is Chinese)."""

import datetime
import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from lianfang.access.services import ensure_link_key
from lianfang.browser_tests.conftest import PHONE, log_in
from lianfang.care.models import CareCall, CareTeam, Errand
from lianfang.care.tests.conftest import make_user, quarantine_home
from lianfang.core.roles import Role
from lianfang.epi.models import HealthCheck

# Set LIANFANG_SCREENS=<folder> to keep a screenshot of each step (for docs and reviews).
SCREENS = os.environ.get("LIANFANG_SCREENS", "")


@pytest.fixture
def care_world(world):
    """张三's household (grid A1) in home quarantine, its team in care since yesterday (so yesterday's
    two calls are overdue whatever the hour), phones on the team, and a volunteer of community A."""
    make_user("leader_street", Role.COMMAND, area=world.street)
    for user, phone in ((world.grid_a1_worker, "13900000001"), (world.staff_a, "13900000002")):
        user.phone = phone
        user.save(update_fields=["phone"])
    volunteer = make_user("volunteer_a", Role.VOLUNTEER, area=world.community_a, phone="13900000009")
    today = timezone.localdate()
    quarantine_home(world, world.zhang_san, today)
    CareTeam.objects.update(started=today - datetime.timedelta(days=1))
    household = world.household_a1
    household.refresh_from_db()
    return {"household": household, "volunteer": volunteer, "yesterday": today - datetime.timedelta(days=1)}


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def shot(page, name: str) -> None:
    if SCREENS:
        Path(SCREENS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENS) / f"{name}.png"), full_page=True)


def test_a_grid_workers_day_from_an_overdue_call_to_a_confirmed_errand(
    logged_in_page, new_context, world, care_world
):
    household, volunteer = care_world["household"], care_world["volunteer"]
    yesterday = care_world["yesterday"].isoformat()
    page = logged_in_page(world.grid_a1_worker)

    # Home: the care board comes first, overdue calls at its top (yesterday's morning first).
    board = page.locator("[data-test=care-board]")
    assert board.is_visible()
    first_h2 = page.locator("main h2").first
    assert first_h2.evaluate("h => h.id") == "overdue"
    overdue = page.locator("[data-test=overdue-calls] li")
    assert overdue.count() >= 2
    assert overdue.first.get_attribute("data-window") == f"{yesterday}-am"
    assert overdue.first.get_attribute("data-household") == str(household.pk)
    assert fits_the_phone(page)
    shot(page, "1-home-board")

    # Record the overdue morning call: reached, 张三 36.6 °C, a need for vegetables.
    with page.expect_navigation():
        overdue.first.locator("a.go").click()
    assert page.url.split("#")[0].endswith(f"/care/households/{household.pk}/")
    assert page.locator("input[name=slot]:checked").get_attribute("value") == f"{yesterday}:am"
    page.fill(f"#t-{world.zhang_san.pk}", "36.6")
    page.select_option("#need-c-0", "vegetables")
    page.fill("#need-d-0", "白菜两棵, 鸡蛋一盒")
    assert fits_the_phone(page)
    shot(page, "2-call-form")
    with page.expect_navigation():
        page.click("[data-test=record-call]")
    assert page.locator(".msg.success").count() == 1
    call = CareCall.objects.get()
    assert (call.date.isoformat(), call.window, call.reached) == (yesterday, "am", True)
    assert HealthCheck.objects.get().temperature == Decimal("36.6")
    errand = Errand.objects.get()
    assert errand.call == call and errand.status == "new"

    # The errand appears on the household page; open it and assign it to the volunteer.
    item = page.locator(f"[data-test=household-errands] li[data-errand='{errand.pk}']")
    assert "白菜两棵" in item.inner_text()
    with page.expect_navigation():
        item.locator("a").click()
    page.select_option("select[name=assignee]", str(volunteer.pk))
    with page.expect_navigation():
        page.click("[data-test=assign]")
    errand.refresh_from_db()
    assert errand.status == "assigned" and errand.assignee == volunteer
    assert "volunteer_a" in page.inner_text("[data-test=assignee]")
    assert fits_the_phone(page)
    shot(page, "3-errand-assigned")

    # The volunteer, on their own phone: the errand is on their home page; on the way, then delivered.
    vpage = log_in(new_context(**PHONE).new_page(), volunteer.username)
    mine = vpage.locator(f"[data-test=my-errands] li[data-errand='{errand.pk}']")
    assert "白菜两棵" in mine.inner_text()
    with vpage.expect_navigation():
        mine.locator("a").click()
    with vpage.expect_navigation():
        vpage.click("[data-test=start]")
    vpage.fill("input[name=money_advanced]", "35.50")
    with vpage.expect_navigation():
        vpage.click("[data-test=deliver]")
    errand.refresh_from_db()
    assert errand.status == "delivered" and errand.money_advanced == Decimal("35.50")
    assert vpage.locator("[data-test=status]").get_attribute("data-status") == "delivered"
    assert fits_the_phone(vpage)
    shot(vpage, "4-volunteer-delivered")

    # The household, through its secret link (no login): its team's phones, the next call, and the
    # delivered errand to confirm with the money paid back.
    hpage = new_context(**PHONE).new_page()
    hpage.goto(f"/access/h/{ensure_link_key(household=household)}/")
    team = hpage.inner_text("[data-test=care-team]")
    assert "13900000001" in team and "13900000002" in team
    assert hpage.locator("[data-test=next-call]").count() == 1
    row = hpage.locator(f"[data-test=errands] li[data-errand='{errand.pk}']")
    row.locator("input[name=money_repaid]").fill("35.50")
    with hpage.expect_navigation():
        row.locator("[data-test=confirm]").click()
    errand.refresh_from_db()
    assert errand.status == "confirmed" and errand.money_repaid == Decimal("35.50")
    assert row.locator("[data-test=confirm]").count() == 0
    assert fits_the_phone(hpage)
    shot(hpage, "5-household-confirmed")

    # Back on the grid worker's phone: the errand is confirmed by the household, the call is off the list.
    page.reload()
    assert page.locator("[data-test=status]").get_attribute("data-status") == "confirmed"
    page.goto("/")
    windows = [li.get_attribute("data-window") for li in page.locator("[data-test=overdue-calls] li").all()]
    assert f"{yesterday}-am" not in windows and f"{yesterday}-pm" in windows
