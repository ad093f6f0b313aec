"""Each role's first page on a 390x844 phone, in Chinese: a one-line header whose menu opens on a tap, no
sideways scrolling, no code words of the system (quota_used, command...) shown to a person, and a page
light enough for a phone on a poor network.

With LIANFANG_SCREENSHOTS=<folder> the test also saves each role's home page there (docs/screenshots/ holds
the ones the README links: `LIANFANG_SCREENSHOTS=docs/screenshots make pytest ARGS=-k first_page`)."""

from __future__ import annotations

import datetime
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone

from lianfang.access.models import DecisionCode, Passage
from lianfang.access.tests.gatelog import passage
from lianfang.accounts.models import User
from lianfang.browser_tests.conftest import log_in
from lianfang.conftest import PASSWORD
from lianfang.core.roles import Role
from lianfang.people.models import Tag

# Words a person must never read in the Chinese interface: the stored codes of answers, roles and tags.
CODES = {c.value for c in DecisionCode} | {r.value for r in Role} | {t.value for t in Tag} | {"None", "True"}
FIRST_LOAD_BUDGET = 300 * 1024  # all responses of the first load, uncompressed
ONE_LINE = 64  # px: the header of a phone, brand and menu button on one line


def volunteer(world):
    return User.objects.create_user(
        username="volunteer_a", password=PASSWORD, role=Role.VOLUNTEER, name="志愿者", area=world.community_a
    )


@pytest.mark.parametrize(
    "who", ["commander", "staff_a", "grid_a1_worker", "health_a", "guard_a", "resident_a", "volunteer_a"]
)
def test_first_page_on_a_phone(phone_page, world, who):
    user = volunteer(world) if who == "volunteer_a" else getattr(world, who)
    page = phone_page
    log_in(page, user.username)
    loaded: list[tuple[str, int]] = []
    page.on("requestfinished", lambda r: loaded.append((r.url, r.sizes()["responseBodySize"])))
    page.goto("/")
    page.wait_for_load_state("networkidle")

    assert page.evaluate("document.documentElement.scrollWidth") <= 390, who
    header = page.locator("header.topbar").bounding_box()
    assert header is not None and header["height"] <= ONE_LINE, (who, header)
    text = page.inner_text("main")
    shown = sorted(
        code for code in CODES if re.search(rf"(?<![A-Za-z_]){re.escape(code)}(?![A-Za-z_])", text)
    )
    assert shown == [], (who, shown)
    total = sum(size for _url, size in loaded)
    assert total < FIRST_LOAD_BUDGET, (who, total, sorted(loaded, key=lambda r: -r[1])[:3])

    # The menu opens on a tap and shows the way out.
    page.click(".menu-btn")
    assert page.locator("header .who").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    folder = os.environ.get("LIANFANG_SCREENSHOTS")
    if folder:
        page.click(".menu-btn")  # closed again for the picture
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"phone-{user.role}.png"))


def test_the_gate_log_fits_a_phone(phone_page, world):
    """A full page of today's passages with its filter and "older" link, the next page, and the refusal of a
    year-long window with its way to the export: all without sideways scrolling."""
    now = timezone.now()
    Passage.objects.bulk_create(
        passage(world.gate_a, now - datetime.timedelta(seconds=s), household=world.household_a1)
        for s in range(60)
    )
    page = log_in(phone_page, world.staff_a.username)
    page.goto("/access/passages/")
    assert page.locator("table tr").count() == 1 + 50
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.click('[data-test="older"]')
    assert page.locator("table tr").count() == 1 + 10
    assert page.locator('[data-test="newest"]').is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    today = timezone.localdate()
    page.goto(f"/access/passages/?start={today - datetime.timedelta(days=365)}&end={today}")
    assert page.locator('[data-test="window-error"]').is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
