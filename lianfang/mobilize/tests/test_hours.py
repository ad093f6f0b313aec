"""Hand-entered hours: a volunteer enters them, they count once staff of the community approve them."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from lianfang.core.errors import DomainError
from lianfang.mobilize.attendance import hours_between
from lianfang.mobilize.models import HoursEntry, HoursStatus
from lianfang.mobilize.services import decide_hours, enter_hours
from lianfang.mobilize.tests.conftest import local

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(local(2026, 3, 3, 9), tick=False):
        yield


def test_entered_hours_count_once_approved(world, volunteers):
    v = volunteers[0]
    e = enter_hours(user=v.user, day=DAY, hours="2.5", note="入户宣传")
    assert hours_between(v, DAY, DAY)["entered"] == 0
    with pytest.raises(DomainError) as err:
        decide_hours(user=world.staff_b, entry=e.pk, approve=True)
    assert err.value.code == "not_found"
    decide_hours(user=world.staff_a, entry=e.pk, approve=True)
    assert hours_between(v, DAY, DAY)["entered"] == 2.5
    with pytest.raises(DomainError) as err:
        decide_hours(user=world.staff_a, entry=e.pk, approve=False)
    assert err.value.code == "already_decided"


def test_absurd_hours_and_far_days_are_refused_and_nothing_is_written(world, volunteers):
    user = volunteers[0].user
    cases = [
        ("25", DAY, "bad_hours"),
        ("abc", DAY, "bad_hours"),
        ("NaN", DAY, "bad_hours"),
        ("2", datetime.date(2026, 1, 1), "bad_day"),
        ("2", datetime.date(2026, 3, 4), "bad_day"),
    ]
    for hours, day, code in cases:
        with pytest.raises(DomainError) as err:
            enter_hours(user=user, day=day, hours=hours, note="x")
        assert err.value.code == code
    assert not HoursEntry.objects.exists()


def test_the_volunteer_enters_hours_on_their_page_and_staff_approve_them_on_theirs(world, volunteers, login):
    v = volunteers[0]
    client = login(v.user)
    response = client.post("/mobilize/hours/", {"day": "2026-03-02", "hours": "3", "note": "消杀"})
    assert response.status_code == 302
    entry = HoursEntry.objects.get()
    client = login(world.staff_a)
    assert "消杀" in client.get("/mobilize/volunteers/").content.decode()
    client.post(f"/mobilize/hours/{entry.pk}/decide/", {"decision": "approve"})
    entry.refresh_from_db()
    assert entry.status == HoursStatus.APPROVED and entry.decided_by == world.staff_a
