"""The care of the demo's last 30 days (demo/history.py): what the care team of every held household did on
the days before today, written in bulk in the shape care's services write it (care/calls.py `record_call`,
care/errands.py, care/places.py), because replaying a month of calls one service call at a time would make
the seed slow (the generator writes households and passages the same way).

- Two calls a day (morning and afternoon windows of the household's care policy) from the first day of the
  household's quarantine to yesterday (in the outbreak's community to now); the morning call reads out the
  temperature of everyone in quarantine (a health check each, source "call", unless one was already
  recorded that day). Now and then an afternoon call is not answered, never two in a row, never
  yesterday's.
- For the outbreak's households (`full`): the nine-item kit on the first day, the building disinfected
  every day it holds one of them (today too), and an errand raised on the morning call every few days,
  assigned to the caller, carried and confirmed by the household within hours.
- Teams that were opened today for households held since earlier days (the live system opens a team
  when the hold begins) start on the hold's first day: `fill_open_teams`.

Today's calls up to now are made in the outbreak's community; elsewhere they are left to the live demo
(demo/care.py records some of them for the grid worker and leaves one overdue).
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Min, Q
from django.utils import timezone

from lianfang.accounts.models import User
from lianfang.care.models import (
    NEED_OF_CATEGORY,
    CallWindow,
    CareCall,
    CareTeam,
    CareTeamMember,
    Disinfection,
    Errand,
    ErrandCategory,
    ErrandEvent,
    ErrandStatus,
    KitDelivery,
    RaisedBy,
    TeamRole,
)
from lianfang.care.policy import care_policy_for_path
from lianfang.care.services import default_kit
from lianfang.demo.passages import NORMAL
from lianfang.epi.models import (
    CheckSource,
    HealthCheck,
    Lockdown,
    LockdownStatus,
    Quarantine,
    QuarantineKind,
    QuarantineStatus,
)
from lianfang.places.models import Area, AreaLevel, Building, Household

DAY = datetime.timedelta(days=1)
UNREACHED_ODDS = 0.06
ERRAND_DAYS = (1, 5, 9, 12)  # days of the quarantine (0: the first) with an errand raised on the call
ERRANDS = (
    (ErrandCategory.VEGETABLES, "青菜两斤、土豆三个、鸡蛋一盒", Decimal("32.50")),
    (ErrandCategory.GRAIN_OIL, "大米一袋（10斤）、菜籽油一桶", Decimal("118.00")),
    (ErrandCategory.MEDICINE, "感冒灵颗粒一盒、体温计一支", Decimal("36.80")),
    (ErrandCategory.DAILY_GOODS, "卫生纸、洗衣液、垃圾袋", Decimal("45.00")),
)
NOTES_REACHED = ("全家体温正常，情绪稳定。", "体温正常，生活物资还够两天。", "体温正常，已提醒按时开窗通风。")
NOTE_UNREACHED = "电话无人接听，下次再打。"
DISINFECTED = "楼道、电梯、单元门把手"


def add(counts: dict[str, int], more: dict[str, int]) -> None:
    for key, n in more.items():
        counts[key] = counts.get(key, 0) + n


def _caller(team: CareTeam) -> User | None:
    """Who makes the team's calls: its grid worker, else the community secretary, else the leader."""
    members = {m.role: m.user for m in CareTeamMember.objects.filter(team=team).select_related("user")}
    for role in (TeamRole.GRID, TeamRole.SECRETARY, TeamRole.LEADER):
        if role in members:
            return members[role]
    return None


