"""Care demo data (issue 5), made through `care.services` and `epi.services` after the epidemic demo data,
so that every row is what the application itself would have written (teams, calls, health checks,
errands and their events, disinfection, kits, audit).

In the demo grid worker's grid (`grid`, 恒大新村西区 1栋1单元 — the only unit of 第一网格):

- three households go into home quarantine through `epi.services.start_quarantine`: a returnee family
  (day 4 of 14), a family of close contacts (day 2 of 14) and a single neighbour (day 1 of 14); with
  epi's returnee whose last day is today, four households are held. epi's `holds_changed` makes care
  propose their teams (the grid worker, the community secretary `staff`, the health worker `health`
  and the district commander `district` as leader);
- today's morning calls: the returnee family reached (temperatures of everyone, a need for vegetables
  that becomes an errand), the returnee reached, the neighbour not reached; the contact family not
  called at all — *due* until noon, *overdue* first on the grid worker's page in the afternoon;
  the afternoon calls are left to make;
- errands in every state: new (raised by the family on its own page), assigned to the demo volunteer
  (`volunteer`: start it, deliver it), on the way and overdue, delivered and waiting for the family's
  confirmation, confirmed with money advanced and repaid, cancelled with a reason;
- disinfection: the unit's building done yesterday and not yet today (red), the sealed building of the
  neighbouring community done today;
- the nine-item kit (九个一) delivered to the returnee family and the returnee, the two others waiting;
- the returnee family and the contact family get their secret link (`manage.py demo_logins` prints it);
- the team members and the volunteer get a work phone number, shown to the household on its page.

Times are taken relative to the seed's `now`: a step that cannot have happened yet (a call before its
window) is left out, so the demo is coherent whatever the hour it is seeded at. The same few dozen
service calls at every scale.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone

from lianfang.access.services import ensure_link_key
from lianfang.accounts.models import User
from lianfang.care.models import (
    CallWindow,
    CareCall,
    CarePolicy,
    CareTeam,
    Disinfection,
    Errand,
    ErrandCategory,
    ErrandStatus,
    KitDelivery,
    KitTemplate,
)
from lianfang.care.policy import care_policy_for_path
from lianfang.care.services import (
    assign_errand,
    cancel_errand,
    confirm_errand,
    default_kit,
    deliver_errand,
    deliver_kit,
    raise_errand,
    record_call,
    record_disinfection,
    start_errand,
)
from lianfang.demo.epi import stay_home
from lianfang.epi.models import (
    Lockdown,
    LockdownStatus,
    Quarantine,
    QuarantineKind,
    QuarantineReason,
    QuarantineStatus,
)
from lianfang.epi.services import start_quarantine
from lianfang.people.models import Resident, TravelSource
from lianfang.people.services import record_travel
from lianfang.places.models import Area, AreaLevel, Household

LINK_BASE = "http://127.0.0.1:8000"
DEMO_USERS = ["grid", "staff", "health", "volunteer", "staff2", "resident"]


def reset_care() -> None:
    """Delete every care row (kit deliveries protect their templates; everything points at places)."""
    for model in (KitDelivery, KitTemplate, Disinfection, Errand, CareCall, CareTeam, CarePolicy):
        model.objects.all().delete()


@dataclass
class Clock:
    """Demo times of today, never later than the seed's `now` (steps are a few minutes apart)."""

    now: datetime.datetime
    start: datetime.datetime

    @classmethod
    def for_today(cls, now: datetime.datetime) -> Clock:
        local = timezone.localtime(now)
        midnight = local.replace(hour=0, minute=1, second=0, microsecond=0)
        return cls(now=now, start=min(max(midnight, local - datetime.timedelta(hours=4)), local))

    def at(self, minutes: int) -> datetime.datetime:
        return min(self.start + datetime.timedelta(minutes=minutes), self.now)


