"""The care board opens the home page of grid, community and health workers: overdue calls first, then
calls due now, then open errands; a volunteer's home lists the errands assigned to them. The home page
costs the same number of queries for one household in care or many."""

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lianfang.care.models import CareTeam
from lianfang.care.services import assign_errand, raise_errand
from lianfang.care.tests.conftest import quarantine_home
from lianfang.epi.tests.conftest import add_residents
from lianfang.places.services import ensure_household

# Session, user, grid; the board (worker_board: five); the grid worker's counts, lists and scope label;
# the header's open alert count (watch.context_processors); the notices to the account and the door-to-door
# tasks of notices (notices.queries, notices.escalation).
GRID_HOME_QUERIES = 17


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def since_yesterday(today):
    CareTeam.objects.update(started=today - datetime.timedelta(days=1))


def test_overdue_calls_come_first_then_errands_on_the_grid_workers_home(world, login, held_a1, today):
    since_yesterday(today)
    raise_errand(user=world.grid_a1_worker, household=held_a1.household, category="medicine", details="药")
    page = login(world.grid_a1_worker).get(reverse("home")).content.decode()
    board = page.index('data-test="care-board"')
    assert board < page.index("Vulnerable residents in my grid")
    assert board < page.index('data-test="overdue-calls"') < page.index('data-test="open-errands"')
    assert f'data-window="{(today - datetime.timedelta(days=1)).isoformat()}-am"' in page


@pytest.mark.parametrize("persona", ["staff_a", "health_a"])
def test_community_and_health_staff_see_the_board_first(world, login, held_a1, persona):
    page = login(getattr(world, persona)).get(reverse("home")).content.decode()
    assert page.index('data-test="care-board"') < page.index("<h2>Compounds</h2>")


def test_a_volunteers_home_lists_the_errands_assigned_to_them(world, login, held_a1, volunteer_a):
    mine = raise_errand(user=world.staff_a, household=held_a1.household, category="parcel", details="快递")
    raise_errand(user=world.staff_a, household=held_a1.household, category="bill", details="电费")
    assign_errand(user=world.staff_a, errand=mine, assignee=volunteer_a)
    page = login(volunteer_a).get(reverse("home")).content.decode()
    errands = page[page.index('data-test="my-errands"') :]
    assert "快递" in errands and "电费" not in page


def test_the_home_page_costs_the_same_queries_for_one_household_in_care_or_many(
    world, login, held_a1, today, django_assert_num_queries
):
    since_yesterday(today)
    client = login(world.grid_a1_worker)
    with django_assert_num_queries(GRID_HOME_QUERIES):
        client.get(reverse("home"))
    for room in ("102", "201", "202", "301", "302"):
        household = ensure_household(compound=world.compound_a, building="3", unit="1", room=room)
        (resident,) = add_residents(world, household, f"住户{room}")
        quarantine_home(world, resident, today)
        errand = raise_errand(user=world.staff_a, household=household, category="vegetables", details="菜")
        assign_errand(user=world.staff_a, errand=errand, assignee=world.grid_a1_worker)
    since_yesterday(today)
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(reverse("home")).content.decode()
    assert page.count('data-test="call"') >= 6 * 2 and page.count('data-test="errand"') == 5
    assert len(ctx.captured_queries) == GRID_HOME_QUERIES


def test_the_home_page_shows_the_first_twenty_overdue_calls_and_links_to_all_of_them(
    world, login, held_a1, today
):
    from lianfang.home.homes import HOME_CARE_ROWS

    for n in range(12):
        household = ensure_household(compound=world.compound_a, building="3", unit="1", room=f"5{n:02d}")
        (resident,) = add_residents(world, household, f"住户5{n:02d}")
        quarantine_home(world, resident, today)
    since_yesterday(today)  # yesterday's two windows are overdue for all 13 households (today's maybe too)
    page = login(world.grid_a1_worker).get(reverse("home")).content.decode()
    total = int(page.split('data-test="n-overdue">')[1].split("<")[0])
    assert total >= 26
    overdue = page.split('data-test="overdue-calls"')[1].split("</ul>")[0]
    assert overdue.count('data-test="call"') == HOME_CARE_ROWS == 20
    assert f"All {total} overdue calls" in page.split('data-test="more-overdue"')[1][:60]
    board = login(world.grid_a1_worker).get(reverse("care:board")).content.decode()
    assert board.split('data-test="overdue-calls"')[1].split("</ul>")[0].count('data-test="call"') == total
