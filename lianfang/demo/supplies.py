"""Supplies demo data, made through `supplies.services` and the ledger before care's demo delivers its kits
(so that the kits are issued from real stock), at every scale (a few dozen service calls):

- the catalogue: masks (scarce: 20 per household a week), rice, oil, vegetables, disinfectant,
  thermometers, protective suits, boxed meals;
- stores: the city's emergency warehouse (the commander's), the district's warehouse (district), the
  stores of the demo communities (staff, staff2) and the checkpoint at the guard's gate;
- the article's donations: 50,000 masks from a pharmaceutical company (named, with its agreement;
  received into a lot with its expiry and acknowledged with a receipt), protective suits from a person
  who stays anonymous in public, 300 boxed meals from a restaurant to the checkpoint (120 eaten by the
  checkpoint's staff), vegetables pledged to the community store and not yet arrived;
- the community store asked the city for the kit's items, received them; the checkpoint asked the store
  for masks, which are on their way (in transit); the city sent the second community 2,000 masks unasked
  (in transit, for staff2 to receive); the first household of the community was given 10 masks from its
  page (10 left of its 20 this week);
- the nine-item kit's components (masks ×10, rice, oil, vegetables, disinfectant, a thermometer): care's
  demo then delivers two kits from the store, which takes the thermometers below their minimum of 20
  (one low-stock alert in the inbox).
"""

from __future__ import annotations

import datetime

from django.db import connection
from django.utils import timezone

from lianfang.accounts.models import User
from lianfang.care.services import default_kit
from lianfang.places.models import Area, AreaLevel, Household
from lianfang.supplies.households import issue_to_household
from lianfang.supplies.ledger import Line, post_movements
from lianfang.supplies.models import (
    Balance,
    Donation,
    DonationLine,
    DonorKind,
    IssueTo,
    Item,
    ItemCategory,
    KitComponent,
    Location,
    LocationKind,
    Lot,
    Movement,
    MovementKind,
    Request,
    RequestLine,
    StockTake,
    StockTakeLine,
    Threshold,
)
from lianfang.supplies.services import (
    DonatedLine,
    acknowledge_donation,
    allocate_supplies,
    commit_request,
    pledge_donation,
    receive_donation,
    receive_request,
    request_supplies,
    send_request,
)

ITEMS = [
    # name, unit, category, limit per household a week
    ("口罩", "只", ItemCategory.PROTECTIVE, 20),
    ("大米", "袋", ItemCategory.FOOD, None),
    ("食用油", "桶", ItemCategory.FOOD, None),
    ("蔬菜", "份", ItemCategory.FOOD, None),
    ("消毒液", "瓶", ItemCategory.DISINFECTION, None),
    ("体温计", "支", ItemCategory.MEDICAL, None),
    ("防护服", "套", ItemCategory.PROTECTIVE, None),
    ("盒饭", "份", ItemCategory.FOOD, None),
]
KIT = {"口罩": 10, "大米": 1, "食用油": 1, "蔬菜": 1, "消毒液": 1, "体温计": 1}
ASKED_FOR_KITS = {"口罩": 2000, "大米": 60, "食用油": 60, "蔬菜": 60, "消毒液": 80, "体温计": 21}
MODELS = [
    StockTakeLine, StockTake, Movement, Balance, Threshold, KitComponent, RequestLine, Request, DonationLine,
    Donation, Lot, Location, Item,
]  # fmt: skip


def reset_supplies() -> None:
    """Empty every supplies table: one TRUNCATE (the ledger refuses DELETE, by design)."""
    tables = ", ".join(m._meta.db_table for m in MODELS)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


def _store(name: str, kind: str, area: Area, gate_id: int | None = None, path: str | None = None) -> Location:
    return Location.objects.create(name=name, kind=kind, area=area, gate_id=gate_id, path=path or area.path)


