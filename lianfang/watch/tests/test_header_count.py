"""The open count in the header ("预警 (N)"): the unresolved alerts of the user's scope, for the roles that
handle alerts, counted once per page with one COUNT; other roles see no link and cost no query."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lianfang.core.models import AlertOutcome
from lianfang.core.roles import Role
from lianfang.watch.inbox import acknowledge_alert, assign_alert, resolve_alert
from lianfang.watch.tests.inbox_helpers import make_user, raise_in


def header_count(client) -> int | None:
    html = client.get(reverse("home")).content.decode()
    found = re.search(r'data-test="alert-count" data-count="(\d+)">([^<]*)<', html)
    if not found:
        return None
    assert f"({found.group(1)})" in found.group(2)  # the link's text says the same number
    return int(found.group(1))


def test_the_count_is_every_unresolved_alert_in_scope_and_drops_when_one_is_resolved(world, login):
    a1, a2 = raise_in(world, household=world.household_a1), raise_in(world, household=world.household_a2)
    acked, assigned = raise_in(world), raise_in(world)
    raise_in(world, household=world.household_b)
    acknowledge_alert(user=world.staff_a, alert=acked)
    assign_alert(user=world.staff_a, alert=assigned, assignee=world.health_a)
    client = login(world.health_a)
    assert header_count(client) == 4
    resolve_alert(user=world.health_a, alert=a2, outcome=AlertOutcome.REAL)
    assert header_count(client) == 3
    assert header_count(login(world.grid_a1_worker)) == 3  # grid A1's: a1, acked, assigned
    assert header_count(login(world.staff_b)) == 1
    assert header_count(login(world.commander)) == 4
    assert a1.pk


def test_roles_that_do_not_handle_alerts_have_no_link_and_no_count(world, login):
    raise_in(world)
    volunteer = make_user("volunteer_a", Role.VOLUNTEER, area=world.community_a)
    for user in (world.guard_a, world.resident_a, volunteer):
        client = login(user)
        with CaptureQueriesContext(connection) as ctx:
            assert header_count(client) is None
        assert not [q for q in ctx.captured_queries if "core_alert" in q["sql"]], user.username


def test_one_count_query_per_page(world, login):
    raise_in(world)
    client = login(world.staff_a)
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("watch:inbox"))
    counts = [q for q in ctx.captured_queries if "COUNT(" in q["sql"].upper() and "core_alert" in q["sql"]]
    assert len(counts) == 1
