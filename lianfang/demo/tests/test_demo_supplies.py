"""The demo city's supplies (seed_demo, tiny scale): the store keeper's community store stocked through a
request to the city warehouse, the article's donations received and receipted, the two kits of care's demo
issued from the store, the thermometers below their minimum with one low-stock alert, every balance equal
to its ledger; seeding again (reset) empties the append-only ledger first."""

from __future__ import annotations

import pytest

from lianfang.accounts.models import User
from lianfang.core.models import Alert, AlertKind
from lianfang.demo.accounts import DEFAULT_PASSWORD
from lianfang.demo.seed import seed
from lianfang.supplies.ledger import audit_ledger
from lianfang.supplies.models import (
    Balance,
    Donation,
    DonationStatus,
    LocationKind,
    Movement,
    MovementKind,
    Request,
    RequestStatus,
)

pytestmark = pytest.mark.django_db


def test_the_demo_store_issued_two_kits_and_its_thermometers_are_below_their_minimum(at):
    seed(scale="tiny", password=DEFAULT_PASSWORD, now=at(15, 0))
    staff = User.objects.get(username="staff")
    store = Balance.objects.visible_to(staff).filter(location__kind=LocationKind.COMMUNITY_STORE)
    assert store.get(item__name="体温计").quantity == 19
    assert (
        Movement.objects.filter(kind=MovementKind.ISSUE, reference__startswith="kit:")
        .values("reference")
        .distinct()
        .count()
        == 2
    )
    [alert] = Alert.objects.visible_to(staff).filter(kind=AlertKind.LOW_STOCK)
    assert "体温计" in alert.title
    receipted = Donation.objects.filter(status=DonationStatus.ACKNOWLEDGED)
    assert {d.donor_name for d in receipted} == {"安徽某医药有限公司", "老淮南牛肉汤馆"}
    assert Donation.objects.filter(status=DonationStatus.PLEDGED).count() == 1
    assert audit_ledger() == []


def test_the_city_sent_the_second_community_masks_and_a_household_was_given_ten(at):
    seed(scale="tiny", password=DEFAULT_PASSWORD, now=at(15, 0))
    staff2 = User.objects.get(username="staff2")
    [sent] = Request.objects.filter(requester__path=staff2.area.path, status=RequestStatus.SENT)
    assert [(x.item.name, x.sent) for x in sent.lines.all()] == [("口罩", 2000)]
    given = Movement.objects.filter(kind=MovementKind.ISSUE, issued_to="household", reference="")
    [masks] = given.filter(item__name="口罩", reason="上门发放")
    assert masks.quantity == 10


def test_seeding_again_resets_the_ledger(at):
    seed(scale="tiny", password=DEFAULT_PASSWORD, now=at(15, 0))
    first = Movement.objects.count()
    seed(scale="tiny", password=DEFAULT_PASSWORD, now=at(15, 0), reset=True)
    assert Movement.objects.count() == first
