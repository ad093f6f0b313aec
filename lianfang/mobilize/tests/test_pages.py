"""The staff's and the volunteer's pages cost a fixed number of queries however many rows they list, and show
what they say."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lianfang.mobilize.models import Assignment, AssignmentStatus
from lianfang.mobilize.tests.conftest import add_shift, local

pytestmark = pytest.mark.django_db

NOW = local(2026, 3, 2, 1)


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url", ["/mobilize/gaps/", "/mobilize/volunteers/?status=active", "/mobilize/calls/"]
)
def test_a_staff_list_costs_the_same_queries_for_two_shifts_as_for_twenty(world, login, volunteers, url):
    client = login(world.staff_a)
    with time_machine.travel(NOW, tick=False):
        for h in (4, 12):
            s = add_shift(world, local(2026, 3, 2, h))
            Assignment.objects.create(shift=s, volunteer=volunteers[0], status=AssignmentStatus.ACCEPTED)
        few = queries(client, url)
        for i in range(18):
            s = add_shift(world, local(2026, 3, 2, 20) + i * datetime.timedelta(hours=2), hours=2)
            Assignment.objects.create(shift=s, volunteer=volunteers[h % 3], status=AssignmentStatus.INVITED)
        assert queries(client, url) == few


def test_the_gate_roster_and_the_volunteers_home_show_their_shifts(world, login, volunteers):
    with time_machine.travel(NOW, tick=False):
        s = add_shift(world, local(2026, 3, 2, 8))
        Assignment.objects.create(shift=s, volunteer=volunteers[1], status=AssignmentStatus.ACCEPTED)
        roster = login(world.staff_a).get(f"/mobilize/gates/{world.gate_a.pk}/roster/").content.decode()
        assert volunteers[1].name in roster
        home = login(volunteers[1].user).get("/").content.decode()
        assert 'data-test="my-shift"' in home and "东门" in home
