"""The registry's figures are stock at the end of the day: households and residents registered by then
(`created_at`), vulnerable residents (any vulnerable-group tag), and returnees: arrived that day, and under
watch for 14 days (the arrival day and the 13 after it), each person once."""

from __future__ import annotations

from lianfang.people.models import Resident, TravelRecord
from lianfang.places.models import Household
from lianfang.places.services import ensure_household
from lianfang.watch.stats import compute_day
from lianfang.watch.tests.conftest import DAY, at, days, g0, node, value


def test_households_and_residents_count_at_their_grid_and_add_up_to_the_city(town):
    compute_day(day=DAY)
    a, b = town.community_a, town.community_b
    assert value(node(town.grid_a1), "households") == 1
    assert value(node(town.grid_a2), "households") == 1
    assert value(g0(b), "households") == 1  # community B's household has no grid
    assert value(a.path, "households") == 2
    assert value(town.city.path, "households") == 3
    assert value(town.city.path, "residents") == 3
    assert value(node(town.grid_a1), "vulnerable") == 1  # 张三: chronic illness
    assert value(town.city.path, "vulnerable") == 2  # 王五 has no tag


def test_a_household_or_resident_registered_after_the_day_does_not_count_that_day(town):
    late = ensure_household(compound=town.compound_b, building="2", unit="1", room="301")
    Household.objects.filter(pk=late.pk).update(created_at=at(DAY + days(1), 0, 0, 0))
    on_the_day = Resident.objects.create(name="赵六", household=late, path=late.path, tags="pregnant")
    Resident.objects.filter(pk=on_the_day.pk).update(created_at=at(DAY, 23, 59, 59))
    compute_day(day=DAY)
    assert value(g0(town.community_b), "households") == 1
    assert value(g0(town.community_b), "residents") == 2
    assert value(g0(town.community_b), "vulnerable") == 1
    compute_day(day=DAY + days(1))
    assert value(g0(town.community_b), "households", DAY + days(1)) == 2


def test_a_resident_without_a_household_is_not_a_resident_of_the_registry(town):
    Resident.objects.filter(pk=town.wang_wu.pk).update(household=None, path="", grid=None)
    compute_day(day=DAY)
    assert value(town.city.path, "residents") == 2


def test_returnees_arrived_that_day_and_under_watch_for_fourteen_days(town):
    arrivals = {
        town.zhang_san: [DAY, DAY - days(3)],  # arrived that day (twice recorded): one person
        town.li_si: [DAY - days(13)],  # last day of the watch
        town.wang_wu: [DAY - days(14), DAY + days(1)],  # watch over; arrives the next day
    }
    for person, dates in arrivals.items():
        for d in dates:
            TravelRecord.objects.create(resident=person, origin="武汉", arrival_date=d)
    compute_day(day=DAY)
    assert value(node(town.grid_a1), "returnees_arrived") == 1
    assert value(town.city.path, "returnees_arrived") == 1
    assert value(node(town.grid_a1), "returnees_watched") == 1
    assert value(node(town.grid_a2), "returnees_watched") == 1
    assert value(town.city.path, "returnees_watched") == 2
    assert value(town.community_b.path, "returnees_watched") == 0
