"""Care calls (暖心电话): the schedule computed from dates and the policy windows, and recording a call
(health checks through epi, needs become errands, unreachable twice escalates). Public through
lianfang.care.services."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connections, transaction
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils.translation import gettext as _

from lianfang.care.common import local_date, not_in_quarantine, now_or, open_team, visible_household
from lianfang.care.errands import create_errand_rows
from lianfang.care.models import CallWindow, CareCall, CareTeam, CareTeamMember
from lianfang.care.policy import (
    DEFAULT_RULES,
    WINDOWS,
    CareRules,
    care_policies,
    care_policy_for_path,
)
from lianfang.core import audit
from lianfang.core.alerts import raise_alert
from lianfang.core.audit import AuditAction
from lianfang.core.errors import DomainError
from lianfang.core.models import AlertKind, AlertSeverity
from lianfang.core.roles import EDIT_CARE
from lianfang.core.scoping import authorize_write
from lianfang.epi.models import CheckSource
from lianfang.epi.services import record_health_check
from lianfang.people.models import Resident
from lianfang.places.models import Compound, Household

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


def held_teams(base: QuerySet, today: datetime.date) -> QuerySet:
    """Open teams of held households that have begun (the care schedule's rows)."""
    return base.filter(ended__isnull=True, household__exits_held_until__gte=today, started__lte=today)


@dataclass(frozen=True)
class BoardSlots:
    """The first overdue and due windows of a scope, each list ordered by the window's end, the household's
    label (by code point) and the team, and how many there are."""

    overdue: list[CallSlot]
    due: list[CallSlot]
    n_overdue: int
    n_due: int
    n_my_overdue: int


def _day_slots(today: datetime.date) -> list[tuple[str, datetime.date, str]]:
    yesterday = today - datetime.timedelta(days=1)
    return [(key, day, window) for key, day in (("y", yesterday), ("t", today)) for window in WINDOWS]


def _loader(model: Any, alias: str, connection: Any) -> tuple[str, Callable[[Any], Any]]:
    """The SELECT list of `model`'s columns under `alias`, and values -> instance, converted as the ORM
    converts them (the fields' from_db_value): raw SQL rows become model instances."""
    fields = model._meta.concrete_fields
    qn = connection.ops.quote_name
    columns = [f.get_col(alias) for f in fields]
    converters = [connection.ops.get_db_converters(c) + c.get_db_converters(connection) for c in columns]
    names = [f.attname for f in fields]
    db = connection.alias

    def load(values: Any) -> Any:
        converted = []
        for value, col, convs in zip(values, columns, converters, strict=True):
            for convert in convs:
                value = convert(value, col, connection)
            converted.append(value)
        return model.from_db(db, names, converted)

    return ", ".join(f"{alias}.{qn(f.column)}" for f in fields), load


def board_slots(
    base: QuerySet,
    now: datetime.datetime,
    policies: list[tuple[str, CareRules]],
    user: Any = None,
    limit: int | None = 100,
) -> BoardSlots:
    """The call windows of yesterday and today not called yet, of the held teams of `base`: the first
    `limit` overdue and due windows (all with `limit=None`) and their counts, in one query whatever the
    number of teams; the teams listed come with their household and its compound (as select_related gives
    them). The one implementation of "which call windows are overdue or due now": the board, `call_slots`
    and the overdue alerts read it here. Its oracle in Python is care/tests/slots_oracle.py
    (test_board_slots_sql compares them).

    A window is due from its start and overdue from its end; yesterday's windows count only for a team
    that began by yesterday; a household's window is done once a call of that day and window is recorded.

    `policies` are `care_policies(scope)` rows (deepest area first). Their windows of yesterday and today
    are computed here, in Python, as `window_bounds` does; SQL gets, per policy and window, only whether it
    is overdue or due now and the rank of its end: a team takes the first policy whose area path starts
    its path (a CASE), joins those rows, drops the windows already called (EXISTS on care calls) and
    yesterday's when the team began today, then numbers and counts them per state ordered by (end,
    household label, team) — labels compared by code point (COLLATE "C"), as Python compares strings."""
    today = local_date(now)
    yesterday = today - datetime.timedelta(days=1)
    slots = _day_slots(today)
    rules = [DEFAULT_RULES, *(r for _path, r in policies)]
    # (policy index, slot index) -> (start, end) of the windows begun by now (never none: yesterday's have)
    begun: dict[tuple[int, int], tuple[datetime.datetime, datetime.datetime]] = {}
    for i, r in enumerate(rules):
        for s, (_key, day, window) in enumerate(slots):
            start, end = r.window_bounds(day, window)
            if now >= start:
                begun[(i, s)] = (start, end)
    rank = {end: n for n, end in enumerate(sorted({end for _start, end in begun.values()}))}
    flags: dict[str, Any] = {
        f"c{s}": Exists(CareCall.objects.filter(household_id=OuterRef("household_id"), date=d, window=w))
        for s, (_key, d, w) in enumerate(slots)
    }
    mine: Any = Value(False)
    if user is not None:
        mine = Exists(CareTeamMember.objects.filter(team_id=OuterRef("pk"), user_id=user.pk))
    whens = [When(path__startswith=path, then=Value(i)) for i, (path, _r) in enumerate(policies, start=1)]
    teams = (
        held_teams(base, today)
        .annotate(
            **flags,
            mine=mine,
            pol=Case(*whens, default=Value(0), output_field=IntegerField()) if whens else Value(0),
            begun_y=ExpressionWrapper(Q(started__lte=yesterday), output_field=BooleanField()),
            label=F("household__label"),
            team=F("pk"),
        )
        .order_by()
        .values("team", "mine", "pol", "begun_y", "label", *flags)
    )
    inner_sql, inner_params = teams.query.get_compiler(using=teams.db).as_sql()
    windows_sql = " UNION ALL ".join("SELECT %s AS pol, %s AS slot, %s AS overdue, %s AS ends" for _ in begun)
    windows_params: list[Any] = []
    for (i, s), (_start, end) in begun.items():
        windows_params += [i, s, 1 if now >= end else 0, rank[end]]
    connection = connections[teams.db]
    called = " ".join(f"WHEN {s} THEN t.c{s}" for s in range(len(slots)))
    order = 'w.ends, t.label COLLATE "C", t.team, w.slot'  # `slot` orders a team's windows that end together
    team_cols, team_of = _loader(CareTeam, "lf_t", connection)
    household_cols, household_of = _loader(Household, "lf_h", connection)
    compound_cols, compound_of = _loader(Compound, "lf_c", connection)
    sql = f"""
        SELECT x.slot, x.pol, x.overdue, x.mine, x.n, x.n_mine, {team_cols}, {household_cols}, {compound_cols}
        FROM (
            SELECT t.team, w.slot, w.pol, w.overdue, t.mine,
                ROW_NUMBER() OVER (PARTITION BY w.overdue ORDER BY {order}) AS rn,
                COUNT(*) OVER (PARTITION BY w.overdue) AS n,
                SUM(CASE WHEN t.mine THEN 1 ELSE 0 END) OVER (PARTITION BY w.overdue) AS n_mine
            FROM ({inner_sql}) t INNER JOIN ({windows_sql}) w ON w.pol = t.pol
            WHERE (w.slot >= 2 OR t.begun_y) AND NOT (CASE w.slot {called} END)
        ) x
        INNER JOIN {CareTeam._meta.db_table} lf_t ON lf_t.id = x.team
        INNER JOIN {Household._meta.db_table} lf_h ON lf_h.id = lf_t.household_id
        INNER JOIN {Compound._meta.db_table} lf_c ON lf_c.id = lf_h.compound_id
        {"" if limit is None else "WHERE x.rn <= %s"} ORDER BY x.overdue DESC, x.rn
    """  # only numbers, names and the ORM's own SQL are formatted in
    shown = [] if limit is None else [max(limit, 1)]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*inner_params, *windows_params, *shown])
        rows = cursor.fetchall()
    out: dict[bool, list[CallSlot]] = {True: [], False: []}
    counts = {True: (0, 0), False: (0, 0)}
    teams_by_pk: dict[int, CareTeam] = {}
    n_team, n_household = len(CareTeam._meta.concrete_fields), len(Household._meta.concrete_fields)
    for row in rows:
        s, i, overdue, is_mine, n, n_mine = row[:6]
        values = row[6:]
        team = team_of(values[:n_team])
        team = teams_by_pk.setdefault(team.pk, team)  # one object per team, as select_related gives
        if not CareTeam.household.is_cached(team):
            household = household_of(values[n_team : n_team + n_household])
            Household.compound.field.set_cached_value(household, compound_of(values[n_team + n_household :]))
            CareTeam.household.field.set_cached_value(team, household)
        _key, day, window = slots[s]
        start, end = begun[(i, s)]
        late = bool(overdue)
        out[late].append(CallSlot(team, day, window, start, end, late, bool(is_mine)))
        counts[late] = (int(n), int(n_mine or 0))
    (n_overdue, n_my_overdue), (n_due, _n) = counts[True], counts[False]
    return BoardSlots(out[True][:limit], out[False][:limit], n_overdue, n_due, n_my_overdue)


