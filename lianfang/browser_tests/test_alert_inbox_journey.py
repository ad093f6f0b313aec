"""A fever at the gate reaches the health worker: a gate device scans 张三's household pass at 38.2 °C
through the device API -> the health worker, on a phone, finds the referral at the top of their home and
in their inbox ("for me"), with the header's count at 1 -> acknowledges it -> resolves it as a false alarm
with a note -> the count in the header drops to 0. Checked by the screens and by the database."""

from __future__ import annotations

import datetime
import json
import os
import urllib.request
import uuid
from pathlib import Path

import pytest

from lianfang.access.models import Pass, PassKind
from lianfang.access.services import create_gate_device
from lianfang.browser_tests.conftest import open_menu
from lianfang.core.models import Alert, AlertEventKind, AlertStatus

# Set LIANFANG_SCREENS=<folder> to keep a screenshot of each step (for docs and reviews).
SCREENS = os.environ.get("LIANFANG_SCREENS", "")


def shot(page, name: str) -> None:
    if SCREENS:
        Path(SCREENS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENS) / f"{name}.png"), full_page=True)


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.fixture
def fever_scan(world, live_server):
    """scan() -> the device API's answer to a fever scan of 张三's household pass at gate A."""
    household = world.household_a1
    pass_ = Pass.objects.create(
        kind=PassKind.HOUSEHOLD,
        household=household,
        compound=household.compound,
        path=household.path,
        valid_from=datetime.date(2020, 1, 1),
        valid_to=datetime.date(2030, 1, 1),
    )
    _device, token = create_gate_device(gate=world.gate_a, name="东门测温一体机")

    def scan() -> dict:
        body = {
            "client_id": str(uuid.uuid4()),
            "token": pass_.qr_text,
            "direction": "in",
            "temperature": 38.2,
        }
        request = urllib.request.Request(
            f"{live_server.url}/api/v1/gate/scans",
            data=json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    return scan


def header_count(page) -> int:
    return int(page.locator("[data-test=alert-count]").get_attribute("data-count"))


def test_a_fever_at_the_gate_is_resolved_by_the_health_worker_as_a_false_alarm(
    logged_in_page, world, fever_scan
):
    answer = fever_scan()
    assert (answer["decision"], answer["code"]) == ("referred", "fever")
    alert = Alert.objects.get()

    page = logged_in_page(world.health_a)
    # Home: the fever referral comes first, with a link to resolve it; the header counts it.
    referrals = page.locator("[data-test=fever-referrals] li")
    assert referrals.count() == 1 and referrals.first.get_attribute("data-alert") == str(alert.pk)
    assert "3栋1单元101" in referrals.first.inner_text()
    assert header_count(page) == 1
    assert fits_the_phone(page)
    shot(page, "inbox-1-home")

    # The inbox, from the header: the alert is "for me", with the time left to acknowledge.
    with page.expect_navigation():
        open_menu(page)
        page.click("[data-test=alert-count]")
    row = page.locator(f"[data-test=alerts] li[data-alert='{alert.pk}']")
    assert row.is_visible() and row.locator("[data-test=left]").is_visible()
    assert page.locator("[data-test=tab-mine]").get_attribute("aria-current") == "page"
    assert fits_the_phone(page)
    shot(page, "inbox-2-for-me")

    # The alert: acknowledge, then resolve as a false alarm with a note.
    with page.expect_navigation():
        row.locator("a.what").click()
    assert "38.2" in page.inner_text("h1")
    with page.expect_navigation():
        page.click("[data-test=acknowledge]")
    assert page.locator("[data-test=status]").get_attribute("data-status") == "acknowledged"
    assert header_count(page) == 1  # acknowledged is still open
    shot(page, "inbox-3-acknowledged")
    page.locator("[data-test=resolve-form] input[name=outcome][value=false_alarm]").check()
    page.fill("[data-test=resolve-form] textarea[name=note]", "复测体温36.6°C，系运动后体温偏高")
    with page.expect_navigation():
        page.click("[data-test=resolve]")
    assert page.locator("[data-test=status]").get_attribute("data-status") == "resolved"
    assert "复测体温36.6°C" in page.inner_text("[data-test=outcome]")
    assert header_count(page) == 0
    assert fits_the_phone(page)
    shot(page, "inbox-4-resolved")

    alert.refresh_from_db()
    assert (alert.status, alert.outcome, alert.handled_by) == (
        AlertStatus.RESOLVED,
        "false_alarm",
        world.health_a,
    )
    kinds = list(alert.events.values_list("kind", flat=True))
    assert kinds == [AlertEventKind.RAISED, AlertEventKind.ACKNOWLEDGED, AlertEventKind.RESOLVED]

    # Back home, the referral is gone.
    page.goto("/")
    assert page.locator("[data-test=fever-referrals] li").count() == 0
