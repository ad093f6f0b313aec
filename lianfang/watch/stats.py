"""The daily statistics: every figure of watch/metrics.py for every node of the tree for one day, computed
set-based in SQL (watch/stats_sql.py) and stored in `DailyStat`; docs/watch.md says what each figure
counts.

The nodes are the areas (city, district, street, community) and the grid nodes under each community,
`<community path>g<grid id>.` (`g0`: records of households without a grid, and records whose place is the
community itself). A record placed at an area above the communities (an early warning of a street) goes to
that area's `g0` node. How one day is computed, in one transaction:

1. the leaves: one grouped statement per source (households, residents, travel records, cases, lockdowns,
   holds, quarantines, contacts, the gate log, care calls and their windows, errands, disinfections, kits,
   alerts) writes `(leaf node, figure, value)` into a temporary table;
2. the gate flow by hour (`flow_in:HH`, `flow_out:HH`) goes in at the gate's community, and the median
   errand response at every node from the errands themselves (a median does not add up);
3. the roll-up: from the deepest nodes up, each level is the sum of the level below (its children);
4. the day's rows are replaced: DELETE that day, INSERT the nonzero rows, upsert `StatDay` (how many rows,
   how long). A day in `StatDay` without a row for a figure means 0; a day not in `StatDay` is missing.

Computing a day twice gives the same rows; two computations of the same day wait for each other (an
advisory lock on the day). The statements run with JIT and parallel workers off (the gate log is scanned
once; on a small server the other core stays with the gates) and a larger `work_mem` for the grouping.
"""

from __future__ import annotations

import datetime
import time
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianfang.care.policy import DEFAULT_RULES, WINDOWS, care_policies
from lianfang.core.bounds import MIN_DATE
from lianfang.core.errors import DomainError
from lianfang.core.roles import REFRESH_STATS
from lianfang.core.scoping import authorize_write
from lianfang.watch import stats_sql as sql
from lianfang.watch.figures import MAX_SPAN_DAYS, check_span
from lianfang.watch.models import DailyStat, StatDay

STATS_LOCK = 19527  # pg_advisory_xact_lock(STATS_LOCK, day ordinal): one computation of a day at a time
MAX_BACKFILL_DAYS = MAX_SPAN_DAYS
RETURNEE_WATCH_DAYS = 14
# A refresh asked for by a person is skipped when today's figures are younger than this.
REFRESH_EVERY = datetime.timedelta(minutes=2)
SESSION_SETTINGS = (
    "SET LOCAL jit = off",
    "SET LOCAL max_parallel_workers_per_gather = 0",
    "SET LOCAL work_mem = '64MB'",
)


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The first instant of the local day and of the next one (aware, in the city's time zone)."""
    tz = timezone.get_default_timezone()
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min), tz)
    end = timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min), tz
    )
    return start, end


def check_day(day: Any, today: datetime.date) -> datetime.date:
    """`day` when it is a date from 1900-01-01 to `today`; DomainError otherwise."""
    if not isinstance(day, datetime.date) or isinstance(day, datetime.datetime):
        raise DomainError("date_invalid", _("Enter a valid date."), field="day")
    if day > today:
        raise DomainError(
            "date_in_future", _("The date {date} is in the future.").format(date=day.isoformat()), field="day"
        )
    if day < MIN_DATE:
        raise DomainError(
            "date_out_of_range",
            _("The date must be between {first} and {last}.").format(
                first=MIN_DATE.isoformat(), last=today.isoformat()
            ),
            field="day",
        )
    return day


def compute_day(*, day: datetime.date, now: datetime.datetime | None = None, dry_run: bool = False) -> int:
    """Compute every figure of every node for `day` (today: so far, as of `now`) and replace that day's
    rows; returns the number of rows written. `dry_run`: the rows go into a temporary table of this
    transaction only (`lf_stat_dry`) and nothing is stored (the benchmark on a database it must not
    change). A day in the future is refused (`date_in_future`) and nothing is written."""
    now = now or timezone.now()
    day = check_day(day, timezone.localdate(now))
    began = time.monotonic()
    start, end = day_bounds(day)
    params: dict[str, Any] = {
        "day": day,
        "start": start,
        "end": end,
        "watch_from": day - datetime.timedelta(days=RETURNEE_WATCH_DAYS - 1),
        "tz": settings.TIME_ZONE,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [STATS_LOCK, day.toordinal()])
        for statement in SESSION_SETTINGS:
            cursor.execute(statement)
        for table in (*sql.TEMP_TABLES, sql.DRY_TABLE):
            cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{table}")  # this session's own, never a real table
        cursor.execute(sql.CREATE_WORK)
        cursor.execute(sql.CREATE_CASES, params)
        cursor.execute(sql.CREATE_HELD, params)
        cursor.execute(sql.CREATE_GATE, params)
        for leaf in sql.LEAVES:
            cursor.execute(sql.INSERT_LEAF.format(leaf=leaf), params)
        overdue = _calls_overdue(day, min(now, end))
        if overdue is not None:
            text, extra = overdue
            cursor.execute(sql.INSERT_LEAF.format(leaf=text), {**params, **extra})
        cursor.execute(sql.INSERT_FLOW, params)
        cursor.execute(sql.INSERT_MEDIAN, params)
        _roll_up(cursor)
        if dry_run:
            for statement in sql.CREATE_DRY.split(";"):
                cursor.execute(statement)
            cursor.execute(sql.INSERT_FINAL.format(table=sql.DRY_TABLE), params)
            return int(cursor.rowcount)
        table = DailyStat._meta.db_table
        cursor.execute(f"DELETE FROM {table} WHERE day = %s", [day])
        cursor.execute(sql.INSERT_FINAL.format(table=table), params)
        rows = int(cursor.rowcount)
        StatDay.objects.update_or_create(
            day=day,
            defaults={"computed_at": timezone.now(), "rows": rows, "seconds": time.monotonic() - began},
        )
    return rows


