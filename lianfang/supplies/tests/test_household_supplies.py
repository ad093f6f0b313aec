"""Supplies given to one household (`supplies:household`, `households.issue_to_household`): what it had
lately, what is left of each scarce item's allowance, and a store keeper giving it items from a store of
its community — within the limit, from stock, in scope; refusals change nothing."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from lianfang.core.errors import DomainError
from lianfang.supplies.households import allowances, issue_to_household, stores_for
from lianfang.supplies.ledger import audit_ledger, reverse_movement
from lianfang.supplies.models import Balance, IssueTo, Movement

pytestmark = pytest.mark.django_db


def held(store, item):
    return sum(Balance.objects.filter(location=store, item=item).values_list("quantity", flat=True))


def said(response):
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def test_a_store_keeper_gives_masks_and_the_allowance_goes_down(world, stock, receive, login):
    receive(stock.store_a, stock.masks, 100)
    client = login(world.staff_a)
    url = reverse("supplies:household-issue", args=[world.household_a1.pk])
    client.post(url, {"location": stock.store_a.pk, "item": stock.masks.pk, "quantity": "15", "note": "上门"})
    given = Movement.objects.get(household=world.household_a1)
    assert (given.quantity, given.issued_to, given.reason) == (15, IssueTo.HOUSEHOLD, "上门")
    assert held(stock.store_a, stock.masks) == 85
    page = client.get(reverse("supplies:household", args=[world.household_a1.pk])).content.decode()
    assert 'data-item="口罩" data-given="15" data-left="5"' in page
    assert "上门" in page  # the recent movements
    # 6 more would pass the 20 a week: refused whole, with the limit named
    response = client.post(url, {"location": stock.store_a.pk, "item": stock.masks.pk, "quantity": "6"})
    assert "20" in said(response)
    assert held(stock.store_a, stock.masks) == 85 and audit_ledger() == []


def give(world, stock, n, at):
    return issue_to_household(
        user=world.staff_a, household=world.household_a1, location=stock.store_a, item=stock.masks,
        quantity=n, now=at,
    )  # fmt: skip


def test_a_reversal_gives_the_allowance_back(world, stock, receive):
    receive(stock.store_a, stock.masks, 100)
    now = datetime.datetime(2026, 11, 20, 9, tzinfo=datetime.UTC)
    [given] = give(world, stock, 20, now)
    assert [a.left for a in allowances(world.household_a1, now)] == [0]
    reverse_movement(
        user=world.staff_a, movement=given, reason="发错户", now=now + datetime.timedelta(hours=1)
    )
    assert [a.left for a in allowances(world.household_a1, now + datetime.timedelta(hours=1))] == [20]
    give(world, stock, 20, now + datetime.timedelta(hours=2))
    assert [a.left for a in allowances(world.household_a1, now + datetime.timedelta(days=7, hours=3))] == [20]


def test_reversing_last_weeks_issue_does_not_raise_this_weeks_limit(world, stock, receive):
    """The bug this caught: reversals were counted by their own date, so reversing an issue of last week
    gave this week 20 masks more (40 to one household)."""
    receive(stock.store_a, stock.masks, 100)
    last_week = datetime.datetime(2026, 11, 20, 9, tzinfo=datetime.UTC)
    [old] = give(world, stock, 20, last_week)
    now = last_week + datetime.timedelta(days=8)
    reverse_movement(user=world.staff_a, movement=old, reason="登记错误", now=now)
    give(world, stock, 20, now + datetime.timedelta(minutes=1))
    with pytest.raises(DomainError) as err:
        give(world, stock, 1, now + datetime.timedelta(minutes=2))
    assert err.value.code == "household_limit"
    assert [a.left for a in allowances(world.household_a1, now + datetime.timedelta(minutes=3))] == [0]


@pytest.mark.parametrize(
    ("who", "store", "code"),
    [
        ("staff_b", "store_b", "not_found"),  # another community's household
        ("staff_a", "store_b", "not_found"),  # a store outside the household's community
        ("staff_a", "city", "not_found"),  # the city's warehouse gives to households through the community
        ("grid_a1_worker", "store_a", "forbidden"),  # keeps no store
        ("health_a", "store_a", "forbidden"),
    ],
)
def test_who_may_give_and_from_where(world, stock, receive, who, store, code):
    receive(stock.store_a, stock.masks, 100)
    with pytest.raises(DomainError) as err:
        issue_to_household(
            user=getattr(world, who), household=world.household_a1, location=getattr(stock, store),
            item=stock.masks, quantity=1,
        )  # fmt: skip
    assert err.value.code == code
    assert not Movement.objects.filter(household__isnull=False).exists()


def test_the_checkpoint_of_the_community_is_a_store_it_gives_from(world, stock, receive):
    assert [s.pk for s in stores_for(world.staff_a, world.household_a1)] == [
        stock.store_a.pk,
        stock.checkpoint_a.pk,
    ]
    receive(stock.checkpoint_a, stock.rice, 5)
    issue_to_household(
        user=world.staff_a,
        household=world.household_a1,
        location=stock.checkpoint_a,
        item=stock.rice,
        quantity=2,
    )
    assert held(stock.checkpoint_a, stock.rice) == 3


@pytest.mark.parametrize("quantity", ["0", "-3", "abc", "", "10000001"])
def test_a_bad_quantity_is_told_and_changes_nothing(world, stock, receive, login, quantity):
    receive(stock.store_a, stock.rice, 10)
    response = login(world.staff_a).post(
        reverse("supplies:household-issue", args=[world.household_a1.pk]),
        {"location": stock.store_a.pk, "item": stock.rice.pk, "quantity": quantity},
    )
    assert response.status_code == 302 and said(response)
    assert held(stock.store_a, stock.rice) == 10


def test_more_than_the_store_holds_is_refused_naming_the_item(world, stock, receive, login):
    receive(stock.store_a, stock.rice, 1)
    response = login(world.staff_a).post(
        reverse("supplies:household-issue", args=[world.household_a1.pk]),
        {"location": stock.store_a.pk, "item": stock.rice.pk, "quantity": "2"},
    )
    assert "大米" in said(response)
    assert held(stock.store_a, stock.rice) == 1


def test_the_page_is_read_in_scope_and_the_form_only_for_store_keepers(world, stock, receive, login):
    receive(stock.store_a, stock.rice, 1)
    url = reverse("supplies:household", args=[world.household_a1.pk])
    assert login(world.staff_b).get(url).status_code == 404
    grid = login(world.grid_a1_worker).get(url)
    assert grid.status_code == 200 and 'data-test="household-issue"' not in grid.content.decode()
    page = login(world.staff_a).get(url).content.decode()
    assert 'data-test="household-issue"' in page and "大米" in page
    detail = login(world.staff_a).get(reverse("places:household-detail", args=[world.household_a1.pk]))
    assert url in detail.content.decode()
