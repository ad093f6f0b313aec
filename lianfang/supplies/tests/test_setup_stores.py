"""Stores opened and closed by community staff and the command centre: one active community store per
community and one checkpoint store per gate, warehouses by the command centre at their level, nothing out of
scope (404) or for other roles (403); a store closes only when it holds nothing, the refusal naming what is
left. A new community's kits can then be issued from its store."""

from __future__ import annotations

import pytest

from lianfang.accounts.models import User
from lianfang.care.services import deliver_kit
from lianfang.core.errors import DomainError
from lianfang.core.models import AuditLog
from lianfang.core.roles import Role
from lianfang.supplies.ledger import post_movement
from lianfang.supplies.models import Balance, Location, LocationKind, MovementKind, Request, RequestStatus
from lianfang.supplies.setup import close_store, create_item, open_store

pytestmark = pytest.mark.django_db


def refused(fn, code, status=400, **kw):
    before = Location.objects.filter(is_active=True).count()
    with pytest.raises(DomainError) as err:
        fn(**kw)
    assert (err.value.code, err.value.status) == (code, status)
    assert Location.objects.filter(is_active=True).count() == before
    return err.value


def test_community_staff_open_their_communitys_store_and_it_is_audited(world):
    store = open_store(user=world.staff_a, kind="community", name=" A社区  物资站 ")
    assert (store.name, store.kind, store.area, store.path, store.gate) == (
        "A社区 物资站",
        LocationKind.COMMUNITY_STORE,
        world.community_a,
        world.community_a.path,
        None,
    )
    assert AuditLog.objects.filter(object_type="location", object_id=str(store.pk), action="create").exists()


def test_a_second_active_community_store_is_refused_but_one_after_closing_is_not(world):
    first = open_store(user=world.staff_a, kind="community", name="A社区物资站")
    err = refused(open_store, "store_exists", user=world.staff_a, kind="community", name="A社区二号站")
    assert "A社区" in str(err.message)
    close_store(user=world.staff_a, store=first)
    second = open_store(user=world.staff_a, kind="community", name="A社区二号站")
    assert second.is_active


def test_a_name_used_in_the_same_area_is_refused(world):
    first = open_store(user=world.staff_a, kind="community", name="A社区物资站")
    close_store(user=world.staff_a, store=first)
    refused(open_store, "store_name_taken", user=world.staff_a, kind="community", name="A社区物资站")


def test_a_checkpoint_store_at_a_gate_in_scope_one_per_gate(world):
    store = open_store(user=world.staff_a, kind="checkpoint", name="东门卡点", gate=world.gate_a.pk)
    assert (store.area, store.gate, store.path) == (world.community_a, world.gate_a, world.gate_a.path)
    refused(
        open_store, "store_exists", user=world.staff_a, kind="checkpoint", name="东门二号", gate=world.gate_a
    )
    refused(open_store, "gate_required", user=world.staff_a, kind="checkpoint", name="无门卡点")


def test_a_gate_or_a_community_out_of_scope_is_not_found(world):
    refused(
        open_store,
        "not_found",
        404,
        user=world.staff_b,
        kind="checkpoint",
        name="东门卡点",
        gate=world.gate_a,
    )
    refused(
        open_store,
        "not_found",
        404,
        user=world.staff_b,
        kind="community",
        name="A社区物资站",
        area=world.community_a,
    )
    refused(open_store, "not_found", 404, user=world.staff_a, kind="community", name="x", area=999_999)