def _households(grid_id: int, exclude: set[int]) -> list[Household]:
    """Households of the grid that are not held, largest first (then by id): deterministic."""
    return list(
        Household.objects.filter(grid_id=grid_id, exits_held_until__isnull=True)
        .exclude(pk__in=exclude)
        .annotate(n=Count("residents"))
        .filter(n__gt=0)
        .order_by("-n", "id")
    )


def _quarantine_household(
    health: User, household: Household, reason: str, start: datetime.date, today: datetime.date
) -> None:
    for person in Resident.objects.filter(household=household).order_by("id"):
        start_quarantine(
            user=health,
            resident=person,
            kind=QuarantineKind.HOME,
            reason=reason,
            start=start,
            days=14,
            today=today,
        )
    stay_home([household.pk], start)


def seed_care(*, today: datetime.date | None = None, now: datetime.datetime | None = None) -> dict[str, int]:
    """Create the care demo data; returns counts by kind. Needs the demo accounts and the epidemic demo
    data; does nothing when the grid worker or the health worker is missing."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    users = {
        u.username: u
        for u in User.objects.filter(username__in=DEMO_USERS).select_related("grid", "area", "household")
    }
    grid, health = users.get("grid"), users.get("health")
    if grid is None or health is None or grid.grid_id is None:
        return {}
    _phones()
    resident = users.get("resident")
    keep_free = {resident.household_id} if resident is not None and resident.household_id else set()
    free = _households(grid.grid_id, keep_free)
    if len(free) < 3:
        return {}
    family, contacts, neighbour = free[0], free[1], free[-1]
    day = datetime.timedelta(days=1)
    for household, origin, back in ((family, "湖北省武汉市", 3), (neighbour, "浙江省温州市", 0)):
        for person in household.residents.order_by("id"):
            record_travel(
                user=grid,
                resident=person,
                origin=origin,
                arrival_date=today - back * day,
                source=TravelSource.GATE,
                notes="返淮人员，社区卡口登记",
            )
    _quarantine_household(health, family, QuarantineReason.TRAVEL, today - 3 * day, today)
    _quarantine_household(health, contacts, QuarantineReason.CONTACT, today - day, today)
    _quarantine_household(health, neighbour, QuarantineReason.TRAVEL, today, today)
    held = list(
        Household.objects.filter(grid_id=grid.grid_id, exits_held_until__gte=today)
        .select_related("unit__building", "compound")
        .order_by("id")
    )
    by_id = {h.pk: h for h in held}  # fresh rows: their holds are set now
    family, contacts, neighbour = by_id[family.pk], by_id[contacts.pk], by_id[neighbour.pk]
    returnee = next((h for h in held if h.pk not in {family.pk, contacts.pk, neighbour.pk}), None)
    clock = Clock.for_today(now)
    _calls(grid, family, returnee, neighbour, clock)
    _errands(users, grid, family, contacts, returnee, clock)
    _disinfection(users, grid, family, today)
    _kits(grid, [family, returnee], clock)
    for household in (family, contacts):
        ensure_link_key(household=household)
    return {
        "care_team": CareTeam.objects.filter(ended__isnull=True).count(),
        "care_call": CareCall.objects.count(),
        "errand": Errand.objects.count(),
        "kit_delivery": KitDelivery.objects.count(),
    }


# Work phones of the team members and the volunteer: the household's page lists its team's numbers.
PHONES = {
    "grid": "13955410231",
    "staff": "13955410102",
    "health": "13955410315",
    "district": "13955400018",
    "volunteer": "15255410667",
}


def _phones() -> None:
    for username, phone in PHONES.items():
        User.objects.filter(username=username, phone="").update(phone=phone)


def _calls(
    grid: User, family: Household, returnee: Household | None, neighbour: Household, clock: Clock
) -> None:
    """Today's morning calls, where the morning window has begun; the contact family is not called."""
    today = timezone.localdate(clock.now)
    start, _end = care_policy_for_path(family.path).window_bounds(today, CallWindow.MORNING)
    if clock.now < start:
        return  # seeded before the morning window: every call is still to come

    def at(minutes: int) -> datetime.datetime:  # inside the morning window, and not after now
        return min(start + datetime.timedelta(minutes=minutes), clock.now)

    temps = ["36.5", "36.7", "36.4", "36.6", "36.8", "36.3"]
    checks = [
        {"resident": r.pk, "temperature": temps[i % len(temps)], "symptoms": []}
        for i, r in enumerate(Resident.objects.filter(household=family).order_by("id"))
    ]
    record_call(
        user=grid,
        household=family,
        window=CallWindow.MORNING,
        reached=True,
        checks=checks,
        needs=[{"category": ErrandCategory.VEGETABLES, "details": "青菜两斤、西红柿一斤、鸡蛋一盒"}],
        notes="全家体温正常，老人血压药还够三天。",
        now=at(25),
    )
    if returnee is not None:
        record_call(
            user=grid,
            household=returnee,
            window=CallWindow.MORNING,
            reached=True,
            notes="今天隔离期满，等卫生服务站解除。",
            now=at(35),
        )
    record_call(
        user=grid,
        household=neighbour,
        window=CallWindow.MORNING,
        reached=False,
        notes="电话无人接听，下午再打。",
        now=at(45),
    )


