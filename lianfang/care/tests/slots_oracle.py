"""The care schedule's windows in Python: the test oracle of `calls.board_slots`.

Production finds the call windows that are overdue or due now in one SQL query (lianfang/care/calls.py,
`board_slots`: the board, `call_slots` and the overdue alerts). This is the same answer written plainly:
every held team of the scope loaded with one flag per window of yesterday and today (called or not), then
each window's bounds from the team's policy, compared with now, in Python. test_board_slots_sql compares the
two on random households, teams, calls, policies and times of day.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from lianfang.care.calls import CallSlot, held_teams
from lianfang.care.common import local_date
from lianfang.care.models import CareCall, CareTeam, CareTeamMember
from lianfang.care.policy import WINDOWS, CareRules


def _slot_flag(date_key: str, window: str) -> str:
    return f"called_{date_key}_{window}"


def annotated_teams(base: QuerySet, now: datetime.datetime, user: Any = None) -> QuerySet:
    """`held_teams` with one boolean per window of yesterday and today (called or not), and `mine`
    (the user is a member), skipping teams whose four windows are all called: one query."""
    today = local_date(now)
    yesterday = today - datetime.timedelta(days=1)
    flags: dict[str, Any] = {}
    pending = Q()
    for key, day in (("y", yesterday), ("t", today)):
        for window in WINDOWS:
            name = _slot_flag(key, window)
            flags[name] = Exists(
                CareCall.objects.filter(household_id=OuterRef("household_id"), date=day, window=window)
            )
            cond = Q(**{name: False})
            if key == "y":
                cond &= Q(started__lte=yesterday)
            pending |= cond
    if user is not None:
        flags["mine"] = Exists(CareTeamMember.objects.filter(team_id=OuterRef("pk"), user_id=user.pk))
    return (
        held_teams(base, today)
        .annotate(**flags)
        .filter(pending)
        .select_related("household__compound")
        .order_by("household__label", "pk")
    )


def slots_of(
    teams: Iterable[CareTeam], now: datetime.datetime, rules_for: Callable[[str], CareRules]
) -> tuple[list[CallSlot], list[CallSlot]]:
    """(overdue, due) windows of yesterday and today for `annotated_teams` rows, in Python."""
    today = local_date(now)
    yesterday = today - datetime.timedelta(days=1)
    overdue: list[CallSlot] = []
    due: list[CallSlot] = []
    for team in teams:
        rules = rules_for(team.path)
        for key, day in (("y", yesterday), ("t", today)):
            if day < team.started:
                continue
            for window in WINDOWS:
                if getattr(team, _slot_flag(key, window)):
                    continue
                start, end = rules.window_bounds(day, window)
                if now >= end:
                    overdue.append(
                        CallSlot(team, day, window, start, end, True, getattr(team, "mine", False))
                    )
                elif now >= start:
                    due.append(CallSlot(team, day, window, start, end, False, getattr(team, "mine", False)))
    overdue.sort(key=lambda s: (s.ends_at, s.team.household.label, s.team.pk))
    due.sort(key=lambda s: (s.ends_at, s.team.household.label, s.team.pk))
    return overdue, due
