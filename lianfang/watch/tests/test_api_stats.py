"""GET /api/v1/stats?area=&metric=&from=&to=: one figure of an area (by code or id) or a grid, day by day,
null for the days never computed. Out of the caller's scope for the statistics (a grid worker outside their
own grid, gate duty, another community): 404 like a node that does not exist. The figure is checked against
the known codes, the dates are bounded (core.bounds) and at most 366 days apart."""

from __future__ import annotations

import pytest

from lianfang.access.models import Passage
from lianfang.watch.stats import compute_day
from lianfang.watch.tests.conftest import DAY, TODAY, at, days, node

URL = "/api/v1/stats"


@pytest.fixture
def computed(town):
    Passage.objects.create(
        gate=town.gate_a, household=town.household_a1, direction="out", decision="refused", code="quota_used",
        server_time=at(DAY, 9), path=town.gate_a.path,
    )  # fmt: skip
    compute_day(day=DAY)
    compute_day(day=DAY + days(1))
    return town


def get(client, api_client, user, **params):
    return client.get(URL, params, **api_client(user))


def test_a_series_has_null_for_days_never_computed_and_zero_for_computed_days_without_a_row(
    client, api_client, computed
):
    r = get(client, api_client, computed.staff_a, area=computed.community_a.code, metric="refusal:quota_used",
            **{"from": str(DAY - days(1)), "to": str(DAY + days(1))})  # fmt: skip
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["node"] == computed.community_a.path and body["level"] == "community"
    assert [(p["day"], p["value"]) for p in body["series"]] == [
        (str(DAY - days(1)), None),
        (str(DAY), 1),
        (str(DAY + days(1)), 0),
    ]


def test_the_default_range_is_the_30_days_up_to_today(client, api_client, computed):
    body = get(client, api_client, computed.commander, area=computed.city.code, metric="households").json()
    assert (body["start"], body["end"]) == (str(TODAY - days(29)), str(TODAY))
    assert len(body["series"]) == 30
    assert dict((p["day"], p["value"]) for p in body["series"])[str(DAY)] == 3


def test_an_area_by_id_and_a_grid_by_code(client, api_client, computed):
    by_id = get(client, api_client, computed.staff_a, area=str(computed.community_a.pk), metric="refusals",
                **{"from": str(DAY), "to": str(DAY)})  # fmt: skip
    assert by_id.json()["series"] == [{"day": str(DAY), "value": 1}]
    grid = get(client, api_client, computed.grid_a1_worker, grid=computed.grid_a1.code, metric="refusals",
               **{"from": str(DAY), "to": str(DAY)})  # fmt: skip
    assert grid.status_code == 200
    assert grid.json()["node"] == node(computed.grid_a1)
    assert grid.json()["series"] == [{"day": str(DAY), "value": 1}]


@pytest.mark.parametrize(
    ("user", "params"),
    [
        ("staff_b", {"area": "340403001001"}),  # another community
        ("staff_a", {"area": "340403001000"}),  # the street above one's community
        ("grid_a1_worker", {"area": "340403001001"}),  # a grid worker reads their grid only
        ("grid_a1_worker", {"grid": "340403001001-02"}),  # not their grid
        ("guard_a", {"area": "340403001001"}),  # gate duty reads no statistics
        ("staff_a", {"area": "999999"}),  # no such area
        ("staff_a", {"grid": "nope"}),
    ],
)
def test_out_of_scope_or_unknown_answers_404(client, api_client, computed, user, params):
    r = get(client, api_client, getattr(computed, user), metric="households", **params)
    assert r.status_code == 404
    assert r.json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"metric": "nonsense"}, "unknown_metric"),
        ({"metric": "refusal:nonsense"}, "unknown_metric"),
        ({"metric": "flow_in:24"}, "unknown_metric"),
        ({"metric": "households", "area": None}, "stats_node_required"),
        ({"metric": "households", "grid": "340403001001-01"}, "stats_node_required"),
        ({"metric": "households", "from": "2026-03-32"}, "date_invalid"),
        ({"metric": "households", "from": "0001-01-01"}, "date_out_of_range"),
        ({"metric": "households", "to": "9999-12-31"}, "date_out_of_range"),
        ({"metric": "households", "from": str(DAY), "to": str(DAY - days(1))}, "stats_range_reversed"),
        ({"metric": "households", "from": str(TODAY - days(366)), "to": str(TODAY)}, "stats_range_too_long"),
    ],
)
def test_bad_parameters_are_refused_by_name(client, api_client, computed, params, code):
    query = {"area": computed.community_a.code, **params}
    query = {k: v for k, v in query.items() if v is not None}
    r = client.get(URL, query, **api_client(computed.staff_a))
    assert r.status_code == 400, r.content
    assert r.json()["code"] == code


def test_flow_and_refusal_codes_are_known_figures(client, api_client, computed):
    for metric in ("flow_out:09", "refusal:quota_used", "errand_minutes_median"):
        r = get(client, api_client, computed.staff_a, area=computed.community_a.code, metric=metric)
        assert r.status_code == 200, metric


def test_anonymous_gets_401(client, computed):
    assert client.get(URL, {"area": computed.city.code, "metric": "households"}).status_code == 401
