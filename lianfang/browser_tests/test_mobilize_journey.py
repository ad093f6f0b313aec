"""A party member's first duty, on phones: they report in through the community's public form, staff accept
them (the one-time login is shown), the gap view shows the gate's next shift uncovered, the new volunteer
logs in, takes that shift from their home page, the guard checks them in at the checkpoint (its on-duty
panel), and the gap view turns green. Checked by what the screens show and by the database."""

import datetime
import re

from django.utils import timezone

from lianfang.browser_tests.conftest import PHONE, log_in
from lianfang.conftest import id_for
from lianfang.mobilize.models import Assignment, AssignmentStatus, Shift, Volunteer, VolunteerStatus


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_party_member_reports_in_takes_tonights_uncovered_shift_and_is_checked_in(
    logged_in_page, new_context, world
):
    gate = world.gate_a
    start = timezone.now().replace(second=0, microsecond=0) + datetime.timedelta(minutes=10)
    shift = Shift.objects.create(
        gate=gate, path=gate.path, starts_at=start, ends_at=start + datetime.timedelta(hours=8), needed=1
    )

    # The party member, on the public form the community hands out (no login).
    public = new_context(**PHONE).new_page()
    public.goto(f"/mobilize/report-in/?community={world.community_a.code}")
    public.fill("#name", "赵红军")
    public.fill("#phone", "13955409876")
    public.fill("#id_number", id_for(datetime.date(1979, 7, 1), 61, "M"))
    public.select_option("#kind", "party_member")
    public.fill("#employer", "淮南矿业集团")
    public.check("input[name=skills][value=gate]")
    assert fits_the_phone(public)
    with public.expect_navigation():
        public.click("[data-test=report-in]")
    assert public.locator("[data-test=reported]").is_visible()
    volunteer = Volunteer.objects.get(name="赵红军")
    assert volunteer.status == VolunteerStatus.PENDING

    # Staff accept the report-in on their phone; the one-time login is shown to hand over.
    staff = logged_in_page(world.staff_a)
    staff.goto("/mobilize/volunteers/")
    with staff.expect_navigation():
        staff.locator("[data-test=volunteer][data-name='赵红军'] [data-test=accept]").click()
    message = staff.inner_text(".msg.success")
    username = re.search(r"v13955409876", message).group(0)
    password = message.rsplit("：", 1)[-1].rsplit(": ", 1)[-1].strip()
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.ACTIVE and volunteer.user.username == username

    # The gap view: the gate's next shift is uncovered.
    staff.goto("/mobilize/gaps/")
    row = staff.locator(f"[data-test=gap-row][data-shift='{shift.pk}']")
    assert row.get_attribute("data-gap") == "uncovered"
    assert fits_the_phone(staff)

    # The new volunteer logs in on their own phone and takes the shift from their home page.
    vpage = log_in(new_context(**PHONE).new_page(), username, password)
    with vpage.expect_navigation():
        vpage.locator("[data-test=free-shift] a").first.click()
    with vpage.expect_navigation():
        vpage.click("[data-test=take-shift]")
    assert vpage.locator("[data-test=my-shift]").first.get_attribute("data-status") == "accepted"
    assert fits_the_phone(vpage)
    assert Assignment.objects.get(shift=shift).volunteer == volunteer

    # The guard's checkpoint shows who is on duty now; the guard checks the volunteer in.
    guard = log_in(new_context(**PHONE).new_page(), world.guard_a.username)
    guard.goto("/access/checkpoint/")
    on_duty = guard.locator("[data-test=on-duty-row]")
    on_duty.first.wait_for()
    assert "赵红军" in on_duty.first.inner_text()
    with guard.expect_navigation():
        on_duty.first.locator("[data-test=check-in]").click()
    guard.locator("[data-test=on-duty-row][data-status=checked_in]").wait_for()
    assert Assignment.objects.get(shift=shift).status == AssignmentStatus.CHECKED_IN

    # The gap view turns green.
    staff.reload()
    assert staff.locator(f"[data-test=gap-row][data-shift='{shift.pk}']").get_attribute("data-gap") == "ok"
