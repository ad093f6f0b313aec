"""The dashboard's key figures: the figure of the day with its change from the day before, read from the
daily statistics by their rule (a computed day without a row is 0; a day never computed is missing and
shows "—", never 0, and so does a change from or to a missing day)."""

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from lianfang.core.models import AlertKind, AlertStatus
from lianfang.home.tests.dashboard_rows import NOW, TODAY, YESTERDAY, alert, computed, stats


@pytest.fixture(autouse=True)
def frozen(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with time_machine.travel(NOW, tick=False):
        yield


def cards(response) -> dict[str, dict]:
    assert response.status_code == 200
    return {c["metric"]: c for c in response.context["cards"]}


def test_each_figure_of_today_is_shown_with_its_change_from_yesterday(world, login):
    computed(YESTERDAY, TODAY)
    city = world.city.path
    stats(
        city,
        "city",
        YESTERDAY,
        cases_new=1,
        cases_cumulative=7,
        people_held=100,
        home_q_current=50,
        fevers=2,
        passages_out=1500,
        passages_in=1400,
        facility_q_current=4,
    )
    stats(
        city,
        "city",
        TODAY,
        cases_new=3,
        cases_cumulative=10,
        people_held=120,
        home_q_current=50,
        passages_out=1234567,
        passages_in=1400,
    )

    figures = cards(login(world.commander).get(reverse("home")))

    assert (figures["cases_new"]["text"], figures["cases_new"]["change_text"]) == ("3", "+2")
    assert (figures["cases_cumulative"]["value"], figures["cases_cumulative"]["change"]) == (10, 3)
    assert (figures["people_held"]["value"], figures["people_held"]["change_text"]) == (120, "+20")
    assert (figures["home_q_current"]["text"], figures["home_q_current"]["change_text"]) == ("50", "0")
    # No row today on a computed day: 0, and the change is measured from yesterday's 2 and 4.
    assert (figures["fevers"]["text"], figures["fevers"]["change_text"]) == ("0", "−2")
    assert (figures["facility_q_current"]["value"], figures["facility_q_current"]["change"]) == (0, -4)
    assert figures["passages_out"]["text"] == "1,234,567"
    assert figures["passages_in"]["change_text"] == "0"


def test_the_page_shows_the_figures_and_changes_as_text(world, login):
    computed(YESTERDAY, TODAY)
    stats(world.city.path, "city", YESTERDAY, cases_new=1)
    stats(world.city.path, "city", TODAY, cases_new=4)

    page = login(world.commander).get(reverse("home")).content.decode()

    card = page.split('data-metric="cases_new"')[1].split('data-metric="cases_cumulative"')[0]
    assert '<div class="n">4</div>' in card
    assert 'data-change="+3"' in card


def test_a_day_that_was_never_computed_shows_a_dash_not_zero(world, login):
    computed(YESTERDAY)  # today's statistics are not computed yet
    stats(world.city.path, "city", YESTERDAY, cases_new=2, fevers=5)

    response = login(world.commander).get(reverse("home"))
    figures = cards(response)

    assert figures["cases_new"]["value"] is None and figures["cases_new"]["text"] == "—"
    assert figures["cases_new"]["change"] is None and figures["cases_new"]["change_text"] == "—"
    assert figures["fevers"]["text"] == "—"
    page = response.content.decode()
    assert 'data-test="not-computed"' in page
    card = page.split('data-metric="fevers"')[1].split("</div>\n  </div>")[0]
    assert '<div class="n">—</div>' in card and '<div class="n">0</div>' not in card


def test_a_change_from_a_day_that_was_never_computed_is_a_dash(world, login):
    computed(TODAY)
    stats(world.city.path, "city", TODAY, cases_new=2)

    figures = cards(login(world.commander).get(reverse("home")))

    assert figures["cases_new"]["value"] == 2
    assert figures["cases_new"]["change_text"] == "—"


def test_the_figures_of_an_area_are_its_own_not_its_parents(world, login):
    computed(YESTERDAY, TODAY)
    stats(world.city.path, "city", TODAY, cases_new=9)
    stats(world.community_a.path, "community", TODAY, cases_new=2)

    figures = cards(login(world.commander).get(reverse("dashboard:area", args=[world.community_a.code])))

    assert figures["cases_new"]["value"] == 2


def test_open_alerts_count_the_unresolved_alerts_of_the_area(world, login):
    computed(TODAY)
    stats(world.city.path, "city", TODAY, alerts_opened=3)
    a = world.community_a.path
    alert(a, AlertKind.FEVER)
    alert(a, AlertKind.FEVER, AlertStatus.ACKNOWLEDGED, dedup_key="x1")
    alert(a, AlertKind.CASE, AlertStatus.ASSIGNED)
    alert(a, AlertKind.FEVER, AlertStatus.RESOLVED)
    alert(world.community_b.path, AlertKind.FEVER)

    city = cards(login(world.commander).get(reverse("home")))["open_alerts"]
    community_a = cards(login(world.commander).get(reverse("dashboard:area", args=[world.community_a.code])))

    assert city["value"] == 4 and "3" in city["note"]
    assert community_a["open_alerts"]["value"] == 3


def test_another_day_can_be_opened_and_an_odd_day_falls_back_to_today(world, login):
    computed(YESTERDAY, TODAY)
    stats(world.city.path, "city", YESTERDAY, cases_new=6)
    client = login(world.commander)
    url = reverse("dashboard:area", args=[world.city.code])

    assert cards(client.get(url, {"day": YESTERDAY.isoformat()}))["cases_new"]["value"] == 6
    for odd in ("2026-13-01", "1999-01-01", "2026-03-11", "²"):
        response = client.get(url, {"day": odd})
        assert response.context["day"] == TODAY
