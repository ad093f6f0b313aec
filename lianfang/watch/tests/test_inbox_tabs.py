"""The inbox page's tabs per role: "for me" (the alerts my area must answer now, or assigned to me; a grid
worker: their grid's), "all open in my scope", "resolved"; filters by kind and severity; keyset pages of
at most 50, with no COUNT but the header's open count; rows with their age and time left, overdue in red."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lianfang.core.models import Alert, AlertKind, AlertOutcome, AlertSeverity
from lianfang.core.roles import Role
from lianfang.watch.escalation import escalate_overdue_alerts
from lianfang.watch.inbox import assign_alert, resolve_alert
from lianfang.watch.tests.inbox_helpers import make_user, raise_in


def shown(client, query: str = "") -> list[int]:
    response = client.get(reverse("watch:inbox") + query)
    assert response.status_code == 200
    return [int(pk) for pk in re.findall(r'data-test="alert-row" data-alert="(\d+)"', response.text)]


@pytest.fixture
def alerts(world):
    """A: grid A1's fever (new), grid A2's overdue call, an alert escalated to the street, a resolved one,
    one assigned to the health worker; B: a fever."""
    now = timezone.now()
    made = {
        "a1": raise_in(world, household=world.household_a1),
        "a2": raise_in(world, household=world.household_a2, kind=AlertKind.CALL_OVERDUE, severity="warning"),
        "up": raise_in(world, household=world.household_a1, at=now - datetime.timedelta(hours=3)),
        "done": raise_in(world, household=world.household_a2),
        "mine": raise_in(world, household=world.household_a2, kind=AlertKind.UNREACHABLE),
        "b": raise_in(world, household=world.household_b),
    }
    escalate_overdue_alerts()  # "up" (3 hours old, 30 minutes to answer) goes to the street
    resolve_alert(user=world.staff_a, alert=made["done"], outcome=AlertOutcome.REAL)
    assign_alert(user=world.staff_a, alert=made["mine"], assignee=world.health_a)
    return {k: v.pk for k, v in made.items()}


def test_community_staff_see_their_areas_alerts_by_tab(world, login, alerts):
    client = login(world.staff_a)
    a = alerts
    assert shown(client) == [a["mine"], a["a2"], a["a1"]]  # "for me" is the default tab, newest first
    assert shown(client, "?tab=open") == [a["mine"], a["up"], a["a2"], a["a1"]]
    assert shown(client, "?tab=resolved") == [a["done"]]


def test_the_health_worker_gets_what_is_assigned_to_them_and_their_communitys_alerts(world, login, alerts):
    client = login(world.health_a)
    assert shown(client, "?tab=mine") == [alerts["mine"], alerts["a2"], alerts["a1"]]


def test_an_escalated_alert_is_for_the_street_now(world, login, alerts):
    leader = make_user("street_leader", Role.COMMAND, area=world.street)
    client = login(leader)
    assert shown(client, "?tab=mine") == [alerts["up"]]
    assert shown(client, "?tab=open") == [
        alerts["b"],
        alerts["mine"],
        alerts["up"],
        alerts["a2"],
        alerts["a1"],
    ]
    assert shown(login(world.commander), "?tab=mine") == []  # nothing has reached the city


def test_a_grid_worker_sees_only_their_grids_alerts_in_every_tab(world, login, alerts):
    client = login(world.grid_a1_worker)
    assert shown(client, "?tab=mine") == [alerts["up"], alerts["a1"]]
    assert shown(client, "?tab=open") == [alerts["up"], alerts["a1"]]
    assert shown(client, "?tab=resolved") == []


def test_another_community_sees_none_of_them_and_gate_duty_no_inbox(world, login, alerts, client):
    assert shown(login(world.staff_b), "?tab=open") == [alerts["b"]]
    client.force_login(world.guard_a)
    assert client.get(reverse("watch:inbox")).status_code == 404


def test_filters_by_kind_and_severity(world, login, alerts):
    client = login(world.staff_a)
    assert shown(client, "?tab=open&kind=call_overdue") == [alerts["a2"]]
    assert shown(client, "?tab=open&severity=urgent") == [alerts["mine"], alerts["up"], alerts["a1"]]
    assert shown(client, "?tab=open&kind=fever&severity=warning") == []
    # Values that are not filters are ignored, as if absent.
    assert shown(client, "?tab=nope&kind=x&severity=%E2%91%A0&before=abc") == shown(client)
    assert shown(client, "?tab=open&kind=call_overdue&severity=bad") == [alerts["a2"]]


def test_rows_show_age_and_time_left_and_overdue_ones_are_red(world, login):
    fresh = raise_in(world)
    late = raise_in(world, at=timezone.now() - datetime.timedelta(hours=1))  # 30 minutes to answer a fever
    page = login(world.staff_a).get(reverse("watch:inbox")).text
    found = re.findall(r'<li class="([^"]*)" data-test="alert-row" data-alert="(\d+)"', page)
    rows = {int(pk): cls for cls, pk in found}
    assert "overdue" in rows[late.pk] and "overdue" not in rows[fresh.pk]
    assert 'data-test="left"' in page and 'data-test="overdue"' in page


def test_pages_of_50_by_id_without_counting_the_table(world, login):
    made = [raise_in(world, severity=AlertSeverity.WARNING).pk for _ in range(120)]
    client = login(world.staff_a)
    with CaptureQueriesContext(connection) as ctx:
        first = client.get(reverse("watch:inbox") + "?tab=open")
    counts = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1 and "core_alert" in counts[0]  # the header's open count, nothing else
    ids = [int(p) for p in re.findall(r'data-alert="(\d+)"', first.text)]
    assert ids == sorted(made, reverse=True)[:50]
    older = re.search(r'href="\?([^"]*before=\d+[^"]*)" data-test="older"', first.text).group(1)
    second = shown(client, "?" + older.replace("&amp;", "&"))
    assert second == sorted(made, reverse=True)[50:100]
    last = shown(client, f"?tab=open&before={second[-1]}")
    assert last == sorted(made, reverse=True)[100:]
    assert (
        'data-test="older"' not in client.get(reverse("watch:inbox") + f"?tab=open&before={second[-1]}").text
    )
    assert Alert.objects.count() == 120