def call_slots(
    user: Any, now: datetime.datetime | None = None, household: Household | None = None
) -> tuple[list[CallSlot], list[CallSlot]]:
    """(overdue, due) call windows the user can see, optionally of one household: every one, as
    `board_slots` finds them. Two queries."""
    now = now_or(now)
    base = CareTeam.objects.visible_to(user)
    if household is not None:
        base = base.filter(household_id=household.pk)
    policies = care_policies(getattr(user, "scope_path", None) or "")
    slots = board_slots(base, now, policies, user, limit=None)
    return slots.overdue, slots.due


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
    authorize_write(user, action=EDIT_CARE)
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
        raise_alert(
            kind=AlertKind.UNREACHABLE,
            severity=AlertSeverity.URGENT,
            title=_("Household unreachable twice in a row: {label}").format(label=household.label),
            detail=_("No answer to the care calls of {date} ({window}) and the one before.").format(
                date=date, window=CallWindow(window).label
            ),
            path=household.path,
            household_id=household.pk,
            grid_id=household.grid_id,
            source_type="care_call",
            source_id=str(call.pk),
            dedup_key=f"unreachable:{household.pk}:{date.isoformat()}",
        )
    audit.log(
        user=user,
        action=AuditAction.CREATE,
        obj=call,
        summary=_("Answered; temperatures recorded: {checks}, needs: {needs}").format(
            checks=len(readings), needs=len(needs)
        )
        if reached
        else _("Nobody answered"),
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
