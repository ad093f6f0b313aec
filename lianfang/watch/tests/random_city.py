"""A small random city for the statistics tests: a random area tree (a community sometimes straight under its
district, sometimes without households), grids, compounds, buildings (some without a grid), households and
residents created before, on and after the day, and random records of every kind the statistics count, with
times around the day's edges (the day before, the day itself, the day after).

Written straight through the ORM (no services): the point is many odd combinations, not realistic ones; the
oracle (stats_oracle.py) reads back the same rows."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from lianfang.access.models import Decision, DecisionCode, Direction, Passage
from lianfang.care.models import (
    CallWindow,
    CareCall,
    CarePolicy,
    CareTeam,
    Disinfection,
    Errand,
    ErrandCategory,
    KitDelivery,
    KitTemplate,
    Need,
    RaisedBy,
)
from lianfang.core.models import Alert, AlertKind
from lianfang.epi.models import (
    Case,
    CaseStatus,
    CaseStatusChange,
    Contact,
    ContactStatus,
    Lockdown,
    LockdownScope,
    Quarantine,
    QuarantineKind,
    QuarantineReason,
)
from lianfang.people.models import Resident, TravelRecord
from lianfang.places.models import Area, AreaLevel, Building, Compound, Gate, Grid, Household, Unit

GATE_ANSWERS = [
    (Direction.IN, Decision.ALLOWED, DecisionCode.ENTRY_ALLOWED),
    (Direction.OUT, Decision.ALLOWED, DecisionCode.EXIT_ALLOWED),
    (Direction.OUT, Decision.ALLOWED, DecisionCode.EXIT_EXEMPT),
    (Direction.IN, Decision.REFERRED, DecisionCode.FEVER),
    (Direction.OUT, Decision.REFERRED, DecisionCode.FEVER),
    (Direction.OUT, Decision.REFUSED, DecisionCode.QUOTA_USED),
    (Direction.OUT, Decision.REFUSED, DecisionCode.QUARANTINED),
    (Direction.IN, Decision.REFUSED, DecisionCode.PASS_REVOKED),
]


@dataclass
class City:
    day: datetime.date
    areas: list[Area] = field(default_factory=list)
    communities: list[Area] = field(default_factory=list)
    households: list[Household] = field(default_factory=list)
    residents: list[Resident] = field(default_factory=list)
    buildings: list[Building] = field(default_factory=list)
    gates: list[Gate] = field(default_factory=list)
    compounds: list[Compound] = field(default_factory=list)


class Builder:
    def __init__(self, seed: int, day: datetime.date) -> None:
        self.rng = random.Random(seed)
        self.city = City(day=day)
        self.code = 100000 + seed * 1000
        tz = timezone.get_default_timezone()
        self.start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min), tz)

    # ---------------------------------------------------------------- helpers
    def when(self, days_before: int = 1, days_after: int = 1) -> datetime.datetime:
        """A time from `days_before` days before the day's start to `days_after` days after its end."""
        span = (days_before + 1 + days_after) * 86400
        return (
            self.start
            - datetime.timedelta(days=days_before)
            + datetime.timedelta(seconds=self.rng.randrange(span))
        )

    def date_near(self, back: int, ahead: int) -> datetime.date:
        return self.city.day + datetime.timedelta(days=self.rng.randint(-back, ahead))

    def pick(self, items: list[Any], none: float = 0.0) -> Any:
        if not items or self.rng.random() < none:
            return None
        return self.rng.choice(items)

    def area(self, level: str, parent: Area | None) -> Area:
        self.code += 1
        code = str(self.code)
        a = Area.objects.create(
            code=code, name=f"A{code}", level=level, parent=parent, path=Area.child_path(parent, code)
        )
        self.city.areas.append(a)
        return a

    # ---------------------------------------------------------------- the tree and the registry
    def tree(self) -> None:
        r = self.rng
        city = self.area(AreaLevel.CITY, None)
        for _d in range(r.randint(1, 2)):
            district = self.area(AreaLevel.DISTRICT, city)
            parents = [self.area(AreaLevel.STREET, district) for _s in range(r.randint(1, 2))]
            if r.random() < 0.4:
                parents.append(district)  # a community straight under its district
            for parent in parents:
                for _c in range(r.randint(1, 3)):
                    self.community(self.area(AreaLevel.COMMUNITY, parent))

    def community(self, c: Area) -> None:
        r, city = self.rng, self.city
        city.communities.append(c)
        grids = [
            Grid.objects.create(community=c, code=f"{c.code}-{i}", name=f"G{i}", path=c.path)
            for i in range(r.randint(0, 3))
        ]
        if r.random() < 0.15:
            return  # a community without households
        for k in range(r.randint(1, 2)):
            compound = Compound.objects.create(community=c, name=f"X{k}", path=c.path)
            city.compounds.append(compound)
            city.gates += [
                Gate.objects.create(compound=compound, name=f"门{g}", path=c.path)
                for g in range(r.randint(1, 2))
            ]
            for b in range(r.randint(1, 3)):
                grid = self.pick(grids, none=0.3)
                building = Building.objects.create(
                    compound=compound, number=str(b + 1), grid=grid, path=c.path
                )
                city.buildings.append(building)
                for u in range(r.randint(1, 2)):
                    unit = Unit.objects.create(building=building, number=str(u + 1), path=c.path)
                    for h in range(r.randint(1, 3)):
                        self.household(compound, unit, grid, f"{h + 1}01")

    def household(self, compound: Compound, unit: Unit, grid: Grid | None, room: str) -> None:
        r, city = self.rng, self.city
        h = Household.objects.create(
            unit=unit, room=room, compound=compound, grid=grid, path=compound.path, label=f"{unit.pk}-{room}"
        )
        Household.objects.filter(pk=h.pk).update(created_at=self.when(days_before=30, days_after=1))
        city.households.append(h)
        for i in range(r.randint(0, 3)):
            tags = r.choice(["", "", "elderly_alone", "chronic disabled", " "])
            p = Resident.objects.create(name=f"R{h.pk}-{i}", household=h, path=h.path, grid=grid, tags=tags)
            Resident.objects.filter(pk=p.pk).update(created_at=self.when(days_before=30, days_after=1))
            city.residents.append(p)

    def outsiders(self) -> None:
        """People without a household: cases registered with a community only, people who moved out."""
        for c in self.city.communities[:2]:
            self.city.residents.append(Resident.objects.create(name="外", household=None, path=c.path))
        self.city.residents.append(Resident.objects.create(name="走", household=None, path=""))

    # ---------------------------------------------------------------- records
    def passages(self) -> None:
        r, city = self.rng, self.city
        rows = []
        for gate in city.gates:
            own = [h for h in city.households if h.compound_id == gate.compound_id]
            for _i in range(r.randint(0, 14)):
                household = self.pick(own, none=0.2) if r.random() < 0.8 else self.pick(city.households)
                direction, decision, code = r.choice(GATE_ANSWERS)
                rows.append(
                    Passage(
                        gate=gate,
                        household=household,
                        direction=direction,
                        decision=decision,
                        code=code,
                        server_time=self.when(),
                        path=gate.path,
                    )  # fmt: skip
                )
        Passage.objects.bulk_create(rows)

    def cases(self) -> list[Case]:
        r, made = self.rng, []
        for person in r.sample(self.city.residents, k=min(len(self.city.residents), r.randint(0, 8))):
            statuses = [r.choice(["suspected", "confirmed", "asymptomatic"])]
            for _i in range(r.randint(0, 2)):
                statuses.append(r.choice([s for s in CaseStatus.values if s != statuses[-1]]))
            isolation = None if r.random() < 0.5 else self.date_near(3, 1)
            case = Case.objects.create(
                resident=person, household=person.household, status=statuses[-1],
                report_date=self.date_near(4, 1),
                isolation_date=isolation, path=person.path, grid=person.grid,
            )  # fmt: skip
            times = sorted(self.when(days_before=3) for _s in statuses)
            before = ""
            for status, at in zip(statuses, times, strict=True):
                CaseStatusChange.objects.create(case=case, from_status=before, to_status=status, at=at)
                before = status
            made.append(case)
        return made

    def contacts(self, cases: list[Case]) -> None:
        r = self.rng
        for case in cases:
            others = [p for p in self.city.residents if p.pk != case.resident_id]
            for person in r.sample(others, k=min(len(others), r.randint(0, 3))):
                Contact.objects.create(
                    case=case, resident=person, status=r.choice(ContactStatus.values), decided_at=self.when(),
                    path=case.path,
                )  # fmt: skip

    def lockdowns(self) -> None:
        r = self.rng
        for compound in self.city.compounds:
            if r.random() < 0.5:
                continue
            units = list(Unit.objects.filter(building__compound=compound))
            kind = r.choice(LockdownScope.values)
            unit = r.choice(units) if kind == LockdownScope.UNIT else None
            building = (
                unit.building
                if unit
                else (r.choice(units).building if kind == LockdownScope.BUILDING else None)
            )
            start = self.date_near(4, 1)
            days = r.randint(1, 6)
            Lockdown.objects.create(
                scope_kind=kind, unit=unit, building=building, compound=compound, label="封", start=start,
                days=days, ends_on=start + datetime.timedelta(days=days - 1),
                lifted_at=None if r.random() < 0.6 else self.when(days_before=2), path=compound.path,
            )  # fmt: skip

    def quarantines(self) -> None:
        r = self.rng
        people = [p for p in self.city.residents if p.path]
        for person in r.sample(people, k=min(len(people), r.randint(0, 10))):
            kind = (
                QuarantineKind.HOME if person.household_id and r.random() < 0.6 else QuarantineKind.FACILITY
            )
            start = self.date_near(6, 1)
            end = start + datetime.timedelta(days=r.randint(0, 6))
            ended = None if r.random() < 0.5 else start + datetime.timedelta(days=r.randint(0, 9))
            Quarantine.objects.create(
                resident=person, household_id=person.household_id, kind=kind, reason=QuarantineReason.CONTACT,
                start=start, planned_end=end, ended_on=ended, path=person.path, grid=person.grid,
            )  # fmt: skip

    def care(self) -> None:
        r, day = self.rng, self.city.day
        if self.city.communities and r.random() < 0.5:
            CarePolicy.objects.create(
                area=r.choice(self.city.communities),
                morning_from=datetime.time(7), morning_until=datetime.time(9),
                afternoon_from=datetime.time(13), afternoon_until=datetime.time(15),
            )  # fmt: skip
        households = self.city.households
        for h in r.sample(households, k=min(len(households), r.randint(0, 8))):
            held = r.choice([None, day - datetime.timedelta(days=1), day, day + datetime.timedelta(days=3)])
            Household.objects.filter(pk=h.pk).update(exits_held_until=held)
            ended = None if r.random() < 0.6 else self.date_near(1, 1)
            team = CareTeam.objects.create(
                household=h, started=self.date_near(3, 1), ended=ended, path=h.path
            )
            for date in (day - datetime.timedelta(days=1), day):
                for window in CallWindow.values:
                    if r.random() < 0.5:
                        base = timezone.make_aware(datetime.datetime.combine(date, datetime.time(7)))
                        called = base + datetime.timedelta(minutes=r.randrange(14 * 60))
                        CareCall.objects.create(
                            household=h, team=team, date=date, window=window, reached=r.random() < 0.8,
                            called_at=called, path=h.path,
                        )  # fmt: skip
        for h in r.sample(households, k=min(len(households), r.randint(0, 8))):
            created = self.when()
            delivered = (
                None if r.random() < 0.3 else created + datetime.timedelta(minutes=r.randrange(1, 3000))
            )
            confirmed = None
            if delivered is not None and r.random() < 0.3:
                confirmed = delivered + datetime.timedelta(minutes=5)
            Errand.objects.create(
                household=h, category=ErrandCategory.VEGETABLES, need=Need.DIET, details="菜",
                raised_by=RaisedBy.HOUSEHOLD, due_at=created + datetime.timedelta(hours=24),
                created_at=created,
                delivered_at=delivered, confirmed_at=confirmed, path=h.path,
            )  # fmt: skip
        for b in r.sample(self.city.buildings, k=min(len(self.city.buildings), r.randint(0, 5))):
            Disinfection.objects.create(building=b, date=self.date_near(1, 1), path=b.path)
        if households:
            kit = KitTemplate.objects.create(area=self.city.areas[0], name="九个一", items="口罩")
            for h in r.sample(households, k=min(len(households), r.randint(0, 5))):
                KitDelivery.objects.create(
                    household=h, template=kit, items="口罩", delivered_at=self.when(), path=h.path
                )

    def alerts(self) -> None:
        r = self.rng
        places = [a for a in self.city.areas if a.level in (AreaLevel.COMMUNITY, AreaLevel.STREET)]
        for _i in range(r.randint(0, 10)):
            household = self.pick(self.city.households, none=0.4)
            path = household.path if household and r.random() < 0.8 else r.choice(places).path
            created = self.when()
            handled = None if r.random() < 0.5 else created + datetime.timedelta(minutes=r.randrange(1, 2000))
            Alert.objects.create(
                kind=AlertKind.FEVER, title="t", path=path, household=household, created_at=created,
                handled_at=handled, grid_id=household.grid_id if household and r.random() < 0.3 else None,
            )  # fmt: skip

    def travel(self) -> None:
        r = self.rng
        for person in r.sample(self.city.residents, k=min(len(self.city.residents), r.randint(0, 8))):
            for _i in range(r.randint(1, 2)):
                TravelRecord.objects.create(
                    resident=person, origin="武汉", arrival_date=self.date_near(20, 1)
                )


def build_city(seed: int, day: datetime.date) -> City:
    b = Builder(seed, day)
    b.tree()
    b.outsiders()
    b.passages()
    b.contacts(b.cases())
    b.lockdowns()
    b.quarantines()
    b.care()
    b.alerts()
    b.travel()
    return b.city
