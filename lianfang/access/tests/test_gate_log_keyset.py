"""The gate log pages newest first by (server_time, id) with a cursor (`?before=<µs>,<id>`), never by page
number: following "older" from the newest page shows every passage of the window once, in order, passages
of the same microsecond included; a malformed cursor shows the newest page; the first page counts at most
1,001 passages and says "more than 1,000" past that."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine

from lianfang.access.passages import PAGE_SIZE, Cursor
from lianfang.access.tests.gatelog import NOW, make, newest_first, passage

LOG = "/access/passages/"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def older_link(html: str) -> str | None:
    found = re.search(r'href="\?([^"]*)" data-test="older"', html)
    return found.group(1).replace("&amp;", "&") if found else None


def test_following_older_shows_every_passage_once_in_order(login, world):
    # 130 passages over the day, every third pair at the same microsecond (ties are broken by id).
    times = [NOW - datetime.timedelta(minutes=5 * (i // 2)) for i in range(130)]
    rows = make([passage(world.gate_a, t, household=world.household_a1) for t in times])
    client = login(world.staff_a)
    seen: list[int] = []
    response = client.get(LOG)
    pages = 0
    while True:
        pages += 1
        seen += [p.pk for p in response.context["page"].rows]
        link = older_link(response.content.decode())
        if link is None:
            break
        assert "newest" not in link
        response = client.get(f"{LOG}?{link}")
        assert 'data-test="newest"' in response.content.decode()
    assert pages == 3
    assert seen == newest_first(rows)


def test_a_page_is_the_passages_before_the_cursor(login, world):
    rows = make([passage(world.gate_a, NOW - datetime.timedelta(seconds=s)) for s in range(10)])
    ordered = newest_first(rows)
    pivot = next(p for p in rows if p.pk == ordered[3])
    cursor = Cursor(pivot.server_time, pivot.pk).token
    response = login(world.staff_a).get(LOG, {"before": cursor})
    assert [p.pk for p in response.context["page"].rows] == ordered[4:]
    assert response.context["page"].older is None


def test_a_cursor_round_trips_to_the_microsecond():
    when = datetime.datetime(2026, 3, 2, 7, 0, 0, 123456, tzinfo=datetime.UTC)
    assert Cursor.parse(Cursor(when, 42).token) == Cursor(when, 42)
    early = datetime.datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=datetime.UTC)
    assert Cursor.parse(Cursor(early, 1).token) == Cursor(early, 1)


@pytest.mark.parametrize(
    "before",
    ["x", "1,", ",1", "1772431860000000", "1772431860000000,0", "1772431860000000,-4", "²,1",
     "99999999999999999999999,1", "1772431860000000,99999999999999999999", "1,2,3", "\u0661,1", "x" * 5000],
)  # fmt: skip
def test_a_malformed_cursor_shows_the_newest_page(login, world, before):
    rows = make([passage(world.gate_a, NOW - datetime.timedelta(minutes=m)) for m in range(3)])
    response = login(world.staff_a).get(LOG, {"before": before})
    assert response.status_code == 200
    assert [p.pk for p in response.context["page"].rows] == newest_first(rows)


def test_the_first_page_counts_up_to_a_thousand_and_one(login, world):
    make([passage(world.gate_a, NOW - datetime.timedelta(seconds=s)) for s in range(1001)])
    client = login(world.staff_a)
    html = client.get(LOG).content.decode()
    assert "超过 1,000 条通行记录" in html
    make([passage(world.gate_a, NOW - datetime.timedelta(days=1))])
    html = client.get(LOG, {"start": "2026-03-01", "end": "2026-03-01"}).content.decode()
    assert "共 1 条通行记录" in html


def test_only_the_first_page_counts(login, world):
    rows = make([passage(world.gate_a, NOW - datetime.timedelta(seconds=s)) for s in range(PAGE_SIZE + 5)])
    client = login(world.staff_a)
    first = client.get(LOG)
    assert first.context["page"].count == PAGE_SIZE + 5
    second = client.get(f"{LOG}?{older_link(first.content.decode())}")
    assert second.context["page"].count is None
    assert [p.pk for p in second.context["page"].rows] == newest_first(rows)[PAGE_SIZE:]
