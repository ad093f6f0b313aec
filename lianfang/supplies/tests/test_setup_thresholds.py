"""The minimum level of an item at a store, set by community staff and the command centre: it takes effect
at once (stock below the new level shows low on the store's page), and the one-alert-per-crossing rule stays
right — a level raised above the stock leaves the alert to the next posting (one alert), a level lowered below
the stock clears `low_since` (the alert is armed again), an item already low stays the same crossing. Bad
numbers, other roles (403) and stores out of scope (404) change nothing."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from lianfang.accounts.models import User
from lianfang.core.errors import DomainError
from lianfang.core.models import Alert, AlertKind, AuditLog
from lianfang.core.roles import Role
from lianfang.supplies.ledger import post_movement
from lianfang.supplies.models import MovementKind, Threshold
from lianfang.supplies.queries import stock_of
from lianfang.supplies.setup import set_threshold

pytestmark = pytest.mark.django_db


def issue(world, stock, n, **kw):
    return post_movement(
        user=world.staff_a, kind=MovementKind.ISSUE, location=stock.store_a, item=stock.rice, quantity=n, **kw
    )


def low_alerts():
    return list(Alert.objects.filter(kind=AlertKind.LOW_STOCK).order_by("pk"))


def shown(world, stock):
    """The store page's rows of store A: item name -> (quantity, low)."""
    [rows] = stock_of(world.staff_a, [stock.store_a])
    return {r.item.name: (r.quantity, r.low) for r in rows.rows}


def set_rice(world, stock, minimum, days=None, user=None):
    return set_threshold(
        user=user or world.staff_a, store=stock.store_a, item=stock.rice, minimum=minimum, days_of_cover=days
    )


def test_a_minimum_set_shows_the_item_low_at_once_even_if_it_was_never_received(world, stock, receive):
    receive(stock.store_a, stock.masks, 50)
    t = set_threshold(user=world.staff_a, store=stock.store_a, item=stock.rice, minimum="10")
    assert (t.minimum, t.days_of_cover, t.low_since) == (10, None, None)
    assert shown(world, stock) == {"大米": (0, True), "口罩": (50, False)}
    set_threshold(user=world.staff_a, store=stock.store_a, item=stock.masks, minimum=60)
    assert shown(world, stock)["口罩"] == (50, True)
    entry = AuditLog.objects.filter(object_type="location", object_id=str(stock.store_a.pk)).latest("pk")
    assert "口罩" in entry.summary and "60" in entry.summary


def test_a_level_raised_above_the_stock_raises_one_alert_at_the_next_posting(world, stock, receive):
    receive(stock.store_a, stock.rice, 50)
    set_rice(world, stock, 100)
    assert low_alerts() == [] and Threshold.objects.get().low_since is None
    assert shown(world, stock)["大米"] == (50, True)
    issue(world, stock, 1)
    [alert] = low_alerts()
    assert "49 袋" in alert.detail and "100 袋" in alert.detail
    issue(world, stock, 1)
    receive(stock.store_a, stock.rice, 1)
    assert len(low_alerts()) == 1


def test_a_level_raised_while_already_low_keeps_the_same_crossing(world, stock, receive):
    receive(stock.store_a, stock.rice, 20)
    set_rice(world, stock, 10)
    issue(world, stock, 15)  # 5 < 10: the crossing
    low_since = Threshold.objects.get().low_since
    assert low_since is not None and len(low_alerts()) == 1
    set_rice(world, stock, 50)
    assert Threshold.objects.get().low_since == low_since
    issue(world, stock, 1)
    assert len(low_alerts()) == 1


def test_a_level_lowered_below_the_stock_arms_the_alert_again(world, stock, receive):
    receive(stock.store_a, stock.rice, 50)
    set_rice(world, stock, 100)
    now = timezone.now()
    issue(world, stock, 1, now=now)  # 49 < 100: the first alert
    assert Threshold.objects.get().low_since is not None
    set_rice(world, stock, 10)
    assert Threshold.objects.get().low_since is None
    assert shown(world, stock)["大米"] == (49, False)
    issue(world, stock, 40, now=now + datetime.timedelta(minutes=1))  # 9 < 10: a second crossing
    assert len(low_alerts()) == 2


