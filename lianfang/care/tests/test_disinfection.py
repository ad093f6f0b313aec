"""Disinfection: a daily log per building; buildings of a held household or a sealed area to do today,
red while not done."""

from __future__ import annotations

import datetime

import pytest

from lianfang.care.models import Disinfection
from lianfang.care.services import buildings_to_disinfect, record_disinfection
from lianfang.care.tests.conftest import quarantine_home
from lianfang.core.errors import DomainError


def listed(user, today) -> list[tuple[str, str, bool]]:
    return [
        (b.building.compound.name, b.building.number, b.done) for b in buildings_to_disinfect(user, today)
    ]


def test_a_building_with_a_held_household_is_red_until_disinfected_today(world, held_a1, today):
    building = held_a1.household.unit.building
    assert listed(world.grid_a1_worker, today) == [("阳光小区", "3", False)]
    assert buildings_to_disinfect(world.grid_a1_worker, today)[0].red
    row = record_disinfection(
        user=world.grid_a1_worker, building=building, areas="楼道 电梯  门口", today=today
    )
    assert (row.date, row.areas, row.by, row.path) == (
        today,
        "楼道 电梯 门口",
        world.grid_a1_worker,
        building.path,
    )
    assert listed(world.grid_a1_worker, today) == [("阳光小区", "3", True)]
    assert listed(world.grid_a1_worker, today + datetime.timedelta(days=1)) == [("阳光小区", "3", False)]


def test_every_building_of_a_sealed_compound_is_listed(world, today):
    from lianfang.epi.services import apply_lockdown

    apply_lockdown(user=world.health_a, scope="compound", target_id=world.compound_a.pk, start=today, days=14)
    assert listed(world.staff_a, today) == [("阳光小区", "3", False), ("阳光小区", "5", False)]
    assert listed(world.staff_b, today) == []
    assert listed(world.grid_a1_worker, today) == [("阳光小区", "3", False)]


def test_nothing_to_disinfect_without_quarantine_or_lockdown(world, today):
    assert listed(world.staff_a, today) == []


def test_disinfecting_twice_the_same_day_is_refused_nothing_changed(world, held_a1, today):
    building = held_a1.household.unit.building
    record_disinfection(user=world.grid_a1_worker, building=building, today=today)
    with pytest.raises(DomainError) as err:
        record_disinfection(user=world.staff_a, building=building, areas="again", today=today)
    assert err.value.code == "disinfection_already_recorded"
    assert Disinfection.objects.get().areas == ""


def test_disinfection_out_of_scope_by_a_wrong_role_or_in_the_future_is_refused(world, held_a1, today):
    building = held_a1.household.unit.building
    for user, date, code in [
        (world.staff_b, None, "not_found"),
        (world.guard_a, None, "forbidden"),
        (world.grid_a1_worker, today + datetime.timedelta(days=1), "date_in_future"),
    ]:
        with pytest.raises(DomainError) as err:
            record_disinfection(user=user, building=building, date=date, today=today)
        assert err.value.code == code
    quarantine_home(world, world.wang_wu, today, by=world.staff_b)
    with pytest.raises(DomainError):
        record_disinfection(user=world.grid_a1_worker, building=world.household_b.unit.building, today=today)
    assert not Disinfection.objects.exists()
