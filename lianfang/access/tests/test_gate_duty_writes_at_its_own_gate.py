"""Visitors and courier drop-offs are registered by gate duty at its own gate: the services check it
themselves (a script or a later page cannot skip the checkpoint's check), other gates answer 404 and
other roles 403."""

from __future__ import annotations

import pytest

from lianfang.access.models import Delivery, Visitor
from lianfang.access.services import log_delivery, mark_picked_up, register_visitor
from lianfang.core.errors import DomainError
from lianfang.places.models import Gate


@pytest.fixture
def west_gate(world):
    return Gate.objects.get(compound=world.compound_a, name="西门")


def visitor(guard, gate, host):
    return register_visitor(
        guard=guard, gate=gate, name="访客", phone="13900001111", purpose="送药", host=host, temperature="37"
    )


def test_the_guard_registers_a_visitor_and_a_delivery_at_the_own_gate(world):
    visitor(world.guard_a, world.gate_a, world.household_a1)
    delivery = log_delivery(guard=world.guard_a, gate=world.gate_a, household=world.household_a1)
    mark_picked_up(guard=world.guard_a, delivery=delivery)

    assert Visitor.objects.count() == 1
    assert Delivery.objects.get().picked_up_at is not None


def test_a_guard_cannot_register_at_another_gate(world, west_gate):
    for write in (
        lambda: visitor(world.guard_a, west_gate, world.household_a1),
        lambda: log_delivery(guard=world.guard_a, gate=west_gate, household=world.household_a1),
    ):
        with pytest.raises(DomainError) as err:
            write()
        assert (err.value.code, err.value.status) == ("not_found", 404)
    assert Visitor.objects.count() == Delivery.objects.count() == 0


def test_a_guard_cannot_hand_out_a_delivery_left_at_another_gate(world, west_gate):
    delivery = Delivery.objects.create(gate=west_gate, household=world.household_a1, path=west_gate.path)

    with pytest.raises(DomainError) as err:
        mark_picked_up(guard=world.guard_a, delivery=delivery)

    assert err.value.code == "not_found"
    delivery.refresh_from_db()
    assert delivery.picked_up_at is None


def test_other_roles_do_not_register_at_the_gate(world):
    for user in (world.staff_a, world.resident_a):
        with pytest.raises(DomainError) as err:
            log_delivery(guard=user, gate=world.gate_a, household=world.household_a1)
        assert (err.value.code, err.value.status) == ("forbidden", 403)
    assert Delivery.objects.count() == 0
