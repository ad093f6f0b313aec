"""Kits (九个一): the default template of nine items, deliveries, households still waiting."""

from __future__ import annotations

import pytest

from lianfang.care.models import DEFAULT_KIT_ITEMS, KitDelivery, KitTemplate
from lianfang.care.services import default_kit, deliver_kit, households_waiting_for_kit, kits_for_path
from lianfang.care.tests.conftest import quarantine_home
from lianfang.core.errors import DomainError


def test_the_default_kit_is_the_articles_nine_items_created_once(world):
    kit = default_kit(world.city)
    assert kit.item_list() == DEFAULT_KIT_ITEMS and len(kit.item_list()) == 9
    assert default_kit(world.city) == kit
    assert list(kits_for_path(world.household_a1.path)) == [kit]
    assert list(kits_for_path("999999.")) == []


def test_held_households_wait_until_their_kit_is_delivered(world, held_a1, today, at, kit_stock):
    kit = kit_stock
    assert list(households_waiting_for_kit(world.grid_a1_worker, today)) == [held_a1.household]
    assert list(households_waiting_for_kit(world.staff_b, today)) == []
    delivery = deliver_kit(
        user=world.grid_a1_worker,
        household=held_a1.household,
        template=kit,
        items=["口罩", "大米"],
        now=at(10),
    )
    assert (delivery.items, delivery.by, delivery.path) == (
        "口罩\n大米",
        world.grid_a1_worker,
        held_a1.household.path,
    )
    assert list(households_waiting_for_kit(world.grid_a1_worker, today)) == []


def test_a_delivery_holds_all_items_by_default(world, held_a1, at, kit_stock):
    delivery = deliver_kit(user=world.staff_a, household=held_a1.household, template=kit_stock, now=at(9))
    assert delivery.items.splitlines() == DEFAULT_KIT_ITEMS


def test_bad_kit_deliveries_are_refused_nothing_changed(world, held_a1, today, at):
    kit = default_kit(world.city)
    elsewhere = KitTemplate.objects.create(area=world.community_b, name="B", items="口罩")
    inactive = KitTemplate.objects.create(area=world.community_a, name="old", items="口罩", is_active=False)
    cases = [
        (world.staff_a, held_a1.household, kit, [" ", ""], "kit_items_empty"),
        (world.staff_a, held_a1.household, elsewhere, None, "kit_unknown"),
        (world.staff_a, held_a1.household, inactive, None, "kit_unknown"),
        (world.staff_a, world.household_a2, kit, None, "not_in_quarantine"),
        (world.staff_b, held_a1.household, kit, None, "not_found"),
        (world.guard_a, held_a1.household, kit, None, "forbidden"),
    ]
    for user, household, template, items, code in cases:
        with pytest.raises(DomainError) as err:
            deliver_kit(user=user, household=household, template=template, items=items, now=at(9))
        assert err.value.code == code
    assert not KitDelivery.objects.exists()


def test_a_kit_of_an_earlier_quarantine_does_not_count(world, held_a1, today, at, kit_stock):
    from lianfang.epi.services import release_quarantine

    deliver_kit(user=world.staff_a, household=held_a1.household, template=kit_stock, now=at(9, days=-3))
    assert list(households_waiting_for_kit(world.staff_a, today)) == [held_a1.household]
    release_quarantine(user=world.health_a, quarantine=held_a1.quarantine, today=today, override_reason="ok")
    assert list(households_waiting_for_kit(world.staff_a, today)) == []
    quarantine_home(world, world.zhang_san, today)
    assert list(households_waiting_for_kit(world.staff_a, today)) == [held_a1.household]
