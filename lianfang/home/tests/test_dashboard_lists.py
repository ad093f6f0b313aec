"""The lists under the charts: early-warning alarms of the last three days, open alerts by kind, the areas
at medium and high risk (levels in force), the communities that have not reported, and the table of the
areas below, sortable by cases and fevers."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from lianfang.core.models import AlertKind, AlertStatus
from lianfang.home.tests.dashboard_rows import (
    ACCEPTED,
    DRAFT,
    NOW,
    RETURNED,
    SUBMITTED,
    TODAY,
    YESTERDAY,
    alert,
    computed,
    days_ago,
    detector,
    grid_path,
    report,
    risk,
    signal,
    stats,
)
from lianfang.places.models import Area, AreaLevel
from lianfang.watch.models import RiskStatus


@pytest.fixture(autouse=True)
def frozen(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with time_machine.travel(NOW, tick=False):
        yield


def dashboard(client, area, **params):
    response = client.get(reverse("dashboard:area", args=[area.code]), params)
    assert response.status_code == 200
    return response.context


def test_alarms_of_the_last_three_days_under_the_area_are_listed_latest_first(world, login):
    fevers = detector()
    a1, a2 = grid_path(world.grid_a1), grid_path(world.grid_a2)
    signal(fevers, a1, days_ago(2), grid=world.grid_a1, observed=5)
    signal(fevers, a2, TODAY, grid=world.grid_a2, observed=8)
    signal(fevers, a1, days_ago(3), grid=world.grid_a1)  # four days ago: too old
    signal(fevers, a1, YESTERDAY, grid=world.grid_a1, alarm=False)  # no alarm
    signal(detector("cases_new", "community", "病例阈值"), world.community_b.path, TODAY, level="community")

    alarms = dashboard(login(world.staff_a), world.community_a)["alarms"]

    assert [(a["day"], a["place"], a["values"]) for a in alarms] == [
        (TODAY, "A社区 第二网格", "observed 8, upper bound 4.2"),
        (days_ago(2), "A社区 第一网格", "observed 5, upper bound 4.2"),
    ]
    assert alarms[0]["url"] == reverse("dashboard:grid", args=[world.grid_a2.pk])
    city = login(world.commander).get(reverse("home")).context["alarms"]
    assert {a["place"] for a in city} == {"A社区 第二网格", "A社区 第一网格", "B社区"}


def test_open_alerts_are_counted_by_kind_most_first(world, login):
    a = world.community_a.path
    alert(a, AlertKind.FEVER)
    alert(a, AlertKind.FEVER, AlertStatus.ASSIGNED)
    alert(a, AlertKind.EARLY_WARNING, AlertStatus.ACKNOWLEDGED)
    alert(a, AlertKind.CASE, AlertStatus.RESOLVED)
    alert(world.community_b.path, AlertKind.CASE)

    kinds = dashboard(login(world.staff_a), world.community_a)["open_alerts"]

    assert [(k["kind"], k["n"]) for k in kinds] == [("fever", 2), ("early_warning", 1)]


def test_a_grid_counts_the_alerts_of_its_grid(world, login):
    alert(world.community_a.path, AlertKind.FEVER, grid=world.grid_a1)
    alert(world.community_a.path, AlertKind.FEVER, grid=world.grid_a2)

    response = login(world.grid_a1_worker).get(reverse("dashboard:mine"))

    assert [(k["kind"], k["n"]) for k in response.context["open_alerts"]] == [("fever", 1)]


def test_risk_levels_in_force_are_the_latest_approved_that_took_effect(world, login):
    risk(world.community_a, "low", effective_from=days_ago(10))
    risk(world.community_a, "high", effective_from=days_ago(2))
    risk(world.community_a, "low", effective_from=TODAY + datetime.timedelta(days=2))
    risk(world.community_a, "low", effective_from=None, status=RiskStatus.SUGGESTED)
    risk(world.community_b, "medium", effective_from=YESTERDAY)
    risk(world.community_b, "low", effective_from=None, status=RiskStatus.DISMISSED)

    street = dashboard(login(world.commander), world.street)
    community = dashboard(login(world.commander), world.community_a)

    assert [(r["name"], r["level"]) for r in street["risk"]["at_risk"]] == [
        ("A社区", "high"),
        ("B社区", "medium"),
    ]
    assert {r["node"].name: r["risk"] for r in street["children"]} == {"A社区": "high", "B社区": "medium"}
    assert community["risk"]["own"] == "high"
    assert (
        'data-test="own-risk"'
        in login(world.commander)
        .get(reverse("dashboard:area", args=[world.community_a.code]))
        .content.decode()
    )


def test_a_district_shows_the_highest_level_found_within_each_street(world, login):
    risk(world.community_a, "medium", effective_from=YESTERDAY)
    risk(None, "high", effective_from=YESTERDAY, compound=world.compound_b)

    district = dashboard(login(world.commander), world.district)

    assert district["children"][0]["risk"] == "high"


def test_communities_that_have_not_submitted_todays_report_are_listed(world, login):
    c = Area.objects.create(
        code="340403001003",
        name="C社区",
        level=AreaLevel.COMMUNITY,
        parent=world.street,
        path=Area.child_path(world.street, "340403001003"),
    )
    d = Area.objects.create(
        code="340403001004",
        name="D社区",
        level=AreaLevel.COMMUNITY,
        parent=world.street,
        path=Area.child_path(world.street, "340403001004"),
    )
    report(world.community_a, SUBMITTED)
    report(world.community_b, ACCEPTED)
    report(c, DRAFT)
    report(d, RETURNED)
    report(d, SUBMITTED, day=YESTERDAY)

    street = dashboard(login(world.commander), world.street)
    district = dashboard(login(world.commander), world.district)

    assert [name for _code, name, _path in street["unreported"]] == ["C社区", "D社区"]
    assert street["unreported_count"] == 2
    assert district["children"][0]["unreported"] == 2
    assert [
        name
        for _c, name, _p in dashboard(login(world.commander), world.street, day=YESTERDAY.isoformat())[
            "unreported"
        ]
    ] == ["A社区", "B社区", "C社区"]


def test_the_areas_below_sort_by_cases_or_fevers_largest_first(world, login):
    computed(TODAY)
    stats(world.community_a.path, "community", TODAY, cases_new=1, fevers=9)
    stats(world.community_b.path, "community", TODAY, cases_new=4, fevers=2)
    client = login(world.commander)

    by_name = dashboard(client, world.street)["children"]
    by_cases = dashboard(client, world.street, sort="cases")["children"]
    by_fevers = dashboard(client, world.street, sort="fevers")["children"]
    odd = dashboard(client, world.street, sort="DROP TABLE")

    assert [r["node"].name for r in by_name] == ["A社区", "B社区"]
    assert [r["node"].name for r in by_cases] == ["B社区", "A社区"]
    assert [r["node"].name for r in by_fevers] == ["A社区", "B社区"]
    assert dict(by_fevers[0]["values"])["fevers"] == "9"
    assert odd["sort"] == "name"


def test_a_community_lists_its_grids_and_households_without_a_grid_only_when_they_have_figures(world, login):
    computed(TODAY)
    stats(grid_path(world.grid_a1), "grid", TODAY, grid=world.grid_a1, fevers=3)
    client = login(world.staff_a)

    before = dashboard(client, world.community_a)["children"]
    stats(f"{world.community_a.path}g0.", "grid", TODAY, fevers=1)
    after = dashboard(client, world.community_a)["children"]

    assert [(r["node"].name, dict(r["values"])["fevers"]) for r in before] == [
        ("第一网格", "3"),
        ("第二网格", "0"),
    ]
    assert len(after) == 3 and dict(after[2]["values"])["fevers"] == "1" and after[2]["url"] == ""


def test_the_table_shows_a_dash_for_the_areas_below_on_a_day_never_computed(world, login):
    stats(world.community_a.path, "community", TODAY, fevers=9)  # a stray row on a day not computed

    rows = dashboard(login(world.commander), world.street)["children"]

    assert dict(rows[0]["values"])["fevers"] == "—"
