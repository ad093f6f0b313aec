"""The daily report through the JSON API: an area's day (states, lateness, figures, totals), submit by
community staff, return with a comment and accept by the street; refusals answer their code; out of scope
is 404."""

import json

import pytest

from lianfang.watch.metrics import Metric
from lianfang.watch.models import DailyReport, ReportStatus
from lianfang.watch.tests.report.conftest import DAY, FIGURES_A, FIGURES_B

BASE = "/api/v1/daily-reports"


@pytest.fixture
def call(client, api_client):
    def _call(user, method, url, body=None):
        headers = api_client(user)
        if method == "get":
            return client.get(url, **headers)
        return client.post(url, json.dumps(body or {}), content_type="application/json", **headers)

    return _call


def test_submit_return_and_accept_through_the_api(world, stats, street_chief, call, clock, at):
    stats(FIGURES_A, FIGURES_B)
    a = world.community_a.code
    submitted = call(world.staff_a, "post", f"{BASE}/{a}/{DAY}/submit")
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "submitted"
    assert submitted.json()["figures"][Metric.FEVERS] == 3

    again = call(world.staff_a, "post", f"{BASE}/{a}/{DAY}/submit")
    assert (again.status_code, again.json()["code"]) == (400, "report_already_submitted")

    no_comment = call(street_chief, "post", f"{BASE}/{a}/{DAY}/return", {"comment": " "})
    assert (no_comment.status_code, no_comment.json()["code"]) == (400, "comment_required")
    returned = call(street_chief, "post", f"{BASE}/{a}/{DAY}/return", {"comment": "请核实发热人数"})
    assert (returned.json()["status"], returned.json()["review_comment"]) == ("returned", "请核实发热人数")

    call(world.staff_a, "post", f"{BASE}/{a}/{DAY}/submit")
    accepted = call(street_chief, "post", f"{BASE}/{a}/{DAY}/accept")
    assert accepted.json()["status"] == "accepted"
    assert DailyReport.objects.get().status == ReportStatus.ACCEPTED

    clock.move_to(at(19))
    day = call(street_chief, "get", f"{BASE}?day={DAY}").json()
    assert (day["area"], day["cutoff"]) == (world.street.code, "18:00")
    assert [(c["name"], c["state"], c["late"]) for c in day["communities"]] == [
        ("A社区", "accepted", False),
        ("B社区", "missing", True),
    ]
    assert day["total"]["reported"] == 1 and day["total"]["figures"][Metric.FEVERS] == 3


def test_the_api_refuses_roles_and_scopes_that_may_not(world, stats, street_chief, community_chief, call):
    a = world.community_a.code
    assert call(world.staff_b, "post", f"{BASE}/{a}/{DAY}/submit").status_code == 404
    assert call(street_chief, "post", f"{BASE}/{a}/{DAY}/submit").json()["code"] == "forbidden"
    call(world.staff_a, "post", f"{BASE}/{a}/{DAY}/submit")
    assert call(world.staff_a, "post", f"{BASE}/{a}/{DAY}/accept").status_code == 403
    assert call(community_chief, "post", f"{BASE}/{a}/{DAY}/accept").json()["code"] == "review_from_above"
    assert call(world.staff_b, "post", f"{BASE}/{a}/{DAY}/return", {"comment": "x"}).status_code == 404
    assert call(world.staff_b, "get", f"{BASE}?area={a}").status_code == 404
    assert DailyReport.objects.get().status == ReportStatus.SUBMITTED


def test_a_day_out_of_bounds_is_refused_by_name(world, call):
    answer = call(world.staff_a, "get", f"{BASE}?day=2099-01-01")
    assert (answer.status_code, answer.json()["code"]) == (400, "report_day_future")
    answer = call(world.staff_a, "post", f"{BASE}/{world.community_a.code}/not-a-day/submit")
    assert (answer.status_code, answer.json()["code"]) == (400, "date_invalid")
    assert not DailyReport.objects.exists()