def _roll_up(cursor: Any) -> None:
    """Each depth of the tree, deepest first, summed into the one above (the root has depth 1)."""
    cursor.execute(sql.MAX_DEPTH)
    deepest = int(cursor.fetchone()[0])
    for depth in range(deepest, 1, -1):
        cursor.execute(sql.ROLL_UP, {"depth": depth})


def _calls_overdue(day: datetime.date, as_of: datetime.datetime) -> tuple[str, dict[str, Any]] | None:
    """CALLS_OVERDUE completed for `day`: the policy of each team (care's policies, deepest first, as
    care.calls.board_slots chooses them) and the end of each window of that day that has ended by `as_of`
    (care's `window_bounds`). None when no window has ended yet."""
    policies = care_policies(None)
    rules = [DEFAULT_RULES, *(r for _path, r in policies)]
    params: dict[str, Any] = {}
    windows: list[str] = []
    for i, r in enumerate(rules):
        for window in WINDOWS:
            _start, ends = r.window_bounds(day, window)
            if ends <= as_of:
                n = len(windows)
                params.update({f"w{n}_pol": i, f"w{n}_win": window.value, f"w{n}_ends": ends})
                windows.append(f"(%(w{n}_pol)s::int, %(w{n}_win)s::text, %(w{n}_ends)s::timestamptz)")
    if not windows:
        return None
    whens = []
    for i, (path, _rules) in enumerate(policies, start=1):
        params[f"pol{i}"] = path
        whens.append(f"WHEN starts_with(t.path, %(pol{i})s) THEN {i}")
    pol = f"CASE {' '.join(whens)} ELSE 0 END" if whens else "0"
    return sql.CALLS_OVERDUE.format(pol=pol, windows=", ".join(windows)), params


# ------------------------------------------------------------------ several days, today, on demand
def check_range(start: Any, end: Any, today: datetime.date) -> list[datetime.date]:
    """The days from `start` to `end` (inclusive) that a backfill may compute: both dates, in order, not in
    the future, at most MAX_BACKFILL_DAYS days; DomainError otherwise."""
    for value, field in ((start, "from"), (end, "to")):
        if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
            raise DomainError("date_invalid", _("Enter a valid date."), field=field)
    days = check_span(start, end)
    if end > today:
        raise DomainError(
            "date_in_future", _("The date {date} is in the future.").format(date=end.isoformat()), field="to"
        )
    if start < MIN_DATE:
        raise DomainError(
            "date_out_of_range",
            _("The date must be between {first} and {last}.").format(
                first=MIN_DATE.isoformat(), last=today.isoformat()
            ),
            field="from",
        )
    return [start + datetime.timedelta(days=i) for i in range(days)]


def backfill(
    *, start: datetime.date, end: datetime.date, now: datetime.datetime | None = None
) -> list[tuple[datetime.date, int]]:
    """Compute every day from `start` to `end` from the records (each day in its own transaction, as the
    nightly task does); returns (day, rows) per day. The range is checked first (`check_range`): a bad
    range is refused and nothing is written."""
    now = now or timezone.now()
    days = check_range(start, end, timezone.localdate(now))
    return [(day, compute_day(day=day, now=now)) for day in days]


def compute_today(*, user: Any = None, now: datetime.datetime | None = None) -> StatDay:
    """Today's figures so far, on demand ("refresh today"): the whole city's, so that every level adds up.
    A person asking (`user`) needs REFRESH_STATS, and gets the figures as they are when they are younger
    than REFRESH_EVERY (a busy dashboard does not recompute the city at every click); the worker (no user)
    always recomputes. Returns today's StatDay."""
    if user is not None:
        authorize_write(user, action=REFRESH_STATS)
    now = now or timezone.now()
    today = timezone.localdate(now)
    if user is not None:
        fresh = StatDay.objects.filter(day=today, computed_at__gt=now - REFRESH_EVERY).first()
        if fresh is not None:
            return fresh
    compute_day(day=today, now=now)
    return StatDay.objects.get(day=today)
