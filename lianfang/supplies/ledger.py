"""The stock ledger: the only code that writes `Movement` and `Balance` (docs/supplies.md).

`post_movements(user=..., lines=[...])` posts several movements as one transaction, all or nothing:

1. every line is checked first (quantity a whole number > 0, the kind's direction, the lot's item, a lot
   past its expiry refused except to write it off), then the user's right to the kind at each location
   (`authorize_write` with the kind's Action: 403, or 404 out of scope);
2. the stores that incoming stock goes to are locked (FOR SHARE) and must still be in use — a store being
   closed (`setup.close_store` locks its row first) is not filled at that moment; then the balance rows
   that incoming stock needs are created (INSERT … ON CONFLICT DO NOTHING, in sorted order);
3. every balance of each (location, item) touched is locked with `SELECT … FOR UPDATE` in ONE fixed order —
   sorted by (location, item, lot) — so two postings that touch the same balances (two transfers in opposite
   directions, two clerks issuing the same last box) wait for each other instead of deadlocking;
4. outgoing lines without a lot take the lot that expires first (FEFO: by expiry, no expiry last, skipping
   expired lots), splitting over several lots when one is not enough;
5. any balance that would go below zero refuses the whole posting with `insufficient_stock`, naming every
   item that is short (a kit names all its missing components at once); nothing is written;
6. the movements are inserted and the balances updated (one statement each), so that each balance stays
   the sum of its movements (`audit_ledger` checks it in one query) — and the CHECK constraint would
   refuse a negative balance even if this code were wrong;
7. low stock: a (location, item) whose stock went below its level (its minimum, or the days of cover at the
   rate of its last 7 days' issues) raises ONE alert per crossing (`Threshold.low_since` is the crossing;
   it is cleared, and the alert armed again, when stock is back at the level).

A movement is dated today (`effective_day`): no back-dating, no dating ahead.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.core.errors import DomainError
from lianfang.core.roles import ADJUST_STOCK, ISSUE_STOCK, RECEIVE_STOCK, Action
from lianfang.core.scoping import authorize_write, not_found
from lianfang.places.models import Household
from lianfang.supplies.lowstock import low_stock
from lianfang.supplies.models import (
    KIND_DIRECTION,
    QTY_MAX,
    Balance,
    IssueTo,
    Item,
    Location,
    Lot,
    Movement,
    MovementKind,
    Threshold,
)

# The Action each kind needs at its location.
KIND_ACTION: dict[str, Action] = {
    MovementKind.RECEIVE: RECEIVE_STOCK,
    MovementKind.TRANSFER_IN: RECEIVE_STOCK,
    MovementKind.RETURN: RECEIVE_STOCK,
    MovementKind.TRANSFER_OUT: ISSUE_STOCK,
    MovementKind.ISSUE: ISSUE_STOCK,
    MovementKind.WRITE_OFF: ADJUST_STOCK,
    MovementKind.ADJUST: ADJUST_STOCK,
    MovementKind.REVERSAL: ADJUST_STOCK,
}


@dataclass
class Line:
    """One movement to post. `direction` only for adjustments (+1 / -1); `lot` None: incoming stock goes to
    the item's lot without code or expiry, outgoing stock is taken first-expiry-first-out."""

    kind: str
    location: Location | int
    item: Item | int
    quantity: Any
    lot: Lot | int | None = None
    direction: int = 0
    reason: str = ""
    issued_to: str = ""
    household_id: int | None = None
    counterpart_id: int | None = None
    request_id: int | None = None
    donation_id: int | None = None
    stocktake_id: int | None = None
    reverses_id: int | None = None
    reference: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _pk(value: Any) -> int:
    return int(value.pk if hasattr(value, "pk") else value)


def parse_quantity(raw: Any, *, field_name: str = "quantity") -> int:
    """A movement's quantity: a whole number from 1 to QTY_MAX (a bool, a fraction or text is refused)."""
    if isinstance(raw, bool):
        raw = "x"
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    try:
        value = int(str(raw).strip()) if not isinstance(raw, int) else raw
    except (TypeError, ValueError):
        raise DomainError(
            "quantity_invalid", _("The quantity must be a whole number."), field=field_name
        ) from None
    if value <= 0:
        raise DomainError(
            "quantity_not_positive", _("The quantity must be more than zero."), field=field_name
        )
    if value > QTY_MAX:
        raise DomainError(
            "quantity_too_large",
            _("The quantity must be at most {n}.").format(n=QTY_MAX),
            field=field_name,
        )
    return value


