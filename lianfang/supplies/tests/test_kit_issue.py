"""A kit delivered to a quarantined household issues each of its components from the community's store in
the same transaction, all or nothing; a shortage refuses the delivery naming every item that is short."""

from __future__ import annotations

import pytest

from lianfang.care.models import KitDelivery, KitTemplate
from lianfang.care.services import deliver_kit
from lianfang.core.errors import DomainError
from lianfang.supplies.kits import set_kit_component
from lianfang.supplies.ledger import audit_ledger, post_movement
from lianfang.supplies.models import Balance, Item, Location, Movement, MovementKind

pytestmark = pytest.mark.django_db


def store_a(world):
    return Location.objects.get(path=world.community_a.path)


def on_hand(world, name: str) -> int:
    return Balance.objects.get(location=store_a(world), item__name=name).quantity


def test_a_delivered_kit_takes_its_components_from_the_community_store(world, held_a1, kit_stock):
    delivery = deliver_kit(user=world.grid_a1_worker, household=held_a1.household, template=kit_stock)
    assert (on_hand(world, "口罩"), on_hand(world, "大米"), on_hand(world, "消毒液")) == (90, 99, 99)
    issued = Movement.objects.filter(reference=f"kit:{delivery.pk}")
    assert sorted(issued.values_list("item__name", "quantity", "household_id", "by")) == [
        ("口罩", 10, held_a1.household.pk, world.grid_a1_worker.pk),
        ("大米", 1, held_a1.household.pk, world.grid_a1_worker.pk),
        ("消毒液", 1, held_a1.household.pk, world.grid_a1_worker.pk),
    ]
    assert audit_ledger() == []


def test_only_the_ticked_components_are_issued_and_paper_items_issue_nothing(world, held_a1, kit_stock):
    deliver_kit(user=world.staff_a, household=held_a1.household, template=kit_stock, items=["大米", "联系卡"])
    assert (on_hand(world, "口罩"), on_hand(world, "大米")) == (100, 99)


def test_a_short_store_refuses_the_whole_kit_naming_what_is_missing(world, held_a1, kit_stock):
    for name, n in (("大米", 100), ("消毒液", 100)):
        post_movement(
            user=world.staff_a,
            kind=MovementKind.WRITE_OFF,
            location=store_a(world),
            item=Item.objects.get(name=name),
            quantity=n,
        )
    with pytest.raises(DomainError) as err:
        deliver_kit(user=world.staff_a, household=held_a1.household, template=kit_stock)
    assert err.value.code == "insufficient_stock"
    assert "大米" in str(err.value.message) and "消毒液" in str(err.value.message)
    assert "口罩" not in str(err.value.message)
    assert not KitDelivery.objects.exists()
    assert on_hand(world, "口罩") == 100


def test_a_kit_with_no_components_is_refused_with_what_to_do(world, held_a1):
    kit = KitTemplate.objects.create(area=world.community_a, name="临时包", items="口罩")
    with pytest.raises(DomainError) as err:
        deliver_kit(user=world.staff_a, household=held_a1.household, template=kit)
    assert err.value.code == "kit_not_stocked"
    assert "临时包" in str(err.value.message)
    assert not KitDelivery.objects.exists()


def test_a_community_without_a_store_is_told_so(world, held_a1, kit_stock):
    Location.objects.filter(path=world.community_a.path).update(is_active=False)
    with pytest.raises(DomainError) as err:
        deliver_kit(user=world.staff_a, household=held_a1.household, template=kit_stock)
    assert err.value.code == "no_store"


def test_a_scarce_item_over_the_households_limit_refuses_the_kit(world, held_a1, kit_stock):
    Item.objects.filter(name="口罩").update(household_limit=15, limit_days=7)
    deliver_kit(user=world.staff_a, household=held_a1.household, template=kit_stock)
    with pytest.raises(DomainError) as err:
        deliver_kit(user=world.staff_a, household=held_a1.household, template=kit_stock)
    assert err.value.code == "household_limit"
    assert KitDelivery.objects.count() == 1


def test_kit_components_are_set_by_the_command_centre_and_removed_with_zero(world, kit_stock):
    rice = Item.objects.get(name="大米")
    assert set_kit_component(user=world.commander, template=kit_stock, item=rice, quantity="2").quantity == 2
    with pytest.raises(DomainError) as err:
        set_kit_component(user=world.staff_a, template=kit_stock, item=rice, quantity="3")
    assert err.value.code == "not_found"  # the city's kit is above community A
    with pytest.raises(DomainError) as err:
        set_kit_component(user=world.commander, template=kit_stock, item=rice, quantity="-1")
    assert err.value.code == "quantity_not_positive"
    assert set_kit_component(user=world.commander, template=kit_stock, item=rice, quantity="0") is None
    assert not kit_stock.components.filter(item=rice).exists()
