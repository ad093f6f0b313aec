"""A health worker on a phone: registers a confirmed case, previews and applies the lockdown of its unit,
confirms the unit's neighbours as close contacts (one at home, one in a facility room) and sees the room
taken. Checked by what the screens show and by the database, not by English wording (the UI is Chinese)."""

import datetime
import re

import pytest
from django.utils import timezone

from lianfang.epi.models import Case, Contact, Lockdown, Quarantine
from lianfang.epi.services import create_facility
from lianfang.epi.tests.conftest import add_residents
from lianfang.places.models import Household
from lianfang.places.services import ensure_household


@pytest.fixture
def neighbours(world):
    h102 = ensure_household(compound=world.compound_a, building="3", unit="1", room="102")
    h201 = ensure_household(compound=world.compound_a, building="3", unit="1", room="201")
    return {"qian": add_residents(world, h102, "钱一")[0], "sun": add_residents(world, h201, "孙三")[0]}


@pytest.fixture
def hotel(world):
    return create_facility(
        user=world.health_a, area=world.community_a, name="淮南宾馆", rooms=[("101", 1), ("102", 2)]
    )


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_health_worker_takes_a_case_to_a_sealed_unit_and_quarantined_contacts(
    logged_in_page, world, neighbours, hotel
):
    today = timezone.localdate()
    page = logged_in_page(world.health_a)

    # The home page loads the epidemic panel; from there, register a case.
    page.wait_for_selector("[data-test=open-cases]")
    with page.expect_navigation():
        page.click(".epi-panel a[href='/epi/cases/new/']")
    page.fill("input[name=q]", "zs")
    with page.expect_navigation():
        page.press("input[name=q]", "Enter")
    with page.expect_navigation():
        page.click(f"[data-test=results] a.btn[href='?resident={world.zhang_san.pk}']")
    assert "张三" in page.inner_text("[data-test=person]")
    page.select_option("select[name=status]", "confirmed")
    page.select_option("select[name=source]", "hospital")
    page.fill("input[name=onset_date]", (today - datetime.timedelta(days=2)).isoformat())
    with page.expect_navigation():
        page.click("form.stack button[type=submit]")
    case = Case.objects.get()
    assert page.url.endswith(f"/epi/cases/{case.pk}/")
    assert case.status == "confirmed" and case.resident == world.zhang_san
    assert fits_the_phone(page)

    # Seal its unit: the unit is preselected; the preview shows the counts and writes nothing.
    with page.expect_navigation():
        page.click("[data-test=seal]")
    assert page.locator("select[name=target]").input_value() == f"unit:{world.household_a1.unit_id}"
    with page.expect_navigation():
        page.click("[data-test=preview]")
    counts = page.inner_text("[data-test=preview-counts]")
    # 1 unit, 3 households, 2 residents (the case is isolated as a case, not quarantined)
    assert [int(n) for n in re.findall(r"\d+", counts)] == [1, 3, 2], counts
    assert Lockdown.objects.count() == 0
    assert fits_the_phone(page)
    with page.expect_navigation():
        page.click("[data-test=apply]")
    lockdown = Lockdown.objects.get()
    assert page.url.endswith(f"/epi/lockdowns/{lockdown.pk}/")
    assert lockdown.case == case and lockdown.households == 3 and lockdown.residents == 2
    assert lockdown.ends_on.isoformat() in page.inner_text("[data-test=ends-on]")
    held = Household.objects.filter(unit=world.household_a1.unit, exits_held_until__gte=today).count()
    assert held == 3  # the lockdown holds the whole unit, the case's own household included

    # Back on the case page: confirm 钱一 at home and 孙三 into room 101 of the hotel.
    # The sealed unit's neighbours are already in home quarantine: folded away, marked, still decidable.
    page.goto(f"/epi/cases/{case.pk}/")
    qian, sun = neighbours["qian"], neighbours["sun"]
    folded = page.locator("[data-test=already-quarantined]")
    assert folded.count() == 1 and folded.get_attribute("open") is None
    folded.locator("summary").click()
    page.check(f"li[data-resident='{qian.pk}'] input[name=resident]")
    with page.expect_navigation():
        page.click("[data-test=bulk-confirm]")
    room = hotel.rooms.get(number="101")
    page.locator("[data-test=already-quarantined] summary").click()
    page.check(f"li[data-resident='{sun.pk}'] input[name=resident]")
    page.select_option("[data-test=bulk-bar] select[name=place]", str(room.pk))
    with page.expect_navigation():
        page.click("[data-test=bulk-confirm]")
    assert page.locator(".msg.success").count() == 1
    assert set(
        Contact.objects.filter(case=case, status="confirmed").values_list("resident_id", flat=True)
    ) == {
        qian.pk,
        sun.pk,
    }
    in_room = Quarantine.objects.get(resident=sun, kind="facility", status="active")
    assert in_room.room == room
    assert page.locator("li.cand.confirmed").count() == 2
    assert "淮南宾馆 101" in page.text_content(f"li[data-resident='{sun.pk}'] .cand-state")
    assert fits_the_phone(page)

    # The facility shows the room taken; the person's quarantine page shows day 1.
    page.goto("/epi/facilities/")
    assert "1 / 3" in page.inner_text("[data-test=facilities]")
    page.goto(f"/epi/facilities/{hotel.pk}/")
    assert "孙三" in page.inner_text("tr[data-room='101']")
    with page.expect_navigation():
        page.click("tr[data-room='101'] a")
    assert page.url.endswith(f"/epi/quarantines/{in_room.pk}/")
    assert "1" in page.inner_text("[data-test=day]")
    assert fits_the_phone(page)