def today_local(now: datetime.datetime | None = None) -> datetime.date:
    return timezone.localdate(now or timezone.now())


def check_day(effective_day: datetime.date | None, today: datetime.date) -> datetime.date:
    """A movement is dated today: before is back-dating, after is dating ahead; both refused."""
    if effective_day is None or effective_day == today:
        return today
    if effective_day < today:
        raise DomainError(
            "backdated",
            _("A movement cannot be dated before today ({today}).").format(today=today),
            field="effective_day",
        )
    raise DomainError(
        "date_in_future",
        _("The date {date} is in the future.").format(date=effective_day),
        field="effective_day",
    )


def default_lot(item_id: int) -> Lot:
    lot, _created = Lot.objects.get_or_create(item_id=item_id, code="", expires_on=None)
    return lot


def find_lot(*, item: Item, code: str = "", expires_on: datetime.date | None = None) -> Lot:
    """The lot of `item` with this code and expiry, created the first time it is received."""
    code = " ".join(str(code or "").split())[:40]
    lot, _created = Lot.objects.get_or_create(item=item, code=code, expires_on=expires_on)
    return lot


@dataclass
class _Plan:
    line: Line
    location: Location
    item: Item
    quantity: int
    direction: int
    lot: Lot | None  # None: FEFO (outgoing only)


LOCATION_COLUMNS = [f.attname for f in Location._meta.concrete_fields]  # attname == column on these two
ITEM_COLUMNS = [f.attname for f in Item._meta.concrete_fields]


def _fetch(location_ids: set[int], item_ids: set[int]) -> tuple[dict[int, Location], dict[int, Item]]:
    """The stores and the items of a posting, in one round trip (a clerk's posting is a few statements)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 'l', row_to_json(x) FROM {Location._meta.db_table} x "
            "WHERE x.id = ANY(%s::bigint[]) "
            f"UNION ALL SELECT 'i', row_to_json(y) FROM {Item._meta.db_table} y "
            "WHERE y.id = ANY(%s::bigint[])",
            [sorted(location_ids), sorted(item_ids)],
        )
        rows = cursor.fetchall()
    locations: dict[int, Location] = {}
    items: dict[int, Item] = {}
    for kind, data in rows:
        if kind == "l":
            loc = Location.from_db(connection.alias, LOCATION_COLUMNS, [data[c] for c in LOCATION_COLUMNS])
            locations[loc.pk] = loc
        else:
            item = Item.from_db(connection.alias, ITEM_COLUMNS, [data[c] for c in ITEM_COLUMNS])
            items[item.pk] = item
    return locations, items


def _locations(
    user: Any, lines: Sequence[Line], action: Action | None, found: dict[int, Location]
) -> dict[int, Location]:
    """The locations of the lines, each checked against the user's right to its kind there."""
    for line in lines:
        loc = found.get(_pk(line.location))
        if loc is None:
            raise not_found()
        authorize_write(user, action=action or KIND_ACTION[line.kind], obj=loc)
        if not loc.is_active:
            raise DomainError(
                "location_inactive",
                _("{store} is no longer in use.").format(store=loc.name),
                field="location",
            )
    return found


