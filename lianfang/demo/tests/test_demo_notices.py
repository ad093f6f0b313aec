"""The demo city's notices (seed_demo, tiny scale): the article's three texts published, a third of the
community's households acknowledged, the rest reminded by the grid worker; the demo resident sees the
closed-management notice with its button, the grid worker sees who has not acknowledged."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from lianfang.accounts.models import User
from lianfang.demo.accounts import DEFAULT_PASSWORD
from lianfang.demo.notices import CITIZENS_TITLE, CLOSED_TITLE, PARTY_TITLE
from lianfang.demo.seed import seed
from lianfang.notices.models import Notice, NoticeStatus, Recipient, Reminder

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(at):
    result = seed(scale="tiny", password=DEFAULT_PASSWORD, now=at(15, 0))
    return result, {u.username: u for u in User.objects.all()}


def test_the_three_texts_are_published_with_acknowledgements_and_a_reminder(seeded):
    result, users = seeded
    notices = {n.title: n for n in Notice.objects.all()}
    assert set(notices) == {CITIZENS_TITLE, PARTY_TITLE, CLOSED_TITLE}
    assert all(n.status == NoticeStatus.PUBLISHED for n in notices.values())
    closed = notices[CLOSED_TITLE]
    rows = Recipient.objects.filter(notice=closed)
    assert 0 < rows.filter(acknowledged_at__isnull=False).count() < rows.count()
    assert Reminder.objects.filter(notice=closed, grid=users["grid"].grid).count() == 1
    assert result.counts["notice_reminded"] > 0
    assert Recipient.objects.filter(notice=notices[PARTY_TITLE], user=users["volunteer"]).exists()


def test_the_resident_acknowledges_and_the_grid_worker_sees_who_has_not(seeded):
    _result, users = seeded
    resident = Client()
    resident.login(username="resident", password=DEFAULT_PASSWORD)
    page = resident.get(reverse("access:my-household")).content.decode()
    assert CLOSED_TITLE in page and 'data-test="acknowledge"' in page
    closed = Notice.objects.get(title=CLOSED_TITLE)
    row = Recipient.objects.get(notice=closed, household_id=users["resident"].household_id)
    resident.post(reverse("access:my-household"), {"action": "ack", "recipient": row.pk})
    row.refresh_from_db()
    assert row.acknowledged_at is not None
    grid = Client()
    grid.login(username="grid", password=DEFAULT_PASSWORD)
    board = grid.get(reverse("notices:board", args=[closed.pk, users["grid"].grid_id]))
    assert board.status_code == 200 and board.context["not_acknowledged"] > 0