def _days(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    return [first + DAY * n for n in range((last - first).days + 1)]


def care_for(
    *,
    team: CareTeam,
    household: Household,
    first: datetime.date,
    last: datetime.date,
    rng: random.Random,
    now: datetime.datetime,
    full: bool,
    held_until: datetime.date | None = None,
) -> dict[str, int]:
    """The calls (and for `full` the kit, errands and the daily disinfection of its building until
    `held_until` or today) of one team from `first` to `last` inclusive, skipping windows already called
    and those not begun by `now`. Returns counts by kind."""
    caller = _caller(team)
    if caller is None or last < first:
        return {}
    rules = care_policy_for_path(household.path)
    quarantines = list(
        Quarantine.objects.filter(household=household, kind=QuarantineKind.HOME).order_by("id")
    )
    done = set(CareCall.objects.filter(household=household).values_list("date", "window"))
    checked = set(
        HealthCheck.objects.filter(household=household, date__gte=first, date__lte=last).values_list(
            "resident_id", "date"
        )
    )
    calls: list[CareCall] = []
    reached_before = True
    yesterday = timezone.localdate(now) - DAY
    for day in _days(first, last):
        for window in (CallWindow.MORNING, CallWindow.AFTERNOON):
            start, end = rules.window_bounds(day, window)
            at = start + datetime.timedelta(minutes=5 + rng.randrange(int((end - start).seconds / 60) - 30))
            roll = rng.random()
            if (day, window) in done or at >= now:
                continue
            reached = not (
                window == CallWindow.AFTERNOON
                and reached_before
                and day < yesterday
                and roll < UNREACHED_ODDS
            )
            reached_before = reached
            calls.append(
                CareCall(
                    household=household,
                    team=team,
                    date=day,
                    window=window,
                    reached=reached,
                    notes=NOTES_REACHED[rng.randrange(len(NOTES_REACHED))] if reached else NOTE_UNREACHED,
                    caller=caller,
                    called_at=at,
                    path=household.path,
                )
            )
    CareCall.objects.bulk_create(calls)
    checks: list[HealthCheck] = []
    mornings = [c for c in calls if c.window == CallWindow.MORNING and c.reached]
    for call in mornings:
        for q in quarantines:
            ended = q.ended_on or q.planned_end + DAY
            if not (q.start <= call.date <= q.planned_end and call.date < ended):
                continue
            if (q.resident_id, call.date) in checked:
                continue
            checked.add((q.resident_id, call.date))
            checks.append(
                HealthCheck(
                    resident_id=q.resident_id,
                    household=household,
                    quarantine=q,
                    date=call.date,
                    temperature=NORMAL[int(rng.random() * len(NORMAL))],
                    abnormal=False,
                    source=CheckSource.CARE_CALL,
                    recorded_by=caller,
                    recorded_at=call.called_at,
                    path=q.path,
                    grid_id=q.grid_id,
                )
            )
    HealthCheck.objects.bulk_create(checks)
    counts = {"history_call": len(calls), "history_health_check": len(checks)}
    if full:
        counts["history_errand"] = _errands(
            household, caller, first, mornings, rng, rules.errand_due_hours, now
        )
        counts["history_kit"] = _kit(household, caller, first, now)
        until = min(held_until or last, timezone.localdate(now))
        counts["history_disinfection"] = disinfect(
            [household.unit.building_id], _days(first, until), caller, now
        )
    return counts


def _errands(
    household: Household,
    caller: User,
    first: datetime.date,
    mornings: list[CareCall],
    rng: random.Random,
    due_hours: int,
    now: datetime.datetime,
) -> int:
    """An errand raised on the morning call of a few days of the quarantine, done the same day."""
    by_day = {c.date: c for c in mornings}
    errands: list[tuple[Errand, list[ErrandEvent]]] = []
    for n, offset in enumerate(ERRAND_DAYS):
        call = by_day.get(first + DAY * offset)
        if call is None:
            continue
        category, details, price = ERRANDS[n % len(ERRANDS)]
        raised = call.called_at + datetime.timedelta(minutes=2)
        assigned = raised + datetime.timedelta(minutes=10 + rng.randrange(20))
        started = assigned + datetime.timedelta(minutes=15 + rng.randrange(30))
        delivered = started + datetime.timedelta(minutes=40 + rng.randrange(80))
        confirmed = delivered + datetime.timedelta(minutes=15 + rng.randrange(60))
        if confirmed >= now:
            continue  # not done by now: left to the live demo
        errand = Errand(
            household=household,
            category=category,
            need=NEED_OF_CATEGORY[category],
            details=details,
            status=ErrandStatus.CONFIRMED,
            raised_by=RaisedBy.CALL,
            raised_by_user=caller,
            call=call,
            assignee=caller,
            due_at=raised + datetime.timedelta(hours=due_hours),
            money_advanced=price,
            money_repaid=price,
            created_at=raised,
            assigned_at=assigned,
            delivered_at=delivered,
            confirmed_at=confirmed,
            path=household.path,
        )
        paid = f"{price} yuan"
        events = [
            ErrandEvent(status=ErrandStatus.NEW, by=caller, at=raised),
            ErrandEvent(status=ErrandStatus.ASSIGNED, by=caller, at=assigned, note=str(caller)),
            ErrandEvent(status=ErrandStatus.ON_THE_WAY, by=caller, at=started),
            ErrandEvent(status=ErrandStatus.DELIVERED, by=caller, at=delivered, note=paid),
            ErrandEvent(status=ErrandStatus.CONFIRMED, by_household=True, at=confirmed, note=paid),
        ]
        errands.append((errand, events))
    Errand.objects.bulk_create([e for e, _events in errands])
    for errand, events in errands:
        for event in events:
            event.errand = errand
    ErrandEvent.objects.bulk_create([ev for _e, events in errands for ev in events])
    return len(errands)


def _kit(household: Household, caller: User, first: datetime.date, now: datetime.datetime) -> int:
    city = Area.objects.filter(level=AreaLevel.CITY).order_by("path").first()
    at = timezone.make_aware(datetime.datetime.combine(first, datetime.time(16, 30)))
    if city is None or at >= now:
        return 0
    kit = default_kit(city)
    KitDelivery.objects.create(
        household=household, template=kit, items="\n".join(kit.item_list()), delivered_at=at, by=caller,
        path=household.path,
    )  # fmt: skip
    return 1


def disinfect(
    building_ids: Iterable[int], days: Iterable[datetime.date], by: User, now: datetime.datetime
) -> int:
    """One disinfection of each building on each day that has none yet: at 17:00, or today at the seed's
    time when it is between 08:00 and 17:00."""
    ids = sorted(set(building_ids))
    days = list(days)
    if not ids or not days:
        return 0
    have = set(
        Disinfection.objects.filter(building_id__in=ids, date__in=days).values_list("building_id", "date")
    )
    paths = dict(Building.objects.filter(pk__in=ids).values_list("pk", "path"))
    rows = []
    for day in days:
        at = min(timezone.make_aware(datetime.datetime.combine(day, datetime.time(17, 0))), now)
        if at < timezone.make_aware(datetime.datetime.combine(day, datetime.time(8, 0))):
            continue  # today, before the teams' day begins
        for building_id in ids:
            if (building_id, day) in have:
                continue
            rows.append(Disinfection(building_id=building_id, date=day, areas=DISINFECTED, by=by, at=at,
                                     path=paths[building_id]))  # fmt: skip
    Disinfection.objects.bulk_create(rows)
    return len(rows)


def fill_open_teams(
    *, seed: int, today: datetime.date, now: datetime.datetime, skip: set[int], today_under: str
) -> dict[str, int]:
    """Open teams of households held since before today start on the hold's first day, with their calls
    of the days before today, and of today until now for the households under the path `today_under`;
    the sealed buildings are disinfected every day of their lockdown. `skip`: households whose care
    history is already written."""
    counts: dict[str, int] = {}
    # The hold's first day: the earliest home quarantine of the household still running today (or that
    # ended today: demo/epi.py moved the sealed unit's contacts to facility rooms today).
    first_days = dict(
        Quarantine.objects.filter(kind=QuarantineKind.HOME)
        .filter(Q(status=QuarantineStatus.ACTIVE) | Q(ended_on__gte=today))
        .values("household_id")
        .annotate(first=Min("start"))
        .values_list("household_id", "first")
    )
    teams = (
        CareTeam.objects.filter(ended__isnull=True, household__exits_held_until__gte=today)
        .exclude(household_id__in=skip)
        .select_related("household__unit")
        .order_by("household_id")
    )
    for team in teams:
        first = first_days.get(team.household_id)
        if first is None or (first >= today and not team.household.path.startswith(today_under)):
            continue
        if first < team.started:
            CareTeam.objects.filter(pk=team.pk).update(
                started=first,
                created_at=timezone.make_aware(datetime.datetime.combine(first, datetime.time(9))),
            )
            team.started = first
        rng = random.Random(f"history:{seed}:care:{team.household_id}")
        add(
            counts,
            care_for(
                team=team,
                household=team.household,
                first=first,
                last=today if team.household.path.startswith(today_under) else today - DAY,
                rng=rng,
                now=now,
                full=False,
            ),
        )
    for lockdown in Lockdown.objects.filter(status=LockdownStatus.ACTIVE, start__lt=today).select_related(
        "unit", "created_by"
    ):
        building = lockdown.building_id or (lockdown.unit.building_id if lockdown.unit else None)
        if building is None or lockdown.created_by is None:
            continue
        n = disinfect([building], _days(lockdown.start, today - DAY), lockdown.created_by, now)
        add(counts, {"history_disinfection": n})
    return counts
