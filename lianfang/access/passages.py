"""The gate log (通行记录) of a whole city: which passages a page shows, in what order, how many, and how an
export reads them. A city of 3 million people makes about a million passages a day; the log must answer in
milliseconds at 14 million rows, for every role that opens it.

- **The window**: whole local days [start, end], today by default. The page shows at most
  MAX_WINDOW_DAYS days at a time (the form refuses more, pointing to the export, which takes any window).
- **The order**: newest first by (server_time, id). A page is the PAGE_SIZE passages before a cursor,
  `?before=<microseconds since 1970-01-01 UTC>,<id>` (`Cursor`): no OFFSET, and no COUNT over the log. The
  first page reads at most COUNT_CAP + 1 rows, enough to say "more than 1,000".
- **The plans** (EXPLAIN on the seeded city: docs/closed-management.md, "The gate log"):
  - a scope of at most FANOUT gates (a community, a compound, one gate) is read gate by gate, a grid
    worker's (at most FANOUT_HOUSEHOLDS households) and an address household by household, in one statement
    (a LATERAL join over the keys): each key's newest rows come off `access_passage_gate_time` or
    `access_passage_hh_time` backwards — with a refusal filter `access_passage_gate_refusals`, which holds
    the refused and referred passages only — at most `limit` of them; a quiet gate costs one index probe,
    a busy one its newest rows, however long the window;
  - a wider scope (a street, a district, the city) is read backwards on `access_passage_time_path`, whose
    path column keeps other areas' passages out inside the index; with a refusal filter (decision refused
    or referred, or a code) on `access_passage_not_allowed`, which holds those rows only (a few in a
    hundred), so that "fevers in the city this month" never reads the allowed ones.
  Whatever the plan, the rows are `Passage.objects.visible_to(user)` with the filter: the key-by-key
  statement runs that queryset's own WHERE clause, compiled by Django, once per key (for a grid worker,
  whose scope joins the households, the keys are the grid's households and the WHERE the filter's), and
  the rows shown are loaded through `visible_to` again.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Q, QuerySet
from django.utils import timezone

from lianfang.access.messages import DECISION_OF, PASS_CODES
from lianfang.access.models import Decision, DecisionCode, Passage
from lianfang.core import bounds
from lianfang.core.errors import DomainError
from lianfang.places.models import Gate, Household

MAX_WINDOW_DAYS = 31  # days the page shows at once; longer periods go to the export
PAGE_SIZE = 50
COUNT_CAP = 1000  # the first page says how many up to this, "more than 1,000" past it
FANOUT = 150  # at most this many gates are read one by one
FANOUT_HOUSEHOLDS = 1000  # households: a grid's, or an address's (a few rows each)
CHUNK = 2000  # rows per statement when an export reads the log

# The answers a passage can be refused or referred with (the code filter), in DecisionCode's order.
REFUSAL_CODES = [c for c in DecisionCode if c in PASS_CODES and DECISION_OF[c] != Decision.ALLOWED]

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_MIN_MICROS = -2_208_988_800 * 1_000_000  # 1900-01-01
_MAX_MICROS = 253_402_214_400 * 1_000_000  # 9999-12-31
_TOKEN = re.compile(r"(?P<micros>-?[0-9]{1,20}),(?P<id>[0-9]{1,20})")


@dataclass(frozen=True)
class Cursor:
    """Where a page ends: the passages older than (server_time, id) come next."""

    server_time: datetime.datetime
    id: int

    @property
    def token(self) -> str:
        delta = self.server_time - _EPOCH
        micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
        return f"{micros},{self.id}"

    @classmethod
    def parse(cls, raw: Any) -> Cursor | None:
        """The cursor of an "older" link; None for anything else (a malformed one: the newest page)."""
        found = _TOKEN.fullmatch(str(raw or ""))
        if found is None:
            return None
        try:
            micros = bounds.parse_int(found["micros"], min_value=_MIN_MICROS, max_value=_MAX_MICROS)
            pk = bounds.parse_int(found["id"], min_value=1)
        except DomainError:
            return None
        return cls(_EPOCH + datetime.timedelta(microseconds=micros), pk)


@dataclass(frozen=True)
class PassageFilter:
    """What the log is asked for. `gates`: one gate or a compound's gates (None: every gate of the scope);
    `households`: the households an address matched (None: any)."""

    start: datetime.date
    end: datetime.date
    gates: tuple[int, ...] | None = None
    households: tuple[int, ...] | None = None
    direction: str = ""
    decision: str = ""
    code: str = ""

    @classmethod
    def today(cls, **kwargs: Any) -> PassageFilter:
        day = timezone.localdate()
        return cls(start=day, end=day, **kwargs)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def refusals_only(self) -> bool:
        """Whether only refused or referred passages can match (read on access_passage_not_allowed)."""
        return self.decision in (Decision.REFUSED, Decision.REFERRED) or bool(self.code)

    def window(self) -> tuple[datetime.datetime, datetime.datetime]:
        """[the start day's local midnight, the midnight after the end day)."""
        first = datetime.datetime.combine(self.start, datetime.time.min)
        after = datetime.datetime.combine(self.end, datetime.time.min) + datetime.timedelta(days=1)
        return timezone.make_aware(first), timezone.make_aware(after)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["start"], data["end"] = self.start.isoformat(), self.end.isoformat()
        for key in ("gates", "households"):
            data[key] = list(data[key]) if data[key] is not None else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PassageFilter:
        keys = {
            k: tuple(int(i) for i in data[k]) if data.get(k) is not None else None
            for k in ("gates", "households")
        }
        return cls(
            start=datetime.date.fromisoformat(data["start"]),
            end=datetime.date.fromisoformat(data["end"]),
            direction=data.get("direction", ""),
            decision=data.get("decision", ""),
            code=data.get("code", ""),
            **keys,
        )


@dataclass
class Page:
    rows: list[Passage]
    older: Cursor | None  # None: this page holds the oldest passages of the window
    count: int | None = None  # first page: passages in the window, up to COUNT_CAP + 1


def passages(
    user: Any, f: PassageFilter, before: Cursor | None = None, *, base: QuerySet[Passage] | None = None
) -> QuerySet[Passage]:
    """The passages of the filter that `user` may read, older than the cursor (unordered). `base`: the
    rows to filter instead of `visible_to(user)` (newest() only, where the keys bound the scope)."""
    start, end = f.window()
    qs = Passage.objects.visible_to(user) if base is None else base
    qs = qs.filter(server_time__gte=start, server_time__lt=end)
    if f.gates is not None:
        qs = qs.filter(gate_id__in=f.gates)
    if f.households is not None:
        qs = qs.filter(household_id__in=f.households)
    if f.direction:
        qs = qs.filter(direction=f.direction)
    if f.decision:
        qs = qs.filter(decision=f.decision)
    if f.code:
        qs = qs.filter(code=f.code)
    if f.refusals_only:
        qs = qs.exclude(decision=Decision.ALLOWED)  # the condition of access_passage_not_allowed, as written
    if before is not None:
        t = before.server_time
        qs = qs.filter(Q(server_time__lt=t) | Q(server_time=t, id__lt=before.id), server_time__lte=t)
    return qs


@dataclass(frozen=True)
class Scope:
    """What bounds the user's passages when it is small enough to read key by key: an area's gates (at most
    FANOUT), a grid worker's households (at most FANOUT_HOUSEHOLDS); None for a wider scope."""

    gates: tuple[int, ...] | None = None
    households: tuple[int, ...] | None = None

    @classmethod
    def of(cls, user: Any, gates: Sequence[int] | None = None) -> Scope:
        """`gates`: the ids of Gate.objects.visible_to(user) when the caller read them already (up to
        FANOUT + 1 of them)."""
        mode = "all" if user.is_superuser else Passage.scope.roles.get(getattr(user, "role", None))
        if mode == "grid":
            found = Household.objects.visible_to(user).order_by().values_list("id", flat=True)
            households = tuple(found[: FANOUT_HOUSEHOLDS + 1])
            return cls(households=households if len(households) <= FANOUT_HOUSEHOLDS else None)
        if mode != "path":
            return cls()
        if gates is None:
            gates = Gate.objects.visible_to(user).order_by().values_list("id", flat=True)[: FANOUT + 1]
        ids = tuple(gates)
        return cls(gates=ids if len(ids) <= FANOUT else None)


def read_page(
    user: Any,
    f: PassageFilter,
    before: Cursor | None = None,
    *,
    size: int = PAGE_SIZE,
    count: bool = False,
    scope: Scope | None = None,
) -> Page:
    """One page of the log, newest first. `count`: also say how many (up to COUNT_CAP + 1) the window
    holds; `scope`: Scope.of(user) when the caller has it (else it is read)."""
    found = newest(user, f, before, limit=COUNT_CAP + 1 if count else size + 1, scope=scope)
    shown = found[:size]
    by_id = (
        Passage.objects.visible_to(user)
        .select_related("gate__compound", "household")
        .in_bulk([pk for pk, _t in shown])
        if shown
        else {}
    )
    rows = [by_id[pk] for pk, _t in shown if pk in by_id]
    older = Cursor(shown[-1][1], shown[-1][0]) if len(found) > size else None
    return Page(rows=rows, older=older, count=len(found) if count else None)


def iter_passages(user: Any, f: PassageFilter, *, cap: int) -> Iterator[Passage]:
    """At most `cap` passages of the filter, newest first, CHUNK at a time (each a keyset page)."""
    before, left = None, cap
    scope = Scope.of(user)
    while left > 0:
        page = read_page(user, f, before, size=min(CHUNK, left), scope=scope)
        yield from page.rows
        left -= len(page.rows)
        if page.older is None:
            return
        before = page.older


def count_upto(user: Any, f: PassageFilter, cap: int) -> int:
    """How many passages the filter holds, counting no further than `cap`."""
    return len(newest(user, f, limit=cap))


def newest(
    user: Any,
    f: PassageFilter,
    before: Cursor | None = None,
    *,
    limit: int,
    scope: Scope | None = None,
) -> list[tuple[int, datetime.datetime]]:
    """(id, server_time) of the `limit` newest passages of the filter before the cursor."""
    qs = passages(user, f, before)
    ordered = qs.order_by("-server_time", "-id").values_list("id", "server_time")
    keys = _fanout(user, f, scope)
    if keys is None:
        return list(ordered[:limit])
    column, values, inside = keys
    if not values:
        return []
    if sum(1 for n in qs.query.alias_refcount.values() if n) > 1:
        if not inside:
            return list(ordered[:limit])
        # A grid worker's scope joins the households: read household by household, the keys (the grid's
        # households, or the filter's among them) being the scope. The rows shown go through visible_to.
        qs = passages(user, f, before, base=Passage.objects.all())
    compiler = qs.query.get_compiler(using=qs.db)
    try:
        where, params = compiler.compile(qs.query.where)
    except EmptyResultSet:
        return []
    table = connections[qs.db].ops.quote_name(Passage._meta.db_table)
    # Each key's newest rows come off its index in order; WITH TIES keeps the rows of the same instant as
    # the last one (the index orders by time only), and the outer ORDER BY breaks ties by id.
    sql = (
        f"SELECT p.id, p.server_time FROM unnest(%s::bigint[]) AS k(key) CROSS JOIN LATERAL ("
        f"SELECT {table}.id, {table}.server_time FROM {table} WHERE {table}.{column} = k.key AND {where} "
        f"ORDER BY {table}.server_time DESC FETCH FIRST %s ROWS WITH TIES) AS p "
        f"ORDER BY p.server_time DESC, p.id DESC LIMIT %s"
    )
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, [list(values), *params, limit, limit])
        return list(cursor.fetchall())


def _fanout(user: Any, f: PassageFilter, scope: Scope | None) -> tuple[str, Sequence[int], bool] | None:
    """The keys to read one by one (column, ids, whether the keys lie inside the user's scope), or None for
    one ordered scan of the whole scope."""
    scope = scope or Scope.of(user)
    if scope.households is not None:  # a grid worker: the grid's households, or the filter's among them
        mine = scope.households
        households = mine if f.households is None else tuple(h for h in f.households if h in set(mine))
        return "household_id", households, True
    if f.households is not None:
        return ("household_id", f.households, False) if len(f.households) <= FANOUT_HOUSEHOLDS else None
    gates = f.gates if f.gates is not None else scope.gates
    if gates is not None and len(gates) <= FANOUT:
        return "gate_id", gates, False
    return None
