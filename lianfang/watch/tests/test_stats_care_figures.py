"""Care's figures of the day: calls recorded for it; call windows that ended without a call recorded before
their end, for the households in care that day (each community's own windows; today only the windows that
have ended); errands raised and done (delivered, or confirmed) and the median minutes from raised to done at
each node from the errands themselves; disinfections; kits delivered."""

from __future__ import annotations

import datetime

from lianfang.care.models import (
    CareCall,
    CarePolicy,
    CareTeam,
    Disinfection,
    Errand,
    KitDelivery,
    KitTemplate,
)
from lianfang.places.models import Household
from lianfang.watch.stats import compute_day
from lianfang.watch.tests.conftest import DAY, TODAY, at, days, g0, node, value


def team(household, started, ended=None, held_until=None):
    Household.objects.filter(pk=household.pk).update(exits_held_until=held_until)
    return CareTeam.objects.create(household=household, started=started, ended=ended, path=household.path)


def call(household, date, window, when):
    return CareCall.objects.create(
        household=household, date=date, window=window, reached=True, called_at=when, path=household.path
    )


def test_calls_made_and_windows_that_ended_without_a_call(town):
    team(town.household_a1, DAY - days(2), held_until=DAY + days(5))
    call(town.household_a1, DAY, "am", at(DAY, 10))  # in time
    call(town.household_a1, DAY, "pm", at(DAY, 18, 30))  # after the window's end (18:00): it was overdue
    team(town.household_a2, DAY - days(5), ended=DAY)  # care ended that day: no window is due
    team(town.household_b, DAY, held_until=DAY)  # its first and last day in care, never called
    compute_day(day=DAY)
    assert value(node(town.grid_a1), "calls_made") == 2
    assert value(node(town.grid_a1), "calls_overdue") == 1
    assert value(node(town.grid_a2), "calls_overdue") == 0
    assert value(g0(town.community_b), "calls_overdue") == 2
    assert value(town.city.path, "calls_overdue") == 3
    assert value(town.city.path, "calls_made") == 2


def test_an_open_team_of_a_household_no_longer_held_has_no_windows_due(town):
    team(town.household_a1, DAY - days(2), held_until=DAY - days(1))
    compute_day(day=DAY)
    assert value(town.city.path, "calls_overdue") == 0


def test_today_so_far_counts_only_the_windows_that_have_ended_by_each_community_policy(town):
    CarePolicy.objects.create(
        area=town.community_b, morning_from=datetime.time(7), morning_until=datetime.time(9),
        afternoon_from=datetime.time(13), afternoon_until=datetime.time(15),
    )  # fmt: skip
    team(town.household_a1, TODAY - days(1), held_until=TODAY + days(3))
    team(town.household_b, TODAY - days(1), held_until=TODAY + days(3))
    compute_day(day=TODAY, now=at(TODAY, 9, 30))  # B's morning window has ended, A's has not
    assert value(g0(town.community_b), "calls_overdue", TODAY) == 1
    assert value(node(town.grid_a1), "calls_overdue", TODAY) == 0
    compute_day(day=TODAY, now=at(TODAY, 15, 0))  # B's afternoon window ends at 15:00, A's at 18:00
    assert value(node(town.grid_a1), "calls_overdue", TODAY) == 1
    assert value(g0(town.community_b), "calls_overdue", TODAY) == 2


def errand(household, created, delivered=None, confirmed=None):
    return Errand.objects.create(
        household=household, category="vegetables", need="diet", details="青菜", raised_by="household",
        due_at=created + datetime.timedelta(hours=24), created_at=created, delivered_at=delivered,
        confirmed_at=confirmed, path=household.path,
    )  # fmt: skip


def test_errands_raised_done_and_their_median_minutes_at_every_node(town):
    a1, a2, b = town.household_a1, town.household_a2, town.household_b
    errand(a1, at(DAY, 8), delivered=at(DAY, 8, 10))  # 10 minutes
    errand(a1, at(DAY, 9), delivered=at(DAY, 9, 20), confirmed=at(DAY, 12))  # 20 (delivered counts)
    errand(a2, at(DAY - days(1), 23), delivered=at(DAY, 0, 20))  # raised the day before, done: 80
    errand(a2, at(DAY, 10))  # raised, not done
    errand(a2, at(DAY, 22), delivered=at(DAY + days(1), 1))  # raised that day, done the next
    errand(b, at(DAY, 10), confirmed=at(DAY, 11))  # only a confirmation: 60
    compute_day(day=DAY)
    assert value(node(town.grid_a1), "errands_raised") == 2
    assert value(node(town.grid_a2), "errands_raised") == 2
    assert value(town.city.path, "errands_raised") == 5
    assert value(node(town.grid_a1), "errands_done") == 2
    assert value(town.city.path, "errands_done") == 4
    assert value(node(town.grid_a1), "errand_minutes_median") == 15  # (10 + 20) / 2
    assert value(node(town.grid_a2), "errand_minutes_median") == 80
    assert value(town.community_a.path, "errand_minutes_median") == 20  # 10, 20, 80
    assert value(town.city.path, "errand_minutes_median") == 40  # 10, 20, 60, 80: not a sum


def test_disinfections_by_their_building_grid_and_kits_by_the_local_day(town):
    building_3, building_5 = town.household_a1.unit.building, town.household_a2.unit.building
    Disinfection.objects.create(building=building_3, date=DAY, path=building_3.path)
    Disinfection.objects.create(building=building_5, date=DAY + days(1), path=building_5.path)
    kit = KitTemplate.objects.create(area=town.city, name="九个一", items="口罩")
    b = town.household_b
    KitDelivery.objects.create(
        household=b, template=kit, items="口罩", delivered_at=at(DAY, 23, 59), path=b.path
    )
    KitDelivery.objects.create(
        household=b, template=kit, items="口罩", delivered_at=at(DAY + days(1), 0), path=b.path
    )
    compute_day(day=DAY)
    assert value(node(town.grid_a1), "disinfections") == 1
    assert value(town.city.path, "disinfections") == 1
    assert value(g0(town.community_b), "kits_delivered") == 1
    assert value(town.city.path, "kits_delivered") == 1