def test_warehouses_are_opened_by_the_command_centre_at_their_level(world):
    district = open_store(user=world.commander, kind="district", name="田家庵区仓库", area=world.district)
    city = open_store(user=world.commander, kind="city", name="市应急物资仓库")  # the commander's own area
    assert (district.area, city.area, city.path) == (world.district, world.city, world.city.path)
    community = open_store(user=world.commander, kind="community", name="B社区物资站", area=world.community_b)
    assert community.area == world.community_b
    err = refused(open_store, "area_level", user=world.commander, kind="district", name="x", area=world.city)
    assert err.field == "area"
    refused(open_store, "area_level", user=world.commander, kind="community", name="x")  # the city itself
    refused(open_store, "forbidden", 403, user=world.staff_a, kind="district", name="x", area=world.district)
    refused(open_store, "forbidden", 403, user=world.staff_a, kind="city", name="x")


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"kind": "shop"}, "store_kind_invalid"),
        ({"name": ""}, "store_name_invalid"),
        ({"name": "店" * 81}, "store_name_invalid"),
    ],
)
def test_bad_input_opens_nothing(world, change, code):
    refused(open_store, code, user=world.staff_a, **{"kind": "community", "name": "A社区物资站", **change})


@pytest.mark.parametrize("who", ["grid_a1_worker", "guard_a", "health_a", "volunteer"])
def test_other_roles_may_not_open_or_close_stores(world, who):
    user = (
        User.objects.create_user(
            username="v", password="x-Passw0rd!", role=Role.VOLUNTEER, area=world.community_a
        )
        if who == "volunteer"
        else getattr(world, who)
    )
    refused(
        open_store, "forbidden", 403, user=user, kind="community", name="A社区物资站", area=world.community_a
    )
    store = open_store(user=world.staff_a, kind="checkpoint", name="东门卡点", gate=world.gate_a)
    refused(close_store, "forbidden", 403, user=user, store=store)


def test_a_store_holding_stock_is_not_closed_and_the_refusal_names_what_is_left(world):
    store = open_store(user=world.staff_a, kind="community", name="A社区物资站")
    rice = create_item(user=world.staff_a, name="大米", unit="袋", category="food")
    masks = create_item(user=world.staff_a, name="口罩", unit="只", category="protective")
    for item, n in ((rice, 4), (masks, 30)):
        post_movement(user=world.staff_a, kind=MovementKind.RECEIVE, location=store, item=item, quantity=n)
    err = refused(close_store, "store_not_empty", user=world.staff_a, store=store)
    assert "大米 4 袋" in str(err.message) and "口罩 30 只" in str(err.message)
    for item, n in ((rice, 4), (masks, 30)):
        post_movement(user=world.staff_a, kind=MovementKind.ISSUE, location=store, item=item, quantity=n)
    closed = close_store(user=world.staff_a, store=store)
    assert not closed.is_active
    assert AuditLog.objects.filter(object_id=str(store.pk), action="change").exists()
    refused(close_store, "not_found", 404, user=world.staff_a, store=store)  # closed already


def test_a_store_with_stock_on_its_way_to_it_is_not_closed(world):
    store = open_store(user=world.staff_a, kind="community", name="A社区物资站")
    city = open_store(user=world.commander, kind="city", name="市仓库")
    Request.objects.create(requester=store, supplier=city, status=RequestStatus.SENT, path=store.path)
    refused(close_store, "store_awaits_stock", user=world.staff_a, store=store)


def test_a_store_out_of_scope_is_not_found(world):
    store = open_store(user=world.staff_a, kind="community", name="A社区物资站")
    refused(close_store, "not_found", 404, user=world.staff_b, store=store)
    refused(close_store, "not_found", 404, user=world.staff_b, store="x")
    assert close_store(user=world.commander, store=store.pk).is_active is False


def test_a_community_without_a_store_opens_one_and_its_kits_are_issued_from_it(world, held_a1, kit_stock):
    Location.objects.filter(path=world.community_a.path).update(is_active=False)  # no store: kits refused
    with pytest.raises(DomainError) as err:
        deliver_kit(user=world.staff_a, household=held_a1.household, template=kit_stock)
    assert err.value.code == "no_store"
    store = open_store(user=world.staff_a, kind="community", name="A社区新物资站")
    for component in kit_stock.components.all():
        post_movement(
            user=world.staff_a,
            kind=MovementKind.RECEIVE,
            location=store,
            item=component.item,
            quantity=component.quantity,
        )
    deliver_kit(user=world.staff_a, household=held_a1.household, template=kit_stock)
    assert not Balance.objects.filter(location=store, quantity__gt=0).exists()
