"""The audience of a notice: an area (optionally one compound of it) × who (households, staff, grid workers,
volunteers) × tags that narrow the households (any of: in quarantine or sealed, a vulnerable member, a
returnee of the last 14 days).

- "In quarantine" reads `Household.exits_held_until` (epi.holds keeps it: home quarantine, lockdowns,
  cases); "vulnerable" a resident with a `people.Tag`; "returnees" a `TravelRecord` arriving in the last
  `RETURNEE_DAYS` days. Party members are the volunteers' accounts (they reported in as party members).
- `count_audience` is the live count of the draft page; `publish_notice` freezes the same querysets.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from lianfang.accounts.models import User
from lianfang.notices.models import AUDIENCE_ROLES, Audience, AudienceTag
from lianfang.people.models import Resident, TravelRecord
from lianfang.places.models import Area, Compound, Household

RETURNEE_DAYS = 14


@dataclass(frozen=True)
class AudienceSpec:
    area: Area
    compound: Compound | None = None
    audiences: tuple[str, ...] = (Audience.HOUSEHOLDS,)
    tags: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def of(cls, notice: Any) -> AudienceSpec:
        return cls(
            area=notice.area,
            compound=notice.compound,
            audiences=tuple(notice.audience_list),
            tags=tuple(notice.tag_list),
        )


def households_of(spec: AudienceSpec, *, today: datetime.date) -> QuerySet[Household]:
    """The households the spec reaches (none unless it names households)."""
    if Audience.HOUSEHOLDS not in spec.audiences:
        return Household.objects.none()
    qs = Household.objects.filter(path__startswith=spec.area.path)
    if spec.compound is not None:
        qs = qs.filter(compound=spec.compound)
    if spec.tags:
        narrow = Q()
        if AudienceTag.QUARANTINED in spec.tags:
            narrow |= Q(exits_held_until__gte=today)
        if AudienceTag.VULNERABLE in spec.tags:
            narrow |= Q(Exists(Resident.objects.filter(household=OuterRef("pk")).exclude(tags="")))
        if AudienceTag.RETURNEES in spec.tags:
            since = today - datetime.timedelta(days=RETURNEE_DAYS)
            narrow |= Q(
                Exists(
                    TravelRecord.objects.filter(resident__household=OuterRef("pk"), arrival_date__gte=since)
                )
            )
        qs = qs.filter(narrow)
    return qs


def residents_of(spec: AudienceSpec, *, today: datetime.date) -> QuerySet[Resident]:
    """Everybody living in the households the spec reaches (a per-person notice)."""
    return Resident.objects.filter(household__in=households_of(spec, today=today))


def accounts_of(spec: AudienceSpec) -> QuerySet[User]:
    """The active accounts of the roles the spec names whose scope lies in its area."""
    roles = [r for a in spec.audiences for r in AUDIENCE_ROLES.get(a, ())]  # type: ignore[call-overload]
    if not roles:
        return User.objects.none()
    path = spec.compound.path if spec.compound is not None else spec.area.path
    return User.objects.filter(is_active=True, role__in=roles, scope_path_cache__startswith=path)


def count_audience(spec: AudienceSpec, *, today: datetime.date, per_person: bool = False) -> dict[str, int]:
    """The live count: households (or persons) and accounts."""
    people = (residents_of if per_person else households_of)(spec, today=today).count()
    accounts = accounts_of(spec).count()
    return {
        "households": 0 if per_person else people,
        "persons": people if per_person else 0,
        "accounts": accounts,
        "total": people + accounts,
    }
