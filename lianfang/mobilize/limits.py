"""Limits that keep volunteers from burning out, and the overlap rule.

The nearest `LimitPolicy` on an area's path wins (a community's own, else its street's, district's, city's),
else the defaults of the model. A new duty [start, end) is refused when
- it overlaps another live duty of the same volunteer (`overlap`),
- the gap to another live duty is shorter than the minimum rest (`rest_too_short`),
- some 24-hour (or 7-day) window would then hold more hours than allowed (`over_day_limit`,
  `over_week_limit`). The most hours any window of width W holds is reached with the window starting at
  some duty's start or ending at some duty's end, so only those windows are checked.

Callers lock the volunteer's row first (select_for_update), so that two concurrent assignments of one
person are checked one after the other and cannot both pass."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from lianfang.core.alerts import path_prefixes
from lianfang.core.errors import DomainError
from lianfang.mobilize.models import LIVE_ASSIGNMENTS, Assignment, LimitPolicy, Volunteer

Interval = tuple[datetime.datetime, datetime.datetime]
DAY = datetime.timedelta(hours=24)
WEEK = datetime.timedelta(days=7)


@dataclass(frozen=True)
class Limits:
    hours_per_day: int = 12
    hours_per_week: int = 48
    min_rest_hours: int = 8
    lapse_months: int = 6


def policy_for_path(path: str) -> Limits:
    found = {
        p.area.path: p
        for p in LimitPolicy.objects.filter(area__path__in=path_prefixes(path)).select_related("area")
    }
    for prefix in reversed(path_prefixes(path)):
        p = found.get(prefix)
        if p is not None:
            return Limits(p.hours_per_day, p.hours_per_week, p.min_rest_hours, p.lapse_months)
    return Limits()


def hours(a: datetime.datetime, b: datetime.datetime) -> float:
    return max(0.0, (b - a).total_seconds() / 3600)


def most_hours_in_window(duties: list[Interval], width: datetime.timedelta) -> float:
    """The most hours of `duties` that any window of `width` holds."""
    anchors = [s for s, _e in duties] + [e - width for _s, e in duties]
    best = 0.0
    for a in anchors:
        b = a + width
        best = max(best, sum(hours(max(a, s), min(b, e)) for s, e in duties))
    return best


def duties_near(volunteer: Volunteer, start: datetime.datetime, end: datetime.datetime) -> list[Interval]:
    """The volunteer's live duties within 7 days of [start, end)."""
    return list(
        Assignment.objects.filter(
            volunteer=volunteer,
            status__in=LIVE_ASSIGNMENTS,
            shift__ends_at__gt=start - WEEK,
            shift__starts_at__lt=end + WEEK,
        ).values_list("shift__starts_at", "shift__ends_at")
    )


def refusal(
    volunteer: Volunteer, start: datetime.datetime, end: datetime.datetime, limits: Limits
) -> DomainError | None:
    """Why the volunteer may not take the duty [start, end), or None."""
    others = duties_near(volunteer, start, end)
    if any(s < end and start < e for s, e in others):
        return DomainError(
            "overlap", _("{name} is already on a duty at that time.").format(name=volunteer.name)
        )
    rest = datetime.timedelta(hours=limits.min_rest_hours)
    if any((start - e < rest if e <= start else s - end < rest) for s, e in others):
        return DomainError(
            "rest_too_short",
            _("{name} needs {n} hours of rest between two duties.").format(
                name=volunteer.name, n=limits.min_rest_hours
            ),
        )
    duties = [*others, (start, end)]
    if most_hours_in_window(duties, DAY) > limits.hours_per_day:
        return DomainError(
            "over_day_limit",
            _("{name} would serve more than {n} hours within 24 hours.").format(
                name=volunteer.name, n=limits.hours_per_day
            ),
        )
    if most_hours_in_window(duties, WEEK) > limits.hours_per_week:
        return DomainError(
            "over_week_limit",
            _("{name} would serve more than {n} hours within 7 days.").format(
                name=volunteer.name, n=limits.hours_per_week
            ),
        )
    return None


def check_limits(volunteer: Volunteer, start: datetime.datetime, end: datetime.datetime) -> None:
    err = refusal(volunteer, start, end, policy_for_path(volunteer.path))
    if err is not None:
        raise err
