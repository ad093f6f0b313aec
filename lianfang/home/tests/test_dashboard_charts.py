"""The charts' data, inline in the page as JSON (`json_script`): 30 days of cases, people held and
quarantined, and fevers (null on a day never computed, 0 on a computed day without a row); gate flow by
hour, the day against the day before (today's hours still to come are empty); the areas by risk level."""

import datetime
import json

import pytest
import time_machine
from django.urls import reverse

from lianfang.home.tests.dashboard_rows import (
    NOW,
    TODAY,
    YESTERDAY,
    computed,
    days_ago,
    grid_path,
    risk,
    stats,
)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def charts(response) -> dict[str, dict]:
    assert response.status_code == 200
    html = response.content.decode()
    raw = html.split('<script id="dashboard-data" type="application/json">')[1].split("</script>")[0]
    return {c["id"]: c for c in json.loads(raw)["charts"]}


def series(chart: dict) -> dict[str, list]:
    return {s["key"]: s["data"] for s in chart["series"]}


def test_the_trends_cover_30_days_with_gaps_on_days_never_computed(world, login):
    computed(*[days_ago(n) for n in range(30) if n != 5])  # day -5 was never computed
    city = world.city.path
    stats(city, "city", days_ago(29), cases_new=1, cases_cumulative=1)
    stats(city, "city", YESTERDAY, cases_new=2, cases_cumulative=5, people_held=40, fevers=3)
    stats(
        city,
        "city",
        TODAY,
        cases_new=4,
        cases_cumulative=9,
        people_held=44,
        home_q_current=30,
        facility_q_current=6,
    )

    found = charts(login(world.commander).get(reverse("home")))

    cases, held, fevers = series(found["cases"]), series(found["held"]), series(found["fevers"])
    assert list(cases) == ["cases_new", "cases_cumulative"]
    assert list(held) == ["people_held", "home_q_current", "facility_q_current"]
    assert list(fevers) == ["fevers"]
    assert found["cases"]["x"][0] == days_ago(29).strftime("%m-%d") and found["cases"]["x"][-1] == "03-10"
    assert all(len(data) == 30 for s in (cases, held, fevers) for data in s.values())
    assert cases["cases_new"][0] == 1 and cases["cases_new"][-2:] == [2, 4]
    assert cases["cases_cumulative"][-1] == 9
    assert held["people_held"][-1] == 44 and held["facility_q_current"][-1] == 6
    assert fevers["fevers"][-2:] == [3, 0]
    assert cases["cases_new"][29 - 5] is None and fevers["fevers"][29 - 5] is None
    assert cases["cases_new"][1] == 0  # computed, no row


def test_gate_flow_compares_each_hour_with_the_day_before_up_to_the_current_hour(world, login):
    computed(YESTERDAY, TODAY)
    city = world.city.path
    stats(city, "city", YESTERDAY, flow_in_07=50, flow_out_07=80, flow_in_20=9)
    stats(city, "city", TODAY, flow_in_07=60, flow_out_07=70, flow_out_15=11)

    flow = charts(login(world.commander).get(reverse("home")))["flow"]

    data = series(flow)
    assert flow["x"] == [f"{h:02d}" for h in range(24)]
    assert list(data) == ["in", "out", "in_before", "out_before"]
    assert data["in"][7] == 60 and data["out"][7] == 70 and data["out"][15] == 11
    assert data["in"][16:] == [None] * 8  # 15:30 now: the hours from 16:00 have not come
    assert data["in_before"][7] == 50 and data["out_before"][7] == 80 and data["in_before"][20] == 9
    assert data["in_before"][23] == 0


def test_a_past_day_shows_its_whole_flow(world, login):
    computed(YESTERDAY, days_ago(2))
    stats(world.city.path, "city", YESTERDAY, flow_in_22=5)

    url = reverse("dashboard:area", args=[world.city.code])
    response = login(world.commander).get(url, {"day": YESTERDAY.isoformat()})

    assert series(charts(response)["flow"])["in"][22] == 5


def test_the_risk_chart_counts_the_areas_at_each_level_in_force(world, login):
    risk(world.community_a, "high", effective_from=YESTERDAY)
    risk(world.community_b, "low", effective_from=days_ago(5))
    risk(world.community_b, "medium", effective_from=TODAY + datetime.timedelta(days=1))  # not yet in force
    risk(world.street, "medium", effective_from=days_ago(3))
    risk(None, "high", effective_from=TODAY, compound=world.compound_a)

    chart = charts(login(world.commander).get(reverse("home")))["risk"]

    assert chart["kind"] == "stacked"
    assert len(chart["x"]) == 3  # streets, communities, compounds
    assert series(chart) == {"low": [0, 1, 0], "medium": [1, 0, 0], "high": [0, 1, 1]}


def test_a_grid_has_trends_but_no_flow_and_no_risk_chart(world, login):
    computed(TODAY)
    stats(grid_path(world.grid_a1), "grid", TODAY, grid=world.grid_a1, fevers=7)

    found = charts(login(world.commander).get(reverse("dashboard:grid", args=[world.grid_a1.pk])))

    assert list(found) == ["cases", "held", "fevers"]
    assert series(found["fevers"])["fevers"][-1] == 7


def test_chart_titles_and_series_names_are_in_the_users_language(world, login, client):
    client.cookies["django_language"] = "zh-hans"
    found = charts(login(world.commander).get(reverse("home")))

    assert found["cases"]["title"] == "病例"
    assert [s["name"] for s in found["cases"]["series"]] == ["新增病例", "累计病例"]