def _plan(user: Any, lines: Sequence[Line], today: datetime.date, action: Action | None) -> list[_Plan]:
    if not lines:
        raise DomainError("nothing_to_post", _("Add at least one item."))
    for line in lines:
        if line.kind not in KIND_DIRECTION:
            raise DomainError("kind_invalid", _("Choose a kind of movement."), field="kind")
    try:
        found, items = _fetch({_pk(x.location) for x in lines}, {_pk(x.item) for x in lines})
    except (TypeError, ValueError):
        raise not_found() from None
    locations = _locations(user, lines, action, found)
    lot_ids = {_pk(x.lot) for x in lines if x.lot is not None}
    lots = {lot.pk: lot for lot in Lot.objects.filter(pk__in=lot_ids).order_by()} if lot_ids else {}
    plans: list[_Plan] = []
    for line in lines:
        item = items.get(_pk(line.item))
        if item is None:
            raise DomainError("item_unknown", _("Choose an item."), field="item")
        quantity = parse_quantity(line.quantity)
        direction = KIND_DIRECTION[line.kind] or line.direction
        if direction not in (1, -1):
            raise DomainError(
                "direction_invalid", _("Say whether the stock goes up or down."), field="direction"
            )
        if line.kind == MovementKind.ADJUST and not line.reason.strip():
            raise DomainError("reason_required", _("Give the reason for the adjustment."), field="reason")
        lot = None
        if line.lot is not None:
            lot = lots.get(_pk(line.lot))
            if lot is None or lot.item_id != item.pk:
                raise DomainError(
                    "lot_unknown", _("This lot is not one of {item}.").format(item=item), field="lot"
                )
            takes_expired = line.kind in (MovementKind.WRITE_OFF, MovementKind.REVERSAL) or (
                line.kind == MovementKind.ADJUST and direction < 0
            )
            if lot.expired(today) and not takes_expired:
                raise DomainError(
                    "lot_expired",
                    _("Lot {lot} of {item} expired on {date}: write it off instead.").format(
                        lot=lot.code or "-", item=item, date=lot.expires_on
                    ),
                    field="lot",
                )
        elif direction > 0:
            lot = default_lot(item.pk)
        plans.append(_Plan(line, locations[_pk(line.location)], item, quantity, direction, lot))
    return plans


def given_to_household(household_id: int, items: Sequence[Item], now: datetime.datetime) -> dict[int, int]:
    """What a household was given of each item within the item's period (`limit_days` up to `now`): its
    issues that were not reversed. A reversal gives back exactly what its issue took, whenever it is posted
    (counting reversals by their own date would let an old issue's reversal raise this week's limit)."""
    if not items:
        return {}
    since = {i.pk: now - datetime.timedelta(days=i.limit_days) for i in items}
    rows = Movement.objects.filter(
        household_id=household_id,
        item__in=items,
        kind=MovementKind.ISSUE,
        at__gte=min(since.values()),
        reversed_by__isnull=True,
    ).values_list("item_id", "at", "quantity")
    given: dict[int, int] = {}
    for item_id, at, n in rows:
        if at >= since[item_id]:
            given[item_id] = given.get(item_id, 0) + n
    return given


def _household_limits(user: Any, plans: list[_Plan], now: datetime.datetime) -> None:
    """Scarce items: what a household was given of an item within its period (`given_to_household`), plus
    this posting, stays within the item's limit. The households are locked first, in id order (before
    any balance), so that two stores cannot both give the last allowance."""
    named = sorted({p.line.household_id for p in plans if p.line.household_id})
    if named:  # a household given must be one the user sees; locked, in id order, before any balance
        found = Household.objects.visible_to(user).filter(pk__in=named).order_by("pk").select_for_update()
        if len(list(found.values_list("pk", flat=True))) != len(named):
            raise DomainError("not_found", _("Not found."), field="household", status=404)
    wanted: dict[tuple[int, int], int] = defaultdict(int)
    items: dict[int, Item] = {}
    for p in plans:
        if p.line.household_id and p.item.household_limit is not None and p.direction < 0:
            wanted[(p.line.household_id, p.item.pk)] += p.quantity
            items[p.item.pk] = p.item
    if not wanted:
        return
    given_by: dict[int, dict[int, int]] = {}
    for household in sorted({h for h, _item in wanted}):  # one query a household, all its scarce items
        scarce = [items[i] for h, i in sorted(wanted) if h == household]
        given_by[household] = given_to_household(household, scarce, now)
    for (household, item_id), n in sorted(wanted.items()):
        item = items[item_id]
        given = given_by[household].get(item_id, 0)
        limit = item.household_limit or 0
        if given + n > limit:
            raise DomainError(
                "household_limit",
                _(
                    "{item} is limited to {limit} {unit} per household every {days} days; this household "
                    "already had {given}."
                ).format(item=item.name, limit=limit, unit=item.unit, days=item.limit_days, given=given),
                field="quantity",
            )


