"""The place pages above the community read the daily statistics (counted at night), not the registry: the
figures of a city are never counted when its pages are asked for. A community, and a user whose scope is
narrower than the area, are counted live."""

import datetime
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lianfang.accounts.models import User
from lianfang.conftest import add_communities
from lianfang.core.roles import Role
from lianfang.home.tests.dashboard_rows import computed, stats
from lianfang.people.models import Resident
from lianfang.places.models import Household
from lianfang.watch.models import NodeLevel

LAST_NIGHT = datetime.date(2026, 3, 9)


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def counted(world):
    """Statistics of last night whose figures differ from the registry's (which holds a handful of people),
    so that a page shows which it read."""
    computed(LAST_NIGHT - datetime.timedelta(days=1), LAST_NIGHT)
    nodes = [
        (
            world.city,
            NodeLevel.CITY,
            9100,
            {"cases_confirmed": 7, "home_q_current": 41, "returnees_watched": 23},
        ),
        (world.district, NodeLevel.DISTRICT, 9000, {"cases_confirmed": 7, "home_q_current": 41}),
        (
            world.street,
            NodeLevel.STREET,
            8000,
            {"cases_confirmed": 7, "home_q_current": 41, "returnees_watched": 23},
        ),
        (world.community_a, NodeLevel.COMMUNITY, 5001, {"cases_confirmed": 2, "home_q_current": 12}),
        (world.community_b, NodeLevel.COMMUNITY, 2999, {}),
    ]
    for area, level, households, epidemic in nodes:
        people = {"residents": households * 3, "vulnerable": households // 10}
        stats(area.path, level, LAST_NIGHT, households=households, **people, **epidemic)
    # An older day with other figures: only the last computed day is read.
    stats(world.street.path, NodeLevel.STREET, LAST_NIGHT - datetime.timedelta(days=1), households=1)


def cells(page: str, name: str) -> list[str]:
    """The numbers of the table row whose first cell links to `name`."""
    row = re.search(rf">{re.escape(name)}</a>.*?</tr>", page, re.S)
    assert row, f"no row for {name}"
    return re.findall(r'<td class="num">([^<]*)</td>', row.group(0))


def test_a_street_page_shows_last_nights_figures_of_the_street_and_its_communities(world, login, counted):
    page = (
        login(world.commander).get(reverse("places:area-detail", args=[world.street.code])).content.decode()
    )
    assert ">8000<" in page and ">24000<" in page and ">800<" in page
    assert cells(page, "A社区") == ["5001", "15003", "500"]
    assert cells(page, "B社区") == ["2999", "8997", "299"]
    assert page.count("Counted at the end of 2026-03-09") == 2  # the street's cards and the table
    assert "Epidemic figures at the end of 2026-03-09" in page


def test_the_area_list_and_the_district_page_read_the_statistics_too(world, login, counted):
    client = login(world.commander)
    assert cells(client.get(reverse("places:area-list")).content.decode(), "淮南市") == [
        "9100",
        "27300",
        "910",
    ]
    district = client.get(reverse("places:area-detail", args=[world.district.code])).content.decode()
    assert cells(district, "舜耕镇") == ["8000", "24000", "800"]


def test_a_community_page_counts_its_registry_live_and_shows_its_epidemic_figures(world, login, counted):
    page = login(world.commander).get(reverse("places:area-detail", args=[world.community_a.code]))
    page = page.content.decode()
    cards = re.findall(r'<div class="n">([^<]*)</div>', page)
    path = world.community_a.path
    residents = Resident.objects.filter(path__startswith=path)
    live = [
        Household.objects.filter(path__startswith=path).count(),
        residents.count(),
        residents.exclude(tags="").count(),
    ]
    assert cards[:3] == [str(n) for n in live] and live[0] != 5001
    assert cards[3:5] == ["2", "12"]  # open confirmed cases, home quarantine: from last night
    assert "Counted at the end of" not in page.split('data-test="epidemic-figures"')[0]


def test_a_scope_narrower_than_the_area_is_counted_live(world, login, counted):
    # The grid worker sees only their grid's residents: the community's statistics are not theirs.
    page = login(world.grid_a1_worker).get(reverse("places:area-list")).content.decode()
    assert "5001" not in page and "Counted at the end of" not in page


def test_before_the_first_night_the_pages_count_the_registry(world, login):
    page = (
        login(world.commander).get(reverse("places:area-detail", args=[world.street.code])).content.decode()
    )
    assert "Counted at the end of" not in page
    assert "Epidemic figures" not in page  # nothing counted yet: no epidemic cards


def queries_of(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


@pytest.mark.parametrize(("level", "n_queries"), [("city", 9), ("district", 10), ("street", 10)])
def test_a_command_page_above_the_community_costs_a_fixed_number_of_queries_and_never_counts_the_registry(
    world, login, counted, level, n_queries
):
    add_communities(world, 12)
    client = login(world.commander)
    url = reverse("places:area-detail", args=[getattr(world, level).code])
    client.get(url)
    sql = queries_of(client, url)
    # Session, user, the user's area, the area, the last counted day, its figures, its children, their
    # figures (one query for all), the breadcrumbs (none above the city); and the header's open alert count.
    assert len(sql) == n_queries
    assert not [q for q in sql if "people_resident" in q or "places_household" in q]


def test_the_area_list_costs_seven_queries_and_never_counts_the_registry(world, login, counted):
    add_communities(world, 12)
    sql = queries_of(login(world.commander), reverse("places:area-list"))
    assert len(sql) == 7
    assert not [q for q in sql if "people_resident" in q or "places_household" in q]


def test_a_staff_home_over_a_whole_street_shows_the_streets_figures_of_last_night(world, login, counted):
    from_street = User.objects.create_user(
        username="street_staff",
        password="x-Pass-2020",
        role=Role.COMMUNITY,
        name="街道干部",
        area=world.street,
    )
    page = login(from_street).get(reverse("home")).content.decode()
    assert re.findall(r'<div class="n">([^<]*)</div>', page)[:4] == ["8000", "24000", "800", "23"]
    assert "Returnees under watch (14 days)" in page and "Counted at the end of 2026-03-09" in page


def test_a_community_staff_home_counts_its_community_live(world, login, counted):
    page = login(world.staff_a).get(reverse("home")).content.decode()
    assert "5001" not in page and "Counted at the end of" not in page and "Returnee records" in page