def _errands(
    users: dict[str, User],
    grid: User,
    family: Household,
    contacts: Household,
    returnee: Household | None,
    clock: Clock,
) -> None:
    """One errand in every state (the vegetables of the family's call, when it was made, go to the
    volunteer)."""
    volunteer = users.get("volunteer")
    staff = users.get("staff") or grid
    # The family's own request, from its page: medicine, not assigned yet.
    raise_errand(
        user=None,
        household=family,
        category=ErrandCategory.MEDICINE,
        details="奶奶的降压药（硝苯地平缓释片）快吃完了，请帮忙到社区卫生服务站开一盒",
        now=clock.at(5),
    )
    # The vegetables asked for on the morning call (or by the family when there was no call yet):
    # assigned to the volunteer, who starts and delivers it in the demo.
    vegetables = Errand.objects.filter(household=family, category=ErrandCategory.VEGETABLES).first()
    if vegetables is None:
        vegetables = raise_errand(
            user=None,
            household=family,
            category=ErrandCategory.VEGETABLES,
            details="青菜两斤、西红柿一斤、鸡蛋一盒",
            now=clock.at(6),
        )
    if volunteer is not None:
        assign_errand(
            user=grid, errand=vegetables, assignee=volunteer, now=max(clock.at(52), vegetables.created_at)
        )
    # A parcel fetched by the grid worker, delivered, waiting for the family's confirmation.
    parcel = raise_errand(
        user=grid,
        household=family,
        category=ErrandCategory.PARCEL,
        details="菜鸟驿站取快递，取件码 3-2-1108",
        now=clock.at(10),
    )
    assign_errand(user=grid, errand=parcel, assignee=grid, now=clock.at(12))
    start_errand(user=grid, errand=parcel, now=clock.at(30))
    deliver_errand(user=grid, errand=parcel, money_advanced=None, now=clock.at(50))
    # Grain and oil for the contact family: on the way, and overdue (it was due an hour after it was
    # raised; by the time the demo is opened it is late).
    grain = raise_errand(
        user=staff,
        household=contacts,
        category=ErrandCategory.GRAIN_OIL,
        details="大米一袋（10斤）、菜籽油一桶",
        due_at=clock.at(15) + datetime.timedelta(minutes=30),
        now=clock.at(15),
    )
    assign_errand(user=staff, errand=grain, assignee=grid, now=clock.at(20))
    start_errand(user=grid, errand=grain, now=clock.at(35))
    # Cancelled with a reason.
    other = raise_errand(
        user=grid,
        household=contacts,
        category=ErrandCategory.DAILY_GOODS,
        details="卫生纸、洗衣液",
        now=clock.at(16),
    )
    cancel_errand(user=grid, errand=other, reason="亲戚已送到楼下", now=clock.at(45))
    # The returnee's gas bill: paid by the grid worker, confirmed and repaid by the household.
    if returnee is not None:
        bill = raise_errand(
            user=grid,
            household=returnee,
            category=ErrandCategory.BILL,
            details="代缴燃气费 100 元（户号 0554-208817）",
            now=clock.at(1),
        )
        assign_errand(user=grid, errand=bill, assignee=grid, now=clock.at(2))
        bill = deliver_errand(user=grid, errand=bill, money_advanced=Decimal("100.00"), now=clock.at(25))
        if bill.status == ErrandStatus.DELIVERED:
            confirm_errand(errand=bill, household=returnee, money_repaid=Decimal("100.00"), now=clock.at(55))