def _lock(
    pairs: Iterable[tuple[int, int]], incoming: Iterable[tuple[int, int, int]]
) -> tuple[list[tuple], dict[tuple[int, int], Threshold]]:
    """Create the balance rows incoming stock needs, then lock every balance of the (location, item) pairs
    in the fixed order (location, item, lot), reading their thresholds in the same statement. Returns the
    rows (id, location, item, lot, quantity, expires_on) and the thresholds by (location, item)."""
    table = Balance._meta.db_table
    new = sorted(set(incoming))
    with connection.cursor() as cursor:
        if (
            new
        ):  # stock coming in: its stores are still in use (`setup.close_store` locks the store row first)
            stores = sorted({loc for loc, _item, _lot in new})
            cursor.execute(
                f"SELECT id FROM {Location._meta.db_table} WHERE id = ANY(%s::bigint[]) AND is_active "
                "ORDER BY id FOR SHARE",
                [stores],
            )
            if len(cursor.fetchall()) != len(stores):
                raise DomainError(
                    "location_inactive",
                    _("This store was closed meanwhile: nothing was posted."),
                    field="location",
                )
            values = ", ".join(["(%s, %s, %s, 0)"] * len(new))
            cursor.execute(
                f"INSERT INTO {table} (location_id, item_id, lot_id, quantity) VALUES {values} "
                "ON CONFLICT (location_id, item_id, lot_id) DO NOTHING",
                [v for row in new for v in row],
            )
        keys = sorted(set(pairs))
        cursor.execute(
            "SELECT b.id, b.location_id, b.item_id, b.lot_id, b.quantity, l.expires_on, "
            "t.id, t.minimum, t.days_of_cover, t.low_since "
            f"FROM {table} b JOIN {Lot._meta.db_table} l ON l.id = b.lot_id "
            f"LEFT JOIN {Threshold._meta.db_table} t "
            "ON t.location_id = b.location_id AND t.item_id = b.item_id "
            f"WHERE (b.location_id, b.item_id) IN ({', '.join(['(%s, %s)'] * len(keys))}) "
            "ORDER BY b.location_id, b.item_id, b.lot_id FOR UPDATE OF b",
            [v for key in keys for v in key],
        )
        rows = cursor.fetchall()
    thresholds = {
        (r[1], r[2]): Threshold(
            pk=r[6], location_id=r[1], item_id=r[2], minimum=r[7], days_of_cover=r[8], low_since=r[9]
        )
        for r in rows
        if r[6] is not None
    }
    return [r[:6] for r in rows], thresholds


def _fefo(
    candidates: list[tuple[int, int, datetime.date | None]], wanted: int, today: datetime.date
) -> list[tuple[int, int]]:
    """(lot, quantity) taken from `candidates` (lot, available, expiry), the first to expire first, no expiry
    last, expired lots never; may come short (the caller sees the shortage)."""
    usable = [c for c in candidates if c[1] > 0 and (c[2] is None or c[2] >= today)]
    usable.sort(key=lambda c: (c[2] is None, c[2] or datetime.date.max, c[0]))
    taken: list[tuple[int, int]] = []
    for lot_id, available, _expiry in usable:
        if wanted <= 0:
            break
        n = min(available, wanted)
        taken.append((lot_id, n))
        wanted -= n
    return taken


