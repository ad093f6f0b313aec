"""A commander on a phone: opens the risk levels, finds the compound's high suggestion on top, approves it
from today, approves the community's medium from tomorrow, dismisses the street's; then the compound's
history shows the level in force and the household's page shows the level it lives under. Checked by what
the screens show and by the database."""

import datetime

from django.utils import timezone

from lianfang.watch.models import RiskAssessment, RiskStatus
from lianfang.watch.risk import level_in_force, suggest_all
from lianfang.watch.tests.risk_cases import case, restore_shipped_rules


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_commander_approves_and_dismisses_risk_levels_on_a_phone(logged_in_page, world):
    restore_shipped_rules()  # a live-server test runs on a flushed database
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    case(day=today - datetime.timedelta(days=1), household=world.household_a1)
    suggest_all(day=today)
    compound = RiskAssessment.objects.get(compound=world.compound_a)
    community = RiskAssessment.objects.get(area=world.community_a)
    street = RiskAssessment.objects.get(area=world.street)
    page = logged_in_page(world.commander)

    page.goto("/watch/risk-levels/")
    first = page.locator("[data-test=suggestions] li").first
    assert first.get_attribute("data-suggestion") == str(compound.pk)
    assert fits_the_phone(page)
    with page.expect_navigation():
        first.locator("[data-test=approve]").click()
    assert level_in_force(target=world.compound_a).level == "high"

    item = page.locator(f"[data-suggestion='{community.pk}']")
    item.locator("input[name=effective_from]").fill(tomorrow.isoformat())
    item.locator("[data-test=approve-form] input[name=note]").fill("次日起执行")
    with page.expect_navigation():
        item.locator("[data-test=approve]").click()
    community.refresh_from_db()
    assert (community.status, community.effective_from, community.note) == (
        RiskStatus.APPROVED,
        tomorrow,
        "次日起执行",
    )
    assert level_in_force(target=world.community_a) is None  # not yet

    item = page.locator(f"[data-suggestion='{street.pk}']")
    item.locator("[data-test=dismiss-form] input[name=note]").fill("街道整体平稳")
    with page.expect_navigation():
        item.locator("[data-test=dismiss]").click()
    street.refresh_from_db()
    assert street.status == RiskStatus.DISMISSED
    assert page.locator("[data-test=suggestions]").count() == 0

    with page.expect_navigation():
        page.click(f"[data-test=levels] a[href='/watch/risk-levels/compounds/{world.compound_a.pk}/']")
    assert page.locator(".kv [data-test=risk-level]").get_attribute("data-level") == "high"
    assert fits_the_phone(page)

    page.goto(f"/places/households/{world.household_a1.pk}/")
    assert (
        page.locator("[data-test=household-risk] [data-test=risk-level]").get_attribute("data-level")
        == "high"
    )
