"""A guard on a phone at night: scan residents out and in, see the outing rule work, keep scanning offline."""

import datetime

import pytest
from django.utils import timezone

from lianfang.access.models import Pass, Passage, PassKind
from lianfang.conftest import add_resident
from lianfang.core.models import Alert


@pytest.fixture
def gate_passes(world):
    made = []
    for h in (world.household_a1, world.household_a2):
        made.append(
            Pass.objects.create(
                kind=PassKind.HOUSEHOLD,
                household=h,
                compound=h.compound,
                path=h.path,
                valid_from=datetime.date(2020, 1, 1),
                valid_to=datetime.date(2030, 1, 1),
            )
        )
    made.append(
        Pass.objects.create(
            kind=PassKind.WORK,
            holder="社区卫生服务站",
            compound=world.compound_a,
            path=world.compound_a.path,
            valid_from=datetime.date(2020, 1, 1),
            valid_to=datetime.date(2030, 1, 1),
        )
    )
    return made


def check(page, number: str, direction: str, temperature: str = "36.5") -> str:
    page.locator(f"label:has(input[name=direction][value={direction}])").click()
    page.fill("#temperature", temperature)
    page.fill("#token", number)
    page.click("#submit")
    page.wait_for_selector("#verdict:not([hidden])")
    return page.locator("#verdict").get_attribute("data-decision")


def next_person(page) -> None:
    page.click("#next")
    page.wait_for_selector("#verdict", state="hidden")


def test_guard_scans_out_and_the_second_exit_of_the_day_is_refused(logged_in_page, world, gate_passes):
    page = logged_in_page(world.guard_a)
    page.goto("/access/checkpoint/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    assert check(page, gate_passes[0].display_number, "out") == "allowed"
    assert "3栋1单元101" in page.inner_text("#v-household")
    assert "0" in page.inner_text("#v-exits")
    next_person(page)

    assert check(page, gate_passes[0].display_number.lower(), "out") == "refused"
    assert page.locator("#verdict").get_attribute("data-code") == "quota_used"
    next_date = timezone.localdate() + datetime.timedelta(days=2)
    assert next_date.isoformat() in page.inner_text("#v-exits")
    # The page shows the household label, never a name or an ID number.
    body = page.inner_text("body")
    assert "张三" not in body and world.zhang_san.id_last4 not in body
    next_person(page)

    assert check(page, gate_passes[0].display_number, "in") == "allowed"
    next_person(page)
    assert check(page, gate_passes[1].display_number, "out", "37.8") == "referred"
    assert Passage.objects.filter(counted=True).count() == 1
    # The phone lists what it scanned, newest first.
    recent = page.locator("#synced li")
    assert recent.count() == 4 and recent.first.get_attribute("data-code") == "fever"


def test_checkpoint_keeps_scanning_offline_and_syncs_exactly_once(logged_in_page, world, gate_passes):
    page = logged_in_page(world.guard_a)
    page.goto("/access/checkpoint/")
    page.context.set_offline(True)
    for p in gate_passes:
        assert check(page, p.display_number, "out") == "queued"
        next_person(page)
    assert page.inner_text("#pending-count") == "3"
    assert Passage.objects.count() == 0

    page.context.set_offline(False)
    page.wait_for_function("document.getElementById('pending-count').textContent === '0'", timeout=15000)
    assert page.locator("#synced li").count() == 3
    assert Passage.objects.count() == 3
    codes = sorted(Passage.objects.values_list("code", flat=True))
    assert codes == ["exit_allowed", "exit_allowed", "exit_exempt"]
    # Reloading (a flaky network that re-sends) adds nothing.
    page.reload()
    page.wait_for_timeout(500)
    assert Passage.objects.count() == 3


def test_after_a_fever_the_guard_points_at_the_member_by_number_and_the_alert_names_them(
    logged_in_page, world, gate_passes
):
    add_resident("赵敏", world.household_a1, datetime.date(1983, 7, 9), 21, "F", relation="spouse")
    page = logged_in_page(world.guard_a)
    page.goto("/access/checkpoint/")
    assert check(page, gate_passes[0].display_number, "out", "38.3") == "referred"
    choices = page.locator("#v-choices button")
    assert choices.count() == 3  # 1号, 2号, none of them
    assert "张三" not in page.inner_text("#verdict") and "赵敏" not in page.inner_text("#verdict")
    choices.nth(1).click()
    page.wait_for_selector("#v-choices button.chosen")
    assert "赵敏" not in page.inner_text("body")
    assert "赵敏" in Alert.objects.get(household=world.household_a1).title
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
