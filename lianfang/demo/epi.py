"""Epidemic demo data (issue 4), made through `epi.services` after the demo accounts exist, so that every
row is what the application itself would have written (holds, changes, alerts, audit).

- An `EpiPolicy` on the city, left at the defaults (14 days, ±15 minutes, 2 days before onset…), for
  the commander to see and change.
- Quarantine facilities with rooms: one in the demo health worker's community, one in the neighbouring
  community (`staff2`'s).
- A small history in the neighbouring community — not in the guard's compound and not visible to the
  health worker: a confirmed case registered four days ago, its unit sealed for 14 days (the commander
  sees a lockdown on day 5 of 14), the case's household confirmed as close contacts in facility rooms
  (which ends their home quarantine of the lockdown: nobody is in two places at once; the lockdown still
  holds their household), and a few health checks.
- In the health worker's own community only a returnee in home quarantine whose last day is today, with
  two normal checks: ready to be released. Registering a case and sealing a unit stay for the demo.

The same few dozen service calls at every scale (the city's one unit is as big as the demo's).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count
from django.utils import timezone

from lianfang.access.models import Passage
from lianfang.accounts.models import User
from lianfang.core.models import Alert
from lianfang.epi import contacts
from lianfang.epi.models import (
    Case,
    CaseSource,
    CaseStatus,
    CaseStatusChange,
    Contact,
    EpiPolicy,
    Facility,
    HealthCheck,
    Lockdown,
    Quarantine,
    QuarantineChange,
    QuarantineKind,
    QuarantineReason,
    Room,
)
from lianfang.epi.services import (
    apply_lockdown,
    create_case,
    create_facility,
    record_health_check,
    start_quarantine,
)
from lianfang.people.models import Resident
from lianfang.places.models import Area, AreaLevel, Compound, Household

HISTORY_DAYS_AGO = 4  # the history case was reported (and its unit sealed) four days before the seed
RELEASE_TODAY_DAYS = 14  # the returnee's quarantine: started 13 days ago, last day today


def reset_epi() -> None:
    """Delete every epidemic row (they protect the residents, units and areas a reset removes)."""
    for model in (
        HealthCheck, QuarantineChange, Quarantine, Contact, Lockdown, CaseStatusChange, Case, Room,
        Facility, EpiPolicy,
    ):  # fmt: skip
        model.objects.all().delete()


def stay_home(household_ids: list[int], since: datetime.date) -> int:
    """A household in home quarantine did not go through its gate: the generated gate log (made before
    the epidemic demo data) loses its passages from the quarantine's first day on. Returns the count."""
    midnight = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))
    gone = Passage.objects.filter(household_id__in=household_ids, server_time__gte=midnight)
    fevers = [str(c) for c in gone.filter(code="fever").values_list("client_id", flat=True)]
    Alert.objects.filter(source_type="passage", source_id__in=fevers).delete()
    deleted, _ = gone.delete()
    return deleted


def _rooms(floors: range, per_floor: int, twin_every: int = 0) -> list[tuple[str, int]]:
    return [
        (f"{floor}{n:02d}", 2 if twin_every and n % twin_every == 0 else 1)
        for floor in floors
        for n in range(1, per_floor + 1)
    ]


def seed_epi(*, today: datetime.date | None = None, now: datetime.datetime | None = None) -> dict[str, int]:
    """Create the epidemic demo data; returns counts by kind. Needs the demo accounts (`health`, `staff2`,
    `guard`, `resident`); does nothing when they are missing."""
    today = today or timezone.localdate()
    now = now or timezone.now()
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["health", "staff2", "guard", "resident"]).select_related(
            "area", "gate", "household"
        )
    }
    health, staff2 = users.get("health"), users.get("staff2")
    city = Area.objects.filter(level=AreaLevel.CITY).order_by("path").first()
    if health is None or staff2 is None or city is None or health.area is None or staff2.area is None:
        return {}
    home, neighbour = health.area, staff2.area
    EpiPolicy.objects.get_or_create(area=city)
    _facilities(health, home, staff2, neighbour)
    if neighbour.pk != home.pk:
        _history(staff2, neighbour, today=today, now=now)
    _returnee(health, home, users.get("resident"), today=today)
    return {
        "lockdown": Lockdown.objects.count(),
        "quarantine": Quarantine.objects.count(),
        "health_check": HealthCheck.objects.count(),
    }


