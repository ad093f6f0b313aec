"""The daily statistics in Python, record by record: the test oracle of watch/stats.py's SQL
(test_stats_agree_with_the_oracle compares them on random cities). It follows docs/watch.md, reading
every row through the ORM and deciding each figure with plain Python, so that a slip in a SQL filter, a day
edge or a grid shows up as a difference.

`leaves(day, now)`: {(node path, metric): value} of the leaf nodes (`<area path>g<grid or 0>.`) and of the
hourly gate flow at the gate's area; `medians(day)`: {node path: median minutes} at every node."""

from __future__ import annotations

import datetime
import statistics
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from lianfang.access.models import Decision, DecisionCode, Direction, Passage
from lianfang.care.models import CallWindow, CareCall, CareTeam, Disinfection, Errand, KitDelivery
from lianfang.care.policy import care_policy_for_path
from lianfang.core.models import Alert
from lianfang.epi.models import (
    OPEN_CASE_STATUSES,
    Case,
    CaseStatus,
    Contact,
    ContactStatus,
    Lockdown,
    LockdownScope,
    Quarantine,
    QuarantineKind,
)
from lianfang.people.models import Resident, TravelRecord
from lianfang.places.models import Area, Household


def bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_default_timezone()
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time()), tz)
    return start, timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time()), tz
    )


def status_at(case: Case, end: datetime.datetime) -> str:
    changes = sorted(case.changes.all(), key=lambda c: (c.at, c.id))
    before = [c for c in changes if c.at < end]
    if before:
        return before[-1].to_status
    return changes[0].to_status if changes else case.status


def lockdown_active(lockdown: Lockdown, day: datetime.date, end: datetime.datetime) -> bool:
    return lockdown.start <= day <= lockdown.ends_on and (
        lockdown.lifted_at is None or lockdown.lifted_at >= end
    )


def quarantine_ends(q: Quarantine) -> datetime.date:
    after = q.planned_end + datetime.timedelta(days=1)
    return min(q.ended_on, after) if q.ended_on else after


