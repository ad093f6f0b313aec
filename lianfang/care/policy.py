"""Which care rules apply where (the nearest CarePolicy up the area tree wins; none means the defaults),
call windows as aware datetimes, and who may do what in care."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianfang.care.models import CallWindow, CarePolicy
from lianfang.core.errors import DomainError
from lianfang.core.roles import CARE_EDIT_ROLES, Role
from lianfang.places.inherit import nearest, prefixes

# Who may change a care team's members: community staff (the "staff can change it" of the issue).
TEAM_EDIT_ROLES = frozenset({Role.COMMUNITY})


@dataclass(frozen=True)
class CareRules:
    morning_from: datetime.time = datetime.time(8, 0)
    morning_until: datetime.time = datetime.time(12, 0)
    afternoon_from: datetime.time = datetime.time(14, 0)
    afternoon_until: datetime.time = datetime.time(18, 0)
    errand_due_hours: int = 24
    source_area: str = ""  # code of the area the policy is set on ("" = defaults)

    @classmethod
    def from_model(cls, p: CarePolicy) -> CareRules:
        return cls(
            morning_from=p.morning_from,
            morning_until=p.morning_until,
            afternoon_from=p.afternoon_from,
            afternoon_until=p.afternoon_until,
            errand_due_hours=p.errand_due_hours,
            source_area=p.area.code,
        )

    def window_times(self, window: str) -> tuple[datetime.time, datetime.time]:
        if window == CallWindow.MORNING:
            return self.morning_from, self.morning_until
        return self.afternoon_from, self.afternoon_until

    def window_bounds(self, date: datetime.date, window: str) -> tuple[datetime.datetime, datetime.datetime]:
        """The window of that day as aware datetimes [start, end) in local time."""
        start, end = self.window_times(window)
        tz = timezone.get_current_timezone()
        return (
            timezone.make_aware(datetime.datetime.combine(date, start), tz),
            timezone.make_aware(datetime.datetime.combine(date, end), tz),
        )


DEFAULT_RULES = CareRules()
WINDOWS = (CallWindow.MORNING, CallWindow.AFTERNOON)


def care_policies(scope_path: str | None) -> list[tuple[str, CareRules]]:
    """(area path, rules) of every policy that can apply inside a scope (set above it or below it),
    deepest area first: the first whose path starts a household's path is the one that applies.
    `scope_path=None`: every policy (the alert task). One query."""
    qs = CarePolicy.objects.select_related("area")
    if scope_path is not None:
        qs = qs.filter(Q(area__path__in=prefixes(scope_path)) | Q(area__path__startswith=scope_path))
    rows = sorted(qs, key=lambda p: (-len(p.area.path), p.area.path))
    return [(p.area.path, CareRules.from_model(p)) for p in rows]


def care_policy_for_path(path: str) -> CareRules:
    """The rules for an area path: the CarePolicy of the deepest area above (or at) it, else defaults.
    One query."""
    row = nearest(CarePolicy, path)
    return CareRules.from_model(row) if row else DEFAULT_RULES


def rules_from(policies: list[tuple[str, CareRules]]) -> Callable[[str], CareRules]:
    """path -> rules over `care_policies` rows (deepest first), without further queries."""
    cache: dict[str, CareRules] = {}

    def resolve(path: str) -> CareRules:
        if path not in cache:
            cache[path] = next((rules for area, rules in policies if path.startswith(area)), DEFAULT_RULES)
        return cache[path]

    return resolve


def care_rules_resolver(scope_path: str | None) -> Callable[[str], CareRules]:
    """One query for every policy that can apply inside a scope (above it or below it), then a
    path -> rules function without further queries. `scope_path=None`: every policy (the alert task)."""
    return rules_from(care_policies(scope_path))


def can_edit_care(user: Any) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and (user.is_superuser or user.role in CARE_EDIT_ROLES)
    )


def require_care_editor(user: Any) -> None:
    """The role first (403); the scope is checked by reading the object through visible_to (404)."""
    if not can_edit_care(user):
        raise DomainError("forbidden", _("Your role may not change care records."), status=403)


def covers(user: Any, household: Any) -> bool:
    """Whether a user's scope covers a household (grid workers: their grid; area roles: the subtree)."""
    if user is None or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if user.role == Role.GRID:
        return bool(user.grid_id) and user.grid_id == household.grid_id
    scope = user.scope_path
    return bool(scope) and household.path.startswith(scope)