def _disinfection(users: dict[str, User], grid: User, family: Household, today: datetime.date) -> None:
    """The family's building done yesterday (red today); the neighbouring sealed building done today."""
    record_disinfection(
        user=grid,
        building=family.unit.building,
        date=today - datetime.timedelta(days=1),
        areas="楼道、电梯、单元门把手",
        today=today,
    )
    staff2 = users.get("staff2")
    sealed = (
        Lockdown.objects.filter(status=LockdownStatus.ACTIVE)
        .filter(Q(unit__isnull=False) | Q(building__isnull=False))
        .select_related("unit__building")
        .order_by("id")
        .first()
    )
    if staff2 is not None and sealed is not None:
        building = sealed.building or sealed.unit.building
        record_disinfection(user=staff2, building=building, areas="楼道、电梯、垃圾桶周边", today=today)


def _kits(grid: User, households: list[Household | None], clock: Clock) -> None:
    city = Area.objects.filter(level=AreaLevel.CITY).order_by("path").first()
    if city is None:
        return
    kit = default_kit(city)
    for i, household in enumerate(h for h in households if h is not None):
        deliver_kit(user=grid, household=household, template=kit, now=clock.at(20 + 5 * i))


# ------------------------------------------------------------------ demo_logins
@dataclass(frozen=True)
class HouseholdLink:
    label: str
    url: str
    day: int
    days: int


def household_links(base: str = LINK_BASE) -> list[HouseholdLink]:
    """The secret links of the demo grid's households in home quarantine (for `demo_logins`)."""
    from django.urls import reverse

    grid = User.objects.filter(username="grid").first()
    if grid is None or grid.grid_id is None:
        return []
    today = timezone.localdate()
    teams = (
        CareTeam.objects.filter(
            ended__isnull=True, household__grid_id=grid.grid_id, household__exits_held_until__gte=today
        )
        .exclude(household__link_key="")
        .exclude(household__link_key__isnull=True)
        .select_related("household__compound")
        .order_by("household_id")
    )
    links = []
    for team in teams:
        household = team.household
        starts = Quarantine.objects.filter(
            household=household, kind=QuarantineKind.HOME, status=QuarantineStatus.ACTIVE
        ).order_by("start")
        first = starts.values_list("start", flat=True).first() or team.started
        links.append(
            HouseholdLink(
                label=f"{household.compound.name} {household.label}",
                url=base.rstrip("/") + reverse("access:household-link", args=[household.link_key]),
                day=(today - first).days + 1,
                days=(household.exits_held_until - first).days + 1,
            )
        )
    links.sort(key=lambda link: (-link.day, link.label))  # the returnee family first
    return links


def format_household_links(links: list[HouseholdLink]) -> str:
    if not links:
        return ""
    from django.utils.translation import gettext as _

    lines = [_("Households in home quarantine (their own page, no login):")]
    for link in links:
        lines.append(
            "  "
            + _("{label}, day {day} of {days}: {url}").format(
                label=link.label, day=link.day, days=link.days, url=link.url
            )
        )
    return "\n".join(lines)