def leaves(day: datetime.date, now: datetime.datetime | None = None) -> dict[tuple[str, str], int]:
    start, end = bounds(day)
    as_of = min(now or timezone.now(), end)
    areas = set(Area.objects.values_list("path", flat=True))
    out: Counter[tuple[str, str]] = Counter()

    def add(path: str, grid: int | None, metric: str, n: int = 1) -> None:
        if path in areas:
            out[(f"{path}g{grid or 0}.", metric)] += n

    def grid_of(household: Household | None, path: str) -> int | None:
        return household.grid_id if household is not None and household.path == path else None

    for h in Household.objects.all():
        if h.created_at < end:
            add(h.path, h.grid_id, "households")
    for r in Resident.objects.all():
        if r.household_id and r.created_at < end:
            add(r.path, r.grid_id, "residents")
            if r.tags.strip():
                add(r.path, r.grid_id, "vulnerable")

    arrivals: dict[Resident, set[datetime.date]] = defaultdict(set)
    for t in TravelRecord.objects.select_related("resident"):
        if day - datetime.timedelta(days=13) <= t.arrival_date <= day:
            arrivals[t.resident].add(t.arrival_date)
    for person, dates in arrivals.items():
        add(person.path, person.grid_id, "returnees_watched")
        if day in dates:
            add(person.path, person.grid_id, "returnees_arrived")

    held: set[int] = set()
    for case in Case.objects.prefetch_related("changes"):
        if case.report_date > day:
            continue
        status = status_at(case, end)
        if status != CaseStatus.EXCLUDED:
            add(case.path, case.grid_id, "cases_cumulative")
            if case.report_date == day:
                add(case.path, case.grid_id, "cases_new")
        add(case.path, case.grid_id, f"cases_{status}")
        if (
            case.household_id
            and status in OPEN_CASE_STATUSES
            and (case.isolation_date or day + datetime.timedelta(1)) > day
        ):
            held.add(case.household_id)

    households = list(Household.objects.select_related("unit"))
    for lockdown in Lockdown.objects.select_related("unit__building", "building"):
        if not lockdown_active(lockdown, day, end):
            continue
        grid = None
        if lockdown.scope_kind in (LockdownScope.UNIT, LockdownScope.BUILDING):
            building = lockdown.building or lockdown.unit.building
            grid = building.grid_id if building.path == lockdown.path else None
        add(lockdown.path, grid, "lockdowns_active")
        for h in households:
            if h.compound_id != lockdown.compound_id:
                continue
            if (
                lockdown.scope_kind == LockdownScope.COMPOUND
                or (
                    lockdown.scope_kind == LockdownScope.BUILDING
                    and h.unit.building_id == lockdown.building_id
                )
                or (lockdown.scope_kind == LockdownScope.UNIT and h.unit_id == lockdown.unit_id)
            ):
                held.add(h.pk)

    for q in Quarantine.objects.all():
        if q.start > day:
            continue
        ends = quarantine_ends(q)
        kind = "home" if q.kind == QuarantineKind.HOME else "facility"
        if q.start == day:
            add(q.path, q.grid_id, f"{kind}_q_started")
        if ends == day:
            add(q.path, q.grid_id, f"{kind}_q_ended")
        if ends > day:
            add(q.path, q.grid_id, f"{kind}_q_current")
            if q.kind == QuarantineKind.HOME and q.household_id:
                held.add(q.household_id)

    for h in households:
        if h.pk in held and h.created_at < end:
            add(h.path, h.grid_id, "households_held")
    for r in Resident.objects.filter(household_id__in=held):
        if r.created_at < end:
            add(r.path, r.grid_id, "people_held")

    for ct in Contact.objects.select_related("case"):
        if ct.status == ContactStatus.CONFIRMED and start <= ct.decided_at < end:
            add(ct.path, ct.case.grid_id if ct.case.path == ct.path else None, "contacts_confirmed")

    for p in Passage.objects.select_related("household"):
        if not start <= p.server_time < end:
            continue
        grid = grid_of(p.household, p.path)
        if p.decision == Decision.ALLOWED:
            add(p.path, grid, "passages_in" if p.direction == Direction.IN else "passages_out")
            if p.path in areas:
                hour = timezone.localtime(p.server_time).hour
                out[(p.path, f"flow_{'in' if p.direction == Direction.IN else 'out'}:{hour:02d}")] += 1
        if p.decision == Decision.REFUSED:
            add(p.path, grid, "refusals")
            add(p.path, grid, f"refusal:{p.code}")
        if p.code == DecisionCode.FEVER:
            add(p.path, grid, "fevers")

    for call in CareCall.objects.select_related("household"):
        if call.date == day:
            add(call.path, grid_of(call.household, call.path), "calls_made")

    for team in CareTeam.objects.select_related("household"):
        h = team.household
        if team.started > day or (team.ended is not None and team.ended <= day):
            continue
        if team.ended is None and (h.exits_held_until is None or h.exits_held_until < day):
            continue
        rules = care_policy_for_path(team.path)
        for window in CallWindow.values:
            _start, window_end = rules.window_bounds(day, window)
            if window_end > as_of:
                continue
            called = CareCall.objects.filter(household=h, date=day, window=window, called_at__lt=window_end)
            if not called.exists():
                add(team.path, grid_of(h, team.path), "calls_overdue")

    for e in Errand.objects.select_related("household"):
        grid = grid_of(e.household, e.path)
        done = e.delivered_at or e.confirmed_at
        if start <= e.created_at < end:
            add(e.path, grid, "errands_raised")
        if done is not None and start <= done < end:
            add(e.path, grid, "errands_done")

    for d in Disinfection.objects.select_related("building"):
        if d.date == day:
            add(d.path, d.building.grid_id if d.building.path == d.path else None, "disinfections")
    for k in KitDelivery.objects.select_related("household"):
        if start <= k.delivered_at < end:
            add(k.path, grid_of(k.household, k.path), "kits_delivered")
    for a in Alert.objects.select_related("household"):
        grid = a.grid_id or grid_of(a.household, a.path)
        if start <= a.created_at < end:
            add(a.path, grid, "alerts_opened")
        if a.handled_at is not None and start <= a.handled_at < end:
            add(a.path, grid, "alerts_resolved")
    return {key: n for key, n in out.items() if n}


def medians(day: datetime.date) -> dict[str, int]:
    """The median minutes from raised to done of the errands done that day, at every node (leaf and areas)."""
    start, end = bounds(day)
    areas = set(Area.objects.values_list("path", flat=True))
    minutes: dict[str, list[float]] = defaultdict(list)
    for e in Errand.objects.select_related("household"):
        done = e.delivered_at or e.confirmed_at
        if done is None or not start <= done < end or e.path not in areas:
            continue
        value = (done - e.created_at).total_seconds() / 60
        grid = e.household.grid_id if e.household.path == e.path else None
        minutes[f"{e.path}g{grid or 0}."].append(value)
        for area in areas:
            if e.path.startswith(area):
                minutes[area].append(value)
    out = {}
    for node, values in minutes.items():
        rounded = int(Decimal(repr(statistics.median(values))).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        if rounded:
            out[node] = rounded
    return out
