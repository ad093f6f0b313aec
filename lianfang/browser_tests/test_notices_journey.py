"""Notices in Chromium: community staff write a letter to the quarantined households of a compound (the
live count says two), the city's commander approves and publishes it, one household acknowledges on its
own secret-link page on a phone, the grid board shows the other has not, and "remind the rest" reaches only
that household. Checked by the screens and by the database (the UI is Chinese)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from lianfang.access.services import ensure_link_key
from lianfang.browser_tests.conftest import PHONE, log_in
from lianfang.notices.models import Notice, NoticeStatus, OutboxMessage, Recipient


@pytest.fixture
def quarantined(world):
    """Both households of 阳光小区 held until a week from today (B's household is not)."""
    until = timezone.localdate() + datetime.timedelta(days=7)
    for household in (world.household_a1, world.household_a2, world.household_b):
        household.exits_held_until = until if household.compound_id == world.compound_a.pk else None
        household.save(update_fields=["exits_held_until"])
    return world


def test_a_letter_to_the_quarantined_households_of_a_compound_is_acknowledged_and_the_rest_reminded(
    quarantined, page, browser, live_server
):
    world = quarantined
    log_in(page, world.staff_a.username)
    page.goto("/notices/new/")
    page.select_option("select[name=kind]", "letter")
    page.fill("input[name=title]", "致隔离住户的一封信")
    page.fill("textarea[name=body]", "请安心居家隔离。\n\n**每日两次**测量体温。")
    page.select_option("select[name=area]", str(world.community_a.pk))
    page.select_option("select[name=compound]", str(world.compound_a.pk))
    page.check("input[name=tags][value=quarantined]")
    page.wait_for_selector("[data-test=audience-count] [data-count='2']")
    page.click("form[data-test=notice-form] button[type=submit]")
    page.wait_for_selector("[data-test=status][data-status=draft]")
    notice = Notice.objects.get()
    assert notice.tag_list == ["quarantined"] and notice.compound_id == world.compound_a.pk

    commander = browser.new_context(base_url=live_server.url).new_page()
    log_in(commander, world.commander.username)
    commander.goto(f"/notices/{notice.pk}/")
    commander.click("[data-test=approve]")
    commander.click("[data-test=publish]")
    commander.wait_for_selector("[data-test=status][data-status=published]")
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.PUBLISHED and notice.recipient_count == 2

    household = browser.new_context(**PHONE, base_url=live_server.url).new_page()
    link = ensure_link_key(household=world.household_a1)
    household.goto(f"/access/h/{link}/")
    card = household.locator(f"[data-test=notice][data-notice='{notice.pk}']")
    assert "每日两次" in card.inner_text()
    card.locator("[data-test=acknowledge]").click()
    household.wait_for_selector(f"[data-notice='{notice.pk}'] [data-test=acknowledged]")
    assert household.evaluate("document.documentElement.scrollWidth") <= 390

    page.goto(f"/notices/{notice.pk}/grids/{world.grid_a1.pk}/")
    assert page.inner_text("[data-test=not-acknowledged]") == "0"
    page.goto(f"/notices/{notice.pk}/grids/{world.grid_a2.pk}/")
    assert page.inner_text("[data-test=not-acknowledged]") == "1"
    assert page.locator("[data-test=board-row][data-acknowledged='0']").count() == 1
    page.click("[data-test=remind]")
    page.wait_for_selector(".msg")
    reminded = dict(Recipient.objects.filter(notice=notice).values_list("household_id", "reminders"))
    assert reminded == {world.household_a1.pk: 0, world.household_a2.pk: 1}
    assert list(OutboxMessage.objects.values_list("address", flat=True)) == ["13855405678"]  # 李四 only
