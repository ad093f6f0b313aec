"""What one kit takes from stock, set on the kits page (`care:kit-line`, `supplies.kits.set_kit_line`): each
line of the kit's list shows what one kit takes and what the community's store holds; the store keeper of
the kit's area sets it; a line outside the list, a name outside the catalogue, a bad number, another area's
kit and a role that keeps no store are refused and change nothing."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from lianfang.care.models import KitTemplate
from lianfang.core.errors import DomainError
from lianfang.supplies.kits import community_store, kit_bills, set_kit_line
from lianfang.supplies.models import Item, ItemCategory, KitComponent

pytestmark = pytest.mark.django_db


def per_kit(template, name):
    return dict(KitComponent.objects.filter(template=template).values_list("item__name", "quantity")).get(
        name
    )


def row(page, name):
    found = re.search(rf'<tr data-line="{name}" data-per-kit="(\d+)"', page)
    assert found, f"no row for {name}"
    return int(found.group(1))


def said(response):
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def test_the_page_shows_what_a_kit_takes_and_how_many_kits_the_store_holds(world, login, kit_stock):
    page = login(world.staff_a).get(reverse("care:kits")).content.decode()
    assert row(page, "口罩") == 10 and row(page, "大米") == 1 and row(page, "联系卡") == 0
    # 100 of each in A's store: 100 // 10 masks = 10 whole kits
    assert 'data-kits="10"' in page
    # the city's kit: community staff read it, they do not set it
    assert 'name="quantity"' not in page


def test_a_kit_that_takes_nothing_from_stock_says_it_cannot_be_delivered(world, login):
    KitTemplate.objects.create(area=world.community_a, name="社区包", items="口罩\n联系卡")
    page = login(world.staff_a).get(reverse("care:kits")).content.decode()
    assert "尚未设定库存物资" in page or "Nothing from stock yet" in page


def test_the_commander_sets_a_line_of_the_citys_kit_and_zero_takes_it_off_stock(world, login, kit_stock):
    client = login(world.commander)
    page = client.get(reverse("care:kits")).content.decode()
    assert 'name="quantity"' in page
    client.post(reverse("care:kit-line"), {"template": kit_stock.pk, "line": "口罩", "quantity": "5"})
    assert per_kit(kit_stock, "口罩") == 5
    client.post(reverse("care:kit-line"), {"template": kit_stock.pk, "line": "大米", "quantity": "0"})
    assert per_kit(kit_stock, "大米") is None
    assert row(client.get(reverse("care:kits")).content.decode(), "大米") == 0


def test_community_staff_set_their_own_communitys_kit(world, login, kit_stock):
    own = KitTemplate.objects.create(area=world.community_a, name="社区包", items="口罩\n联系卡")
    response = login(world.staff_a).post(
        reverse("care:kit-line"), {"template": own.pk, "line": " 口罩 ", "quantity": "2"}
    )
    assert response.status_code == 302
    assert per_kit(own, "口罩") == 2


@pytest.mark.parametrize(
    ("line", "quantity", "code"),
    [
        ("香皂", "1", "kit_line_unknown"),  # not a line of the kit
        ("食用油", "1", "item_not_in_catalogue"),  # a line, but no item of that name
    ],
)
def test_a_line_that_cannot_be_stocked_is_refused_with_a_message(world, kit_stock, line, quantity, code):
    with pytest.raises(DomainError) as err:
        set_kit_line(user=world.commander, template=kit_stock, line=line, quantity=quantity)
    assert err.value.code == code
    assert per_kit(kit_stock, "口罩") == 10


@pytest.mark.parametrize("quantity", ["-1", "abc", "10000001", "", "1.5"])
def test_a_bad_number_is_refused_and_changes_nothing(world, login, kit_stock, quantity):
    client = login(world.commander)
    response = client.post(
        reverse("care:kit-line"), {"template": kit_stock.pk, "line": "口罩", "quantity": quantity}
    )
    assert response.status_code == 302
    assert said(response)
    assert per_kit(kit_stock, "口罩") == 10


def test_a_name_outside_the_catalogue_is_told_on_the_page(world, login, kit_stock):
    response = login(world.commander).post(
        reverse("care:kit-line"), {"template": kit_stock.pk, "line": "食用油", "quantity": "1"}
    )
    assert "食用油" in said(response)
    assert not KitComponent.objects.filter(template=kit_stock, item__name="食用油").exists()


def test_another_areas_kit_is_a_404_and_a_grid_worker_is_refused(world, login, kit_stock):
    b_kit = KitTemplate.objects.create(area=world.community_b, name="B包", items="口罩")
    assert (
        login(world.staff_a).post(
            reverse("care:kit-line"), {"template": b_kit.pk, "line": "口罩", "quantity": "1"}
        )
    ).status_code == 404
    # the city's kit is above community staff: not theirs to set
    assert (
        login(world.staff_a).post(
            reverse("care:kit-line"), {"template": kit_stock.pk, "line": "口罩", "quantity": "1"}
        )
    ).status_code == 404
    assert (
        login(world.grid_a1_worker).post(
            reverse("care:kit-line"), {"template": kit_stock.pk, "line": "口罩", "quantity": "1"}
        )
    ).status_code == 403
    assert per_kit(kit_stock, "口罩") == 10 and not KitComponent.objects.filter(template=b_kit).exists()


def test_the_bills_take_three_queries_whatever_the_number_of_kits(
    world, kit_stock, django_assert_num_queries
):
    Item.objects.create(name="蔬菜", unit="份", category=ItemCategory.FOOD)
    kits = [kit_stock] + [
        KitTemplate.objects.create(area=world.community_a, name=f"包{n}", items="口罩\n蔬菜")
        for n in range(5)
    ]
    store = community_store(world.community_a.path)
    with django_assert_num_queries(3):
        bills = kit_bills(kits, store)
    assert [b.kits_in_store for b in bills] == [10, None, None, None, None, None]
    assert bills[1].lines[1].in_store == 0 and bills[1].lines[1].item.name == "蔬菜"
