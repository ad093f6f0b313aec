"""Care calls (暖心电话): the schedule computed from dates and the policy windows, and recording a call
(health checks through epi, needs become errands, unreachable twice escalates). Public through
lianfang.care.services."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from lianfang.care.common import local_date, not_in_quarantine, now_or, open_team, visible_household
from lianfang.care.models import CallWindow, CareCall, CareTeam, CareTeamMember
from lianfang.care.policy import WINDOWS, CareRules, care_policy_for_path, require_care_editor
from lianfang.core import audit
from lianfang.core.audit import AuditAction
from lianfang.core.errors import DomainError
from lianfang.core.models import Alert, AlertKind
from lianfang.epi.models import CheckSource
from lianfang.people.models import Resident
from lianfang.places.models import Household

MAX_NOTES = 2000


@dataclass(frozen=True)
class CallSlot:
    """One call window of one household on one day, not called yet."""

    team: CareTeam
    date: datetime.date
    window: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    overdue: bool
    mine: bool = False

    @property
    def household(self) -> Household:
        return self.team.household

    @property
    def window_label(self) -> str:
        return str(CallWindow(self.window).label)

    @property
    def source_id(self) -> str:
        """The idempotency key of its overdue alert."""
        return f"{self.team.household_id}:{self.date.isoformat()}:{self.window}"


def _slot_flag(date_key: str, window: str) -> str:
    return f"called_{date_key}_{window}"


def held_teams(base: QuerySet, today: datetime.date) -> QuerySet:
    """Open teams of held households that have begun (the care schedule's rows)."""
    return base.filter(ended__isnull=True, household__exits_held_until__gte=today, started__lte=today)


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


def call_slots(
    user: Any, now: datetime.datetime | None = None, household: Household | None = None
) -> tuple[list[CallSlot], list[CallSlot]]:
    """(overdue, due) call windows the user can see, optionally of one household. Two queries."""
    from lianfang.care.policy import care_rules_resolver

    now = now_or(now)
    base = CareTeam.objects.visible_to(user)
    if household is not None:
        base = base.filter(household_id=household.pk)
    teams = list(annotated_teams(base, now, user))
    return slots_of(teams, now, care_rules_resolver(getattr(user, "scope_path", None) or ""))


def next_call_window(
    household: Household, now: datetime.datetime | None = None
) -> tuple[datetime.datetime, datetime.datetime] | None:
    """The window in progress or the next one (today or tomorrow) for the household's own page; None
    when the household is not in care."""
    now = now_or(now)
    today = local_date(now)
    team = CareTeam.objects.filter(household=household, ended__isnull=True).first()
    if team is None or household.exits_held_until is None or household.exits_held_until < today:
        return None
    rules = care_policy_for_path(household.path)
    day = max(today, team.started)
    while day <= household.exits_held_until:
        for window in WINDOWS:
            start, end = rules.window_bounds(day, window)
            if now < end:
                return start, end
        day += datetime.timedelta(days=1)
    return None


# ------------------------------------------------------------------ recording
def _checks(household: Household, checks: Iterable[dict[str, Any]]) -> list[tuple[Resident, Any, list[str]]]:
    members = {r.pk: r for r in Resident.objects.filter(household=household)}
    out = []
    for entry in checks or ():
        raw = entry.get("resident")
        pk = raw.pk if isinstance(raw, Resident) else raw
        temperature = entry.get("temperature")
        symptoms = [s for s in (entry.get("symptoms") or ()) if str(s).strip()]
        if (temperature is None or str(temperature).strip() == "") and not symptoms:
            continue  # nobody measured this person on this call
        try:
            resident = members[int(str(pk))]
        except (KeyError, TypeError, ValueError):
            raise DomainError(
                "not_a_member", _("This person is not a member of the household."), field="checks"
            ) from None
        out.append((resident, temperature, symptoms))
    return out


def _unreached_twice(call: CareCall) -> bool:
    before = (
        CareCall.objects.filter(household_id=call.household_id)
        .filter(Q(date__lt=call.date) | Q(date=call.date, window__lt=call.window))
        .order_by("-date", "-window")
        .values_list("reached", flat=True)
        .first()
    )
    return before is False


@transaction.atomic
def record_call(
    *,
    user: Any,
    household: Household,
    date: datetime.date | None = None,
    window: str,
    reached: bool,
    checks: Iterable[dict[str, Any]] = (),
    needs: Iterable[dict[str, Any]] = (),
    notes: str = "",
    now: datetime.datetime | None = None,
) -> CareCall:
    """Record the call of one window: once per household, day and window; reached or not; health checks
    of the people reached become epi health checks (source "call"); needs become errands."""
    from lianfang.care.errands import create_errand_rows
    from lianfang.epi.services import record_health_check

    require_care_editor(user)
    household = visible_household(user, household)
    now = now_or(now)
    today = local_date(now)
    date = date or today
    if window not in CallWindow.values:
        raise DomainError("bad_window", _("Morning or afternoon call?"), field="window")
    team = open_team(household, today)
    if date < team.started or household.exits_held_until is None or date > household.exits_held_until:
        raise not_in_quarantine()
    rules = care_policy_for_path(household.path)
    start, _end = rules.window_bounds(date, window)
    if now < start:
        raise DomainError(
            "call_window_not_started",
            _("The {window} call window of {date} begins at {time}.").format(
                window=CallWindow(window).label, date=date, time=start.strftime("%H:%M")
            ),
            field="window",
        )
    if CareCall.objects.filter(household=household, date=date, window=window).exists():
        raise _already(date, window)
    reached = bool(reached)
    readings = _checks(household, checks)
    needs = [n for n in (needs or ()) if n]
    if not reached and (readings or needs):
        raise DomainError(
            "call_not_reached",
            _("Nobody answered: there are no temperatures or needs to record."),
            field="reached",
        )
    try:
        with transaction.atomic():
            call = CareCall.objects.create(
                household=household,
                team=team,
                date=date,
                window=window,
                reached=reached,
                notes=str(notes or "").strip()[:MAX_NOTES],
                caller=user,
                called_at=now,
                path=household.path,
            )
    except IntegrityError:  # a second caller won the race
        raise _already(date, window) from None
    for resident, temperature, symptoms in readings:
        # epi's service checks and stores the reading (fever line, abnormal alert); the caller records it.
        record_health_check(
            user=user,
            resident=resident,
            temperature=temperature,
            symptoms=symptoms,
            date=date,
            today=today,
            source=CheckSource.CARE_CALL,
        )
    create_errand_rows(user=user, household=household, needs=needs, call=call, now=now)
    if not reached and _unreached_twice(call):
        Alert.objects.create(
            kind=AlertKind.UNREACHABLE,
            title=_("Household unreachable twice in a row: {label}").format(label=household.label),
            detail=_("No answer to the care calls of {date} ({window}) and the one before.").format(
                date=date, window=CallWindow(window).label
            ),
            path=household.path,
            household=household,
            source_type="care_call",
            source_id=str(call.pk),
        )
    audit.log(
        user=user,
        action=AuditAction.CREATE,
        obj=call,
        summary=f"care call {date} {window} {'reached' if reached else 'unreached'}",
    )
    return call


def _already(date: datetime.date, window: str) -> DomainError:
    return DomainError(
        "call_already_recorded",
        _("The {window} call of {date} is already recorded.").format(
            window=CallWindow(window).label, date=date
        ),
        field="window",
    )
