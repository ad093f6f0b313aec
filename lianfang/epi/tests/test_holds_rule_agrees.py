"""`recompute_holds` (one UPDATE) agrees with the rule of epi/holds.py written plainly in Python, on random
mixes of lockdowns (unit, building or compound; active or lifted; past or future last days), home and
facility quarantines in every status, and cases open or closed, isolated or not — rows written directly,
so that mixes the services would refuse are covered too. It writes only the households given, and tells
care with sorted plain ids."""

from __future__ import annotations

import datetime
import random

import pytest

from lianfang.epi.holds import HOLD_OPEN_ENDED, recompute_holds
from lianfang.epi.models import (
    OPEN_CASE_STATUSES,
    Case,
    CaseStatus,
    Lockdown,
    LockdownScope,
    LockdownStatus,
    Quarantine,
    QuarantineKind,
    QuarantineReason,
    QuarantineStatus,
)
from lianfang.epi.signals import holds_changed
from lianfang.people.models import Resident
from lianfang.places.models import Household
from lianfang.places.services import ensure_household

D0 = datetime.date(2026, 3, 2)


def expected(household: Household, lockdowns: list, quarantines: list, cases: list) -> datetime.date | None:
    """The rule, plainly: the latest day any reason holds the household, None when none does."""
    days = [
        q.planned_end
        for q in quarantines
        if q.household_id == household.pk
        and q.status == QuarantineStatus.ACTIVE
        and q.kind == QuarantineKind.HOME
    ]
    for lockdown in lockdowns:
        inside = {
            LockdownScope.UNIT: lockdown.unit_id == household.unit_id,
            LockdownScope.BUILDING: lockdown.building_id == household.unit.building_id,
            LockdownScope.COMPOUND: lockdown.compound_id == household.compound_id,
        }[lockdown.scope_kind]
        if inside and lockdown.status == LockdownStatus.ACTIVE:
            days.append(lockdown.ends_on)
    for case in cases:
        member = case.resident.household_id == household.pk
        if member and case.status in OPEN_CASE_STATUSES and case.isolation_date is None:
            days.append(HOLD_OPEN_ENDED)
    return max(days, default=None)


@pytest.fixture
def town(world, unit31):
    """Two buildings of two units in compound A besides the world's, a few people in each household."""
    rng = random.Random(7)
    for building in ("7", "8"):
        for unit in ("1", "2"):
            for room in ("101", "102"):
                h = ensure_household(compound=world.compound_a, building=building, unit=unit, room=room)
                for i in range(rng.randint(0, 2)):
                    Resident.objects.create(name=f"住户{building}{unit}{room}{i}", household=h, path=h.path)
    return list(Household.objects.select_related("unit__building").order_by("pk"))


def random_reasons(rng: random.Random, households: list, world) -> tuple[list, list, list]:
    people = list(Resident.objects.filter(household__isnull=False).select_related("household"))
    lockdowns = []
    for _ in range(rng.randint(0, 3)):
        h = rng.choice(households)
        scope = rng.choice(LockdownScope.values)
        ends_on = D0 + datetime.timedelta(days=rng.randint(-5, 20))
        lockdowns.append(
            Lockdown.objects.create(
                scope_kind=scope,
                unit=h.unit if scope == LockdownScope.UNIT else None,
                building=h.unit.building if scope != LockdownScope.COMPOUND else None,
                compound=h.compound,
                label="random",
                start=ends_on - datetime.timedelta(days=13),
                days=14,
                ends_on=ends_on,
                status=rng.choice(LockdownStatus.values),
                path=h.path,
            )
        )
    quarantines = []
    for person in rng.sample(people, k=rng.randint(0, len(people))):
        end = D0 + datetime.timedelta(days=rng.randint(-3, 30))
        quarantines.append(
            Quarantine.objects.create(
                resident=person,
                household_id=person.household_id,
                kind=rng.choice(QuarantineKind.values),
                reason=QuarantineReason.CONTACT,
                start=end - datetime.timedelta(days=13),
                planned_end=end,
                status=rng.choice(QuarantineStatus.values),
                path=person.path,
            )
        )
    cases = []
    for person in rng.sample(people, k=rng.randint(0, len(people) // 2)):
        statuses = rng.sample(CaseStatus.values, k=rng.randint(1, 2))
        opened = [s for s in statuses if s in OPEN_CASE_STATUSES][:1]  # at most one open case each
        for status in [*opened, *(s for s in statuses if s not in OPEN_CASE_STATUSES)]:
            isolated = D0 - datetime.timedelta(days=rng.randint(0, 5)) if rng.random() < 0.5 else None
            cases.append(
                Case.objects.create(
                    resident=person,
                    household_id=person.household_id,
                    status=status,
                    report_date=D0,
                    isolation_date=isolated,
                    path=person.path,
                )
            )
    # A case outside the registry (no household) holds nobody.
    stranger = Resident.objects.create(name="外来人员", household=None, path=world.community_a.path)
    cases.append(Case.objects.create(resident=stranger, status=CaseStatus.CONFIRMED, path=stranger.path))
    return lockdowns, quarantines, cases


def test_recompute_holds_agrees_with_the_rule_on_random_reasons(world, town):
    deciders: set[str] = set()
    for seed in range(16):
        rng = random.Random(seed)
        lockdowns, quarantines, cases = random_reasons(rng, town, world)
        Household.objects.update(exits_held_until=D0)  # stale on purpose: every row must be rewritten

        recompute_holds(h.pk for h in town)

        got = dict(Household.objects.values_list("pk", "exits_held_until"))
        want = {h.pk: expected(h, lockdowns, quarantines, cases) for h in town}
        assert got == want, seed
        for day in want.values():
            deciders.add(
                "none" if day is None else "case" if day == HOLD_OPEN_ENDED else "lockdown or quarantine"
            )
        deciders |= {"lockdown" for lockdown in lockdowns if lockdown.ends_on in want.values()}
        Case.objects.all().delete()
        Quarantine.objects.all().delete()
        Lockdown.objects.all().delete()
        Resident.objects.filter(household=None).delete()

    # The random mixes made every reason decide some household's hold.
    assert deciders == {"none", "case", "lockdown or quarantine", "lockdown"}


def test_only_the_households_given_are_written_and_care_hears_sorted_plain_ids(world, town):
    heard: list = []

    def receiver(sender, household_ids, **kwargs):
        heard.append(household_ids)

    holds_changed.connect(receiver, dispatch_uid="test_holds_rule_agrees")
    try:
        Household.objects.update(exits_held_until=D0)
        recompute_holds([town[3].pk, town[1], (town[2].pk,), {"pk": town[3].pk}])
    finally:
        holds_changed.disconnect(dispatch_uid="test_holds_rule_agrees")

    assert heard == [sorted([town[1].pk, town[2].pk, town[3].pk])]
    assert all(type(i) is int for i in heard[0])
    untouched = Household.objects.exclude(pk__in=heard[0])
    assert untouched.exists() and all(h.exits_held_until == D0 for h in untouched)
    assert not Household.objects.filter(pk__in=heard[0], exits_held_until__isnull=False).exists()
