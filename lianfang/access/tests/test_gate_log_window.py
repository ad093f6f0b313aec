"""The gate log shows whole local days: today when no date is given, at most MAX_WINDOW_DAYS (31) at a time.
A longer window is refused on the page with a message pointing to the export, before any passage is read."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from lianfang.access.passages import MAX_WINDOW_DAYS
from lianfang.access.tests.gatelog import NOW, make, passage

LOG = "/access/passages/"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def shown(response) -> list[int]:
    return [p.pk for p in response.context["page"].rows]


def test_without_dates_the_log_shows_today_only(login, world):
    yesterday, today, midnight = make(
        [
            passage(world.gate_a, NOW - datetime.timedelta(days=1)),
            passage(world.gate_a, NOW - datetime.timedelta(hours=1)),
            passage(world.gate_a, NOW.replace(hour=0, minute=0)),
        ]
    )
    response = login(world.staff_a).get(LOG)
    assert shown(response) == [today.pk, midnight.pk]
    assert yesterday.pk not in shown(response)


def test_a_start_alone_runs_until_today(login, world):
    rows = make([passage(world.gate_a, NOW - datetime.timedelta(days=d)) for d in (0, 3, 6)])
    response = login(world.staff_a).get(LOG, {"start": "2026-02-26"})
    assert shown(response) == [rows[0].pk, rows[1].pk]


def test_an_end_alone_shows_that_day(login, world):
    rows = make([passage(world.gate_a, NOW - datetime.timedelta(days=d)) for d in (0, 1, 2)])
    response = login(world.staff_a).get(LOG, {"end": "2026-03-01"})
    assert shown(response) == [rows[1].pk]


def test_the_longest_window_is_shown(login, world):
    first_day = NOW - datetime.timedelta(days=MAX_WINDOW_DAYS - 1)
    rows = make(
        [passage(world.gate_a, first_day), passage(world.gate_a, first_day - datetime.timedelta(days=1))]
    )
    start = first_day.date().isoformat()
    response = login(world.staff_a).get(LOG, {"start": start, "end": "2026-03-02"})
    assert response.context["form"].errors == {}
    assert shown(response) == [rows[0].pk]


def test_a_year_long_window_is_refused_with_a_way_to_the_export(login, world, django_assert_max_num_queries):
    make([passage(world.gate_a, NOW)])
    client = login(world.staff_a)
    with django_assert_max_num_queries(8):
        response = client.get(LOG, {"start": "2025-03-02", "end": "2026-03-02"})
    assert response.status_code == 200
    assert response.context["page"] is None  # no passage was read
    assert response.context["form"].has_error("__all__", "window_too_long")
    html = response.content.decode()
    assert "最多显示 31 天" in html
    assert 'href="/access/passages/export.xlsx?start=2025-03-02&amp;end=2026-03-02"' in html


def test_the_refusal_is_also_said_in_english(login, world, settings):
    client = login(world.staff_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(LOG, {"start": "2025-03-02"}).content.decode()
    assert "The gate log shows at most 31 days at a time, and 366 days were asked for." in html
    assert "export this one to Excel" in html


def test_dates_outside_their_bounds_get_the_fields_message(login, world):
    response = login(world.staff_a).get(LOG, {"start": "2026-03-01", "end": "9999-12-31"})
    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["end"][0].code == "date_out_of_range"
    assert response.context["page"] is None


def test_an_end_before_the_start_is_refused(login, world):
    response = login(world.staff_a).get(LOG, {"start": "2026-03-02", "end": "2026-03-01"})
    assert response.context["form"].has_error("__all__", "window_reversed")


def test_the_scopes_only_compound_is_chosen_by_default(login, world):
    response = login(world.staff_a).get(LOG)
    form = response.context["form"]
    assert form.initial["compound"] == world.compound_a.pk
    assert f'<option value="{world.compound_a.pk}" selected>' in response.content.decode()
    assert form.passage_filter().gates is not None and world.gate_a.pk in form.passage_filter().gates


def test_the_links_of_the_default_view_carry_its_day(login, world):
    make([passage(world.gate_a, NOW - datetime.timedelta(minutes=m)) for m in range(60)])
    html = login(world.staff_a).get(LOG).content.decode()
    assert f"?start=2026-03-02&amp;end=2026-03-02&amp;compound={world.compound_a.pk}&amp;before=" in html
