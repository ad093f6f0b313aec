"""Low stock raises ONE alert per crossing below the level (not one per movement), and is armed again once
the stock is back at the level; days of cover follow the last 7 days' issues."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from lianfang.core.models import Alert, AlertKind
from lianfang.supplies.ledger import post_movement
from lianfang.supplies.models import MovementKind, Threshold

pytestmark = pytest.mark.django_db


def issue(world, stock, n, **kw):
    return post_movement(
        user=world.staff_a, kind=MovementKind.ISSUE, location=stock.store_a, item=stock.rice, quantity=n, **kw
    )


def low_alerts():
    return list(Alert.objects.filter(kind=AlertKind.LOW_STOCK).order_by("pk"))


def test_crossing_below_the_minimum_raises_one_alert_however_many_issues_follow(world, stock, receive):
    Threshold.objects.create(location=stock.store_a, item=stock.rice, minimum=10)
    receive(stock.store_a, stock.rice, 20)
    issue(world, stock, 10)  # 10 left: at the minimum, not below
    assert low_alerts() == []
    issue(world, stock, 1)
    issue(world, stock, 1)
    issue(world, stock, 1)
    [alert] = low_alerts()
    assert alert.path == stock.store_a.path
    assert "大米" in alert.title and "A社区物资站" in alert.title
    assert "9 袋" in alert.detail


def test_stock_back_at_the_minimum_arms_the_alert_again(world, stock, receive):
    Threshold.objects.create(location=stock.store_a, item=stock.rice, minimum=10)
    receive(stock.store_a, stock.rice, 11)
    now = timezone.now()
    issue(world, stock, 2, now=now)
    receive(stock.store_a, stock.rice, 5, now=now + datetime.timedelta(minutes=1))  # 14: back above
    assert Threshold.objects.get().low_since is None
    issue(world, stock, 5, now=now + datetime.timedelta(minutes=2))  # 9: a second crossing
    assert len(low_alerts()) == 2


def test_days_of_cover_raise_the_level_with_the_weeks_use(world, stock, receive):
    Threshold.objects.create(location=stock.store_a, item=stock.rice, minimum=1, days_of_cover=3)
    receive(stock.store_a, stock.rice, 100)
    issue(world, stock, 70)  # 70 a week = 10 a day: 3 days of cover need 30; 30 left
    assert low_alerts() == []
    issue(world, stock, 1)  # 71 a week: level ceil(3 × 71 / 7) = 31; 29 left
    [alert] = low_alerts()
    assert "31 袋" in alert.detail


def test_a_store_without_a_minimum_raises_nothing(world, stock, receive):
    receive(stock.store_a, stock.rice, 2)
    issue(world, stock, 2)
    assert low_alerts() == []