def _facilities(health: User, home: Area, staff2: User, neighbour: Area) -> None:
    create_facility(
        user=health,
        area=home,
        name=f"{home.name}集中隔离点（淮河宾馆）",
        address="洞山中路18号",
        phone="0554-6661200",
        rooms=_rooms(range(2, 5), 10, twin_every=5),
    )
    create_facility(
        user=staff2,
        area=neighbour,
        name=f"{neighbour.name}集中隔离点（电厂招待所）",
        address="电厂路6号",
        phone="0554-6662300",
        rooms=_rooms(range(1, 3), 6),
    )


def _history_household(community: Area) -> Household | None:
    """A household of at least three people in a unit of several households, in the community's first
    compound: deterministic, and big enough to show a household of contacts."""
    compound = Compound.objects.filter(community=community).order_by("id").first()
    if compound is None:
        return None
    return (
        Household.objects.filter(compound=compound)
        .annotate(n=Count("residents"))
        .filter(n__gte=3)
        .select_related("unit")
        .order_by("unit_id", "id")
        .first()
    )


def _history(staff2: User, community: Area, *, today: datetime.date, now: datetime.datetime) -> None:
    household = _history_household(community)
    if household is None:
        return
    members = list(Resident.objects.filter(household=household).order_by("id"))
    reported = today - datetime.timedelta(days=HISTORY_DAYS_AGO)
    case = create_case(
        user=staff2,
        resident=members[0],
        status=CaseStatus.CONFIRMED,
        source=CaseSource.HOSPITAL,
        onset_date=reported - datetime.timedelta(days=2),
        report_date=reported,
        isolation_date=reported,
        notes="市第一人民医院发热门诊报告，核酸阳性，已转定点医院。",
        today=today,
    )
    lockdown = apply_lockdown(
        user=staff2,
        scope="unit",
        target_id=household.unit_id,
        start=reported,
        days=14,
        case=case,
        reason="确诊病例所在单元",
        today=today,
    )
    stay_home(
        list(Household.objects.filter(unit_id=household.unit_id).values_list("pk", flat=True)), reported
    )
    # The case's household: close contacts, sent to the facility (one room each).
    facility = Facility.objects.filter(area=community).order_by("id").first()
    rooms = iter(Room.objects.filter(facility=facility).order_by("number")) if facility else iter(())
    confirmed: list[Any] = []
    for cand in contacts.candidates(case, user=staff2, now=now):
        if cand.household_id != household.pk or cand.degree != 1:
            continue
        room = next(rooms, None)
        if room is None:
            break
        contacts.confirm_contact(
            user=staff2,
            case=case,
            resident=cand.resident_id,
            quarantine_kind="facility",
            room=room,
            note="同住家属，转集中隔离",
            now=now,
            today=today,
        )
        confirmed.append(cand.resident_id)
    # Yesterday's and today's checks of the contacts, and yesterday's of a few sealed neighbours.
    checked = Resident.objects.filter(pk__in=confirmed)
    neighbours = (
        Resident.objects.filter(quarantines__lockdown=lockdown)
        .exclude(household=household)
        .order_by("id")[:8]
    )
    for i, person in enumerate([*checked, *neighbours]):
        days = (1, 0) if person.pk in confirmed else (1,)
        for back in days:
            record_health_check(
                user=staff2,
                resident=person,
                temperature=f"36.{(i + back) % 7 + 2}",
                date=today - datetime.timedelta(days=back),
                today=today,
            )


def _returnee(health: User, home: Area, resident_account: User | None, *, today: datetime.date) -> None:
    """A returnee of the health worker's community in home quarantine whose last day is today, with two
    normal checks: the health worker can release them (not in the demo resident's household)."""
    people = Resident.objects.filter(path=home.path, household__isnull=False)
    if resident_account is not None and resident_account.household_id:
        people = people.exclude(household_id=resident_account.household_id)
    person = people.filter(travels__isnull=False).order_by("id").first() or people.order_by("-id").first()
    if person is None:
        return
    start_quarantine(
        user=health,
        resident=person,
        kind=QuarantineKind.HOME,
        reason=QuarantineReason.TRAVEL,
        start=today - datetime.timedelta(days=RELEASE_TODAY_DAYS - 1),
        days=RELEASE_TODAY_DAYS,
        today=today,
    )
    stay_home([person.household_id], today - datetime.timedelta(days=RELEASE_TODAY_DAYS - 1))
    for back, temperature in ((1, "36.4"), (0, "36.6")):
        record_health_check(
            user=health,
            resident=person,
            temperature=temperature,
            date=today - datetime.timedelta(days=back),
            today=today,
        )
