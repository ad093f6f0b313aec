"""A fever at the gate raises one urgent alert per household and day (key `fever:<household>:<day>`), for
the gate's community and the household's grid; another fever of the household that day is a step of it.
The scan stays cheap: the decision, the household's flag, the alert with its step and the household's members
(for the guard's question: which of them?) are four statements."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from lianfang.access.tests.conftest import at
from lianfang.core.models import Alert, AlertEventKind, AlertSeverity

D = datetime.date(2026, 3, 2)


def test_two_fevers_of_a_household_on_one_day_are_one_alert_with_a_second_step(world, passes, scan):
    scan(passes["household_a1"], "out", at(D, 9), temperature=37.8)
    scan(passes["household_a1"], "in", at(D, 11, 30), temperature=38.4)
    alert = Alert.objects.get()
    assert alert.dedup_key == f"fever:{world.household_a1.pk}:{D.isoformat()}"
    assert (alert.severity, alert.grid_id, alert.path) == (
        AlertSeverity.URGENT,
        world.grid_a1.pk,
        world.community_a.path,
    )
    assert "37.8" in alert.title
    steps = list(alert.events.values_list("kind", "note"))
    assert [k for k, _ in steps] == [AlertEventKind.RAISED, AlertEventKind.REPEATED]
    assert "11:30" in steps[1][1] and "38.4" in steps[1][1]


def test_the_next_day_and_another_household_are_alerts_of_their_own(world, passes, scan):
    scan(passes["household_a1"], "out", at(D, 9), temperature=37.8)
    scan(passes["household_a1"], "out", at(D + datetime.timedelta(days=1), 9), temperature=37.6)
    scan(passes["household_a2"], "out", at(D, 10), temperature=37.5)
    keys = sorted(Alert.objects.values_list("dedup_key", flat=True))
    assert len(keys) == 3
    assert f"fever:{world.household_a2.pk}:{D.isoformat()}" in keys
    assert Alert.objects.get(household=world.household_a2).grid_id == world.grid_a2.pk


def test_a_fever_scan_costs_four_statements_once_the_caches_are_warm(world, passes, scan):
    t = at(D, 9)
    second = datetime.timedelta(seconds=1)
    scan(passes["household_a2"], "out", t, temperature=36.5)  # warms the gate and policy caches
    scan(passes["household_a2"], "out", t + second, temperature=37.9)  # warms the response times
    for n in (2, 3):  # a new alert, then a repeat of it (within the caches' few seconds)
        with CaptureQueriesContext(connection) as ctx:
            scan(passes["household_a1"], "in", t + n * second, temperature=38.0)
        statements = [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]
        assert len(statements) == 4, [q[:60] for q in statements]
    assert Alert.objects.filter(household=world.household_a1).count() == 1