@transaction.atomic
def post_movements(
    *,
    user: Any,
    lines: Sequence[Line],
    action: Action | None = None,
    effective_day: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> list[Movement]:
    """Post `lines` as one transaction (the module's docstring says how); return the movements written.
    `action` replaces the kind's own Action (a kit is issued by whoever delivers it: ISSUE_KIT)."""
    now = now or timezone.now()
    today = today_local(now)
    day = check_day(effective_day, today)
    plans = _plan(user, lines, today, action)
    _household_limits(user, plans, now)
    pairs = {(p.location.pk, p.item.pk) for p in plans}
    incoming = {(p.location.pk, p.item.pk, p.lot.pk) for p in plans if p.direction > 0 and p.lot}
    rows, thresholds = _lock(pairs, incoming)
    qty: dict[tuple[int, int, int], int] = {}
    expiry: dict[int, datetime.date | None] = {}
    ids: dict[tuple[int, int, int], int] = {}
    for pk, loc, item, lot, quantity, expires_on in rows:
        qty[(loc, item, lot)] = int(quantity)
        ids[(loc, item, lot)] = pk
        expiry[lot] = expires_on
    before = _totals(qty)
    movements: list[Movement] = []
    short: dict[tuple[int, int], int] = defaultdict(int)
    for p in plans:
        loc, item = p.location.pk, p.item.pk
        if p.lot is not None:
            parts = [(p.lot.pk, p.quantity)]
        else:
            candidates = [
                (lot, n, expiry.get(lot)) for (lc, it, lot), n in qty.items() if (lc, it) == (loc, item)
            ]
            parts = _fefo(candidates, p.quantity, today)
            missing = p.quantity - sum(n for _lot, n in parts)
            if missing:
                short[(loc, item)] += missing
        for lot_id, n in parts:
            key = (loc, item, lot_id)
            qty[key] = qty.get(key, 0) + p.direction * n
            if qty[key] < 0:
                short[(loc, item)] += -qty[key]
                qty[key] = 0
            movements.append(_movement(user, p, lot_id, n, now, day))
    if short:
        raise _shortage(
            short, {p.location.pk: p.location for p in plans}, {p.item.pk: p.item for p in plans}, qty
        )
    _write(movements, {k: v for k, v in qty.items() if k in ids}, ids)
    low_stock(
        thresholds,
        before,
        _totals(qty),
        {p.location.pk: p.location for p in plans},
        {p.item.pk: p.item for p in plans},
        now,
    )
    return movements


def post_movement(
    *,
    user: Any,
    effective_day: datetime.date | None = None,
    now: datetime.datetime | None = None,
    action: Action | None = None,
    **line: Any,
) -> list[Movement]:
    """One line (the fields of `Line`); a line taken from several lots gives several movements."""
    return post_movements(
        user=user, lines=[Line(**line)], action=action, effective_day=effective_day, now=now
    )


def _movement(
    user: Any, p: _Plan, lot_id: int, n: int, now: datetime.datetime, day: datetime.date
) -> Movement:
    line = p.line
    return Movement(
        kind=line.kind,
        location=p.location,
        item=p.item,
        lot_id=lot_id,
        quantity=n,
        direction=p.direction,
        at=now,
        effective_day=day,
        by=user if getattr(user, "is_authenticated", False) else None,
        reason=" ".join(str(line.reason or "").split())[:200],
        issued_to=line.issued_to if line.issued_to in IssueTo.values else "",
        household_id=line.household_id,
        counterpart_id=line.counterpart_id,
        request_id=line.request_id,
        donation_id=line.donation_id,
        stocktake_id=line.stocktake_id,
        reverses_id=line.reverses_id,
        reference=str(line.reference or "")[:40],
        path=p.location.path,
    )


def _totals(qty: dict[tuple[int, int, int], int]) -> dict[tuple[int, int], int]:
    totals: dict[tuple[int, int], int] = defaultdict(int)
    for (loc, item, _lot), n in qty.items():
        totals[(loc, item)] += n
    return dict(totals)


MOVEMENT_FIELDS = [f for f in Movement._meta.concrete_fields if not f.primary_key]


def _write(
    movements: list[Movement], qty: dict[tuple[int, int, int], int], ids: dict[tuple[int, int, int], int]
) -> None:
    """Insert the movements and update every balance the posting changed (all of them locked above) in one
    statement; the movements get their ids."""
    q = connection.ops.quote_name
    row = "(" + ", ".join(["%s"] * len(MOVEMENT_FIELDS)) + ")"
    params: list[Any] = [
        f.get_db_prep_save(getattr(m, f.attname), connection) for m in movements for f in MOVEMENT_FIELDS
    ]
    update = ""
    if qty:
        values = ", ".join(["(%s::bigint, %s::bigint)"] * len(qty))
        update = (
            f", b AS (UPDATE {Balance._meta.db_table} b SET quantity = v.q "
            f"FROM (VALUES {values}) AS v(id, q) WHERE b.id = v.id AND b.quantity <> v.q)"
        )
        params += [x for key, n in sorted(qty.items()) for x in (ids[key], n)]
    sql = (
        f"WITH m AS (INSERT INTO {q(Movement._meta.db_table)} "
        f"({', '.join(q(str(f.column)) for f in MOVEMENT_FIELDS)}) "
        f"VALUES {', '.join([row] * len(movements))} RETURNING id){update} SELECT id FROM m ORDER BY id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for m, (pk,) in zip(movements, cursor.fetchall(), strict=True):
            m.pk = pk
            m._state.adding, m._state.db = False, connection.alias


def _shortage(
    short: dict[tuple[int, int], int],
    locations: dict[int, Location],
    items: dict[int, Item],
    qty: dict[tuple[int, int, int], int],
) -> DomainError:
    parts = []
    for (loc, item), missing in sorted(short.items()):
        it = items[item]
        parts.append(
            _("{item}: {missing} {unit} short at {store}").format(
                item=it.name, missing=missing, unit=it.unit, store=locations[loc].name
            )
        )
    return DomainError(
        "insufficient_stock",
        _("Not enough stock: {parts}. Nothing was issued.").format(parts="; ".join(parts)),
        field="quantity",
    )


# ------------------------------------------------------------------ reversal and audit
@transaction.atomic
def reverse_movement(
    *, user: Any, movement: Movement | int, reason: str, now: datetime.datetime | None = None
) -> list[Movement]:
    """Correct a posted movement with one that goes the other way (the original is never changed). A
    movement is reversed once; a reversal is not reversed (post the movement again)."""
    pk = _pk(movement)
    found = Movement.objects.visible_to(user).select_related("location", "item").filter(pk=pk).first()
    if found is None:
        raise not_found()
    if found.kind == MovementKind.REVERSAL:
        raise DomainError("reversal_of_reversal", _("A reversal is not reversed: post the movement again."))
    if not found.reversible:
        raise DomainError(
            "transfer_not_reversed",
            _(
                "A transfer is not reversed: its request settles it (the receiving store receives what came; "
                "a difference found later is an adjustment with its reason)."
            ),
        )
    if Movement.objects.filter(reverses_id=found.pk).exists():
        raise DomainError("already_reversed", _("This movement was already reversed."))
    if not str(reason or "").strip():
        raise DomainError("reason_required", _("Give the reason for the reversal."), field="reason")
    try:
        return post_movements(
            user=user,
            now=now,
            lines=[
                Line(
                    kind=MovementKind.REVERSAL,
                    location=found.location,
                    item=found.item,
                    lot=found.lot_id,
                    quantity=found.quantity,
                    direction=-found.direction,
                    reason=reason,
                    household_id=found.household_id,
                    counterpart_id=found.counterpart_id,
                    request_id=found.request_id,
                    donation_id=found.donation_id,
                    reverses_id=found.pk,
                    reference=found.reference,
                )
            ],
        )
    except IntegrityError:  # the unique `reverses` taken meanwhile by another reversal
        raise DomainError("already_reversed", _("This movement was already reversed.")) from None


AUDIT_SQL = """
SELECT coalesce(b.location_id, m.location_id), coalesce(b.item_id, m.item_id), coalesce(b.lot_id, m.lot_id),
       coalesce(b.quantity, 0), coalesce(m.total, 0)
FROM {balance} b
FULL JOIN (SELECT location_id, item_id, lot_id, sum(direction * quantity) AS total
           FROM {movement} GROUP BY location_id, item_id, lot_id) m
  ON m.location_id = b.location_id AND m.item_id = b.item_id AND m.lot_id = b.lot_id
WHERE coalesce(b.quantity, 0) <> coalesce(m.total, 0) OR coalesce(b.quantity, 0) < 0
ORDER BY 1, 2, 3
"""


def audit_ledger() -> list[tuple[int, int, int, int, int]]:
    """Every balance that differs from the sum of its movements (or is negative), in one query:
    (location, item, lot, balance, ledger sum). An empty list: every unit is accounted for."""
    sql = AUDIT_SQL.format(balance=Balance._meta.db_table, movement=Movement._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [tuple(int(v) for v in row) for row in cursor.fetchall()]  # type: ignore[misc]
