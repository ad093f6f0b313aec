"""The gate log page reads a fixed number of queries, whatever the number of passages: the session and user,
the user's area, the scope's compounds and gates (for the form, and to read a narrow scope gate by gate; a
grid worker's households too), the page's passages (ids, then the rows with their gates, compounds and
households), and the header's alert count. Gate duty is refused (404) before any passage is read."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from lianfang.access.tests.gatelog import NOW, make, passage

LOG = "/access/passages/"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def busy_day(world):
    homes = [world.household_a1, world.household_a2, None]
    return make(
        [
            passage(world.gate_a, NOW - datetime.timedelta(seconds=17 * i), household=homes[i % 3])
            for i in range(120)
        ]
    )


@pytest.mark.parametrize(("who", "queries"), [("staff_a", 8), ("commander", 8), ("grid_a1_worker", 10)])
def test_the_gate_log_reads_a_fixed_number_of_queries(login, world, busy_day, django_assert_max_num_queries,
                                                      who, queries):  # fmt: skip
    client = login(getattr(world, who))
    with django_assert_max_num_queries(queries):
        first = client.get(LOG)
    assert first.status_code == 200 and len(first.context["page"].rows) > 0
    older = first.context["page"].older
    if older is not None:
        with django_assert_max_num_queries(queries):
            assert client.get(LOG, {"before": older.token}).status_code == 200


def test_gate_duty_is_refused_before_anything_is_read(login, world, busy_day, django_assert_max_num_queries):
    client = login(world.guard_a)
    with django_assert_max_num_queries(4) as queries:  # the session, the user, the header's gate name
        assert client.get(LOG).status_code == 404
    assert not [q for q in queries.captured_queries if "access_passage" in q["sql"]]
