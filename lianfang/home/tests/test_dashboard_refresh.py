"""The "Refresh today" button (watch.stats.compute_today): on today's dashboard of an area, for the roles
that may recompute the figures (the command centre, community staff)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from lianfang.core.errors import DomainError
from lianfang.home import dashboard


@pytest.fixture
def computing(monkeypatch):
    calls = []
    monkeypatch.setattr(dashboard, "compute_today", lambda *, user: calls.append(user.username))
    return calls


def test_a_role_that_may_not_recompute_sees_no_button(world, login, computing):
    client = login(world.health_a)
    page = client.get(reverse("dashboard:area", args=[world.community_a.code])).content.decode()

    assert 'data-test="dashboard"' in page and 'data-test="refresh"' not in page
    assert computing == []


def test_the_button_computes_today_again_and_comes_back_to_the_dashboard(world, login, computing):
    client = login(world.commander)

    assert 'data-test="refresh"' in client.get(reverse("home")).content.decode()
    response = client.post(reverse("dashboard:refresh", args=[world.street.code]))

    assert response.status_code == 302 and response["Location"] == reverse(
        "dashboard:area", args=[world.street.code]
    )
    assert computing == ["commander"]


def test_no_button_on_a_past_day_and_nothing_computed_out_of_scope(world, login, computing):
    client = login(world.staff_a)
    url = reverse("dashboard:area", args=[world.community_a.code])

    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    assert 'data-test="refresh"' in client.get(url).content.decode()
    assert 'data-test="refresh"' not in client.get(url, {"day": yesterday.isoformat()}).content.decode()
    assert client.post(reverse("dashboard:refresh", args=[world.community_b.code])).status_code == 404
    assert client.get(reverse("dashboard:refresh", args=[world.community_a.code])).status_code == 405
    assert computing == []


def test_a_refusal_of_the_statistics_answers_403_and_computes_nothing(world, login, monkeypatch):
    def refuse(*, user):
        raise DomainError("forbidden", "Only the command centre and community staff may refresh.", status=403)

    monkeypatch.setattr(dashboard, "compute_today", refuse)

    response = login(world.health_a).post(reverse("dashboard:refresh", args=[world.community_a.code]))

    assert response.status_code == 403
