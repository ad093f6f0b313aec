"""The dashboard reads only pre-aggregated rows — the daily statistics, signals, risk levels, daily reports,
alerts counted by kind, and the area tree for names — never residents, households or gate passages, and
its number of queries does not grow with the number of areas below it."""

import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lianfang.core.models import AlertKind
from lianfang.home.tests.dashboard_rows import (
    NOW,
    SUBMITTED,
    TODAY,
    YESTERDAY,
    alert,
    computed,
    detector,
    grid_path,
    report,
    risk,
    signal,
    stats,
)
from lianfang.places.models import Area, AreaLevel

RAW = ("people_resident", "places_household", "access_passage")
AGGREGATES = {
    "watch_dailystat",
    "watch_statday",
    "watch_signal",
    "watch_detector",
    "watch_riskassessment",
    "watch_riskrule",  # the rule of a level in force (a handful of rows)
    "watch_dailyreport",
    "core_alert",
    "places_area",
    "places_grid",
    "places_compound",
    # the notices addressed to the commander's own account (a few rows, by the account's index)
    "notices_recipient",
    "notices_notice",
    # the session and the user, read by every page before the view
    "django_session",
    "accounts_user",
}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def rows(world):
    computed(YESTERDAY, TODAY)
    for node, level in ((world.city, "city"), (world.street, "street"), (world.community_a, "community")):
        stats(node.path, level, TODAY, cases_new=1, fevers=2, flow_in_08=5, flow_out_08=7)
    stats(grid_path(world.grid_a1), "grid", TODAY, grid=world.grid_a1, fevers=2)
    signal(detector(), grid_path(world.grid_a1), TODAY, grid=world.grid_a1)
    signal(detector("cases_new", "community", "阈值"), world.community_b.path, TODAY, level="community")
    risk(world.community_a, "medium", effective_from=YESTERDAY)
    risk(None, "high", effective_from=YESTERDAY, compound=world.compound_b)
    report(world.community_a, SUBMITTED)
    alert(world.community_a.path, AlertKind.FEVER, grid=world.grid_a1)


def tables(sql: str) -> set[str]:
    return set(re.findall(r'(?:FROM|JOIN)\s+"([a-z_]+)"', sql))


def pages(world) -> list[str]:
    return [
        reverse("home"),
        reverse("dashboard:area", args=[world.district.code]),
        reverse("dashboard:area", args=[world.street.code]) + "?sort=fevers",
        reverse("dashboard:area", args=[world.community_a.code]),
        reverse("dashboard:grid", args=[world.grid_a1.pk]),
    ]


def test_dashboard_reads_only_aggregates(world, login, rows):
    client = login(world.commander)
    for url in pages(world):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        sql = [q["sql"] for q in ctx.captured_queries]
        assert not [s for s in sql if any(raw in s for raw in RAW)], url
        touched = set().union(*(tables(s) for s in sql))
        assert touched <= AGGREGATES, (url, touched - AGGREGATES)
        assert "watch_dailystat" in touched


def test_the_alarms_and_risk_levels_are_really_read_on_these_pages(world, login, rows):
    page = login(world.commander).get(reverse("dashboard:area", args=[world.street.code]))

    assert len(page.context["alarms"]) == 2
    assert [r["name"] for r in page.context["risk"]["at_risk"]] == ["春晖园", "A社区"]


def add_districts(world, n: int) -> None:
    for i in range(n):
        code = f"3404{10 + i}"
        district = Area.objects.create(
            code=code,
            name=f"区{code}",
            level=AreaLevel.DISTRICT,
            parent=world.city,
            path=Area.child_path(world.city, code),
        )
        community = Area.objects.create(
            code=code + "001001",
            name=f"社区{code}",
            level=AreaLevel.COMMUNITY,
            parent=district,
            path=Area.child_path(district, code + "001001"),
        )
        stats(district.path, "district", TODAY, cases_new=i + 1)
        risk(community, "high", effective_from=TODAY)


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_city_dashboard_costs_the_same_queries_for_one_district_or_seven(world, login, rows):
    client = login(world.commander)
    one = count(client, reverse("home"))
    add_districts(world, 6)

    assert count(client, reverse("home")) == one
    assert one <= 13  # with the header's open alert count and the notices to the account