def seed_supplies(
    *, today: datetime.date | None = None, now: datetime.datetime | None = None
) -> dict[str, int]:
    """Create the supplies demo data; counts by kind. Needs the demo accounts (nothing without them)."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["commander", "district", "staff", "staff2", "guard"]
        ).select_related("area", "gate")
    }
    commander, staff = users.get("commander"), users.get("staff")
    if commander is None or staff is None or commander.area is None or staff.area is None:
        return {}
    start = timezone.localtime(now).replace(hour=0, minute=2, second=0, microsecond=0)

    def at(minutes: int) -> datetime.datetime:
        return min(start + datetime.timedelta(minutes=minutes), now)

    items = {
        name: Item.objects.create(name=name, unit=unit, category=cat, household_limit=limit, limit_days=7)
        for name, unit, cat, limit in ITEMS
    }
    city_store = _store("市应急物资储备库", LocationKind.CITY_WAREHOUSE, commander.area)
    district = users.get("district")
    if district is not None and district.area is not None:
        _store(f"{district.area.name}物资仓库", LocationKind.DISTRICT_WAREHOUSE, district.area)
    community = staff.area
    store = _store(f"{community.name}物资站", LocationKind.COMMUNITY_STORE, community)
    other = users.get("staff2")
    other_store = None
    if other is not None and other.area is not None:
        other_store = _store(f"{other.area.name}物资站", LocationKind.COMMUNITY_STORE, other.area)
    guard = users.get("guard")
    checkpoint = None
    if guard is not None and guard.gate is not None:
        checkpoint = _store(
            f"{guard.gate}卡点",
            LocationKind.CHECKPOINT,
            community,
            gate_id=guard.gate_id,
            path=guard.gate.path,
        )

    masks = pledge_donation(
        user=commander, location=city_store, donor_kind=DonorKind.COMPANY, donor_name="安徽某医药有限公司",
        donor_contact="0554-0000000", name_public=True, lines=[DonatedLine(items["口罩"], 50000)], now=at(0),
    )  # fmt: skip
    receive_donation(
        user=commander, donation=masks, now=at(1),
        lines=[DonatedLine(items["口罩"], 50000, "KZ-2026-01", today + datetime.timedelta(days=730))],
    )  # fmt: skip
    acknowledge_donation(user=commander, donation=masks, now=at(2))
    suits = pledge_donation(
        user=commander, location=city_store, donor_kind=DonorKind.PERSON, donor_name="王先生",
        lines=[DonatedLine(items["防护服"], 200)], now=at(3),
    )  # fmt: skip
    receive_donation(user=commander, donation=suits, now=at(4))
    post_movements(
        user=commander,
        now=at(5),
        lines=[
            Line(
                kind=MovementKind.RECEIVE,
                location=city_store,
                item=items[name],
                quantity=n,
                reason="市级调拨",
            )
            for name, n in (("大米", 500), ("食用油", 300), ("蔬菜", 400), ("消毒液", 600), ("体温计", 200))
        ],
    )
    asked = request_supplies(
        user=staff, requester=store, supplier=city_store, note="居家隔离户九个一物资",
        lines=[(items[name], n) for name, n in ASKED_FOR_KITS.items()],
    )  # fmt: skip
    commit_request(user=commander, request=asked)
    send_request(user=commander, request=asked, now=at(6))
    receive_request(user=staff, request=asked, now=at(7))
    Threshold.objects.create(location=store, item=items["体温计"], minimum=20)
    Threshold.objects.create(location=store, item=items["口罩"], minimum=300, days_of_cover=3)
    kit = default_kit(Area.objects.filter(level=AreaLevel.CITY).order_by("path").first() or commander.area)
    KitComponent.objects.bulk_create(
        KitComponent(template=kit, item=items[name], quantity=n) for name, n in KIT.items()
    )
    pledge_donation(
        user=staff, location=store, donor_kind=DonorKind.COMPANY, donor_name="淮南市某蔬菜合作社",
        name_public=True, lines=[DonatedLine(items["蔬菜"], 200)], note="明早送达", now=at(8),
    )  # fmt: skip
    if checkpoint is not None:
        meals = pledge_donation(
            user=staff, location=checkpoint, donor_kind=DonorKind.COMPANY, donor_name="老淮南牛肉汤馆",
            name_public=True, lines=[DonatedLine(items["盒饭"], 300)], now=at(9),
        )  # fmt: skip
        receive_donation(
            user=staff, donation=meals, now=at(10),
            lines=[DonatedLine(items["盒饭"], 300, "", today + datetime.timedelta(days=1))],
        )  # fmt: skip
        acknowledge_donation(user=staff, donation=meals, now=at(11))
        post_movements(
            user=staff,
            now=at(12),
            lines=[
                Line(
                    kind=MovementKind.ISSUE,
                    location=checkpoint,
                    item=items["盒饭"],
                    quantity=120,
                    issued_to=IssueTo.CHECKPOINT,
                    reason="卡点执勤人员午餐",
                )
            ],
        )
        for_gate = request_supplies(
            user=guard, requester=checkpoint, supplier=store, lines=[(items["口罩"], 500)], note="卡点执勤用"
        )
        commit_request(user=staff, request=for_gate)
        send_request(user=staff, request=for_gate, now=at(13))
    if other_store is not None:  # the city sends the second community masks unasked: in transit, to receive
        allocate_supplies(
            user=commander, supplier=city_store, receiver=other_store, lines=[(items["口罩"], 2000)],
            note="市指挥部下拨", now=at(14),
        )  # fmt: skip
    household = Household.objects.filter(path=community.path).order_by("pk").first()
    if household is not None:  # a household's own page shows its masks: 10 given, 10 left this week
        issue_to_household(
            user=staff, household=household, location=store, item=items["口罩"], quantity=10,
            note="上门发放", now=at(15),
        )  # fmt: skip
    return {
        "supplies_movements": Movement.objects.count(),
        "supplies_donations": Donation.objects.count(),
        "supplies_stores": Location.objects.count(),
    }