def test_days_of_cover_count_in_the_level_set(world, stock, receive):
    receive(stock.store_a, stock.rice, 100)
    issue(world, stock, 70)  # 10 a day
    t = set_rice(world, stock, 0, days=4)  # level 40; 30 left
    assert (t.minimum, t.days_of_cover, t.low_since) == (0, 4, None)
    assert shown(world, stock)["大米"] == (30, True)
    set_rice(world, stock, "", days=2)  # level 20: well stocked
    assert shown(world, stock)["大米"] == (30, False)


@pytest.mark.parametrize(("minimum", "days"), [(0, None), ("", ""), (None, 0), ("0", "0")])
def test_both_empty_or_zero_removes_the_minimum(world, stock, minimum, days):
    set_rice(world, stock, 10, days=3)
    assert set_rice(world, stock, minimum, days=days) is None
    assert not Threshold.objects.exists()
    assert set_rice(world, stock, minimum, days=days) is None  # nothing to remove: nothing happens


@pytest.mark.parametrize(
    ("minimum", "days", "code"),
    [
        (-1, None, "minimum_invalid"),
        (10_000_001, None, "minimum_invalid"),
        ("many", None, "minimum_invalid"),
        (2.5, None, "minimum_invalid"),
        (10, 91, "cover_days_invalid"),
        (10, -1, "cover_days_invalid"),
        (10, "a week", "cover_days_invalid"),
    ],
)
def test_bad_numbers_are_refused_and_change_nothing(world, stock, minimum, days, code):
    set_rice(world, stock, 5, days=2)
    with pytest.raises(DomainError) as err:
        set_rice(world, stock, minimum, days=days)
    assert err.value.code == code
    t = Threshold.objects.get()
    assert (t.minimum, t.days_of_cover) == (5, 2)


def test_the_bounds_themselves_are_accepted(world, stock):
    t = set_rice(world, stock, 10_000_000, days=90)
    assert (t.minimum, t.days_of_cover) == (10_000_000, 90)


def test_an_item_unknown_or_out_of_use_is_refused(world, stock):
    with pytest.raises(DomainError) as err:
        set_threshold(user=world.staff_a, store=stock.store_a, item=999_999, minimum=3)
    assert err.value.code == "item_unknown"
    stock.rice.is_active = False
    stock.rice.save()
    with pytest.raises(DomainError) as err:
        set_rice(world, stock, 3)
    assert err.value.code == "item_unknown"
    assert not Threshold.objects.exists()


@pytest.mark.parametrize("who", ["grid_a1_worker", "guard_a", "health_a", "volunteer"])
def test_other_roles_may_not_set_a_minimum(world, stock, who):
    user = (
        User.objects.create_user(
            username="v", password="x-Passw0rd!", role=Role.VOLUNTEER, area=world.community_a
        )
        if who == "volunteer"
        else getattr(world, who)
    )
    for store in (stock.store_a, stock.checkpoint_a):
        with pytest.raises(DomainError) as err:
            set_threshold(user=user, store=store, item=stock.rice, minimum=3)
        assert (err.value.code, err.value.status) == ("forbidden", 403)
    assert not Threshold.objects.exists()


def test_a_store_out_of_scope_is_not_found(world, stock):
    for user, store in ((world.staff_b, stock.store_a), (world.staff_a, stock.city), (world.staff_a, "x")):
        with pytest.raises(DomainError) as err:
            set_threshold(user=user, store=store, item=stock.rice, minimum=3)
        assert (err.value.code, err.value.status) == ("not_found", 404)
    assert not Threshold.objects.exists()
    assert set_threshold(user=world.commander, store=stock.store_a, item=stock.rice, minimum=3).minimum == 3
