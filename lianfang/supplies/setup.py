"""Setting supplies up (docs/supplies.md, "Setting up"): the city's catalogue of items, the stores, and the
minimum level of an item at a store. Community staff and the command centre (`MANAGE_SUPPLIES`); each use
case is one transaction, audited; a refusal is a `DomainError` and changes nothing.

- **Items** are the city's: a name is unique whatever its case and spacing (an advisory lock makes two
  keepers adding "Masks" and "masks" at once wait for each other); the limit per household and its period
  can change, and an item can be taken out of use and back. Name, unit and category stay: stock already
  counted in a unit keeps its meaning.
- **Stores**: one active community store per community, one active checkpoint store per gate (its area
  the gate's community, its path the gate's), district and city warehouses by the command centre. A store
  closes only when it holds nothing and nothing is on its way to it.
- **Minimum levels** (`Threshold`): set under the locks the ledger takes (the store row, then the
  balances of the item in the ledger's order, then the threshold), so a posting never sees half of a
  change. `low_since` after a change: stock at or above the new level clears it (the alert is armed
  again); stock below the new level keeps it as it was — already low: the same crossing, no second
  alert; not low yet: the page shows the item low at once and the next posting that moves its stock
  raises the one alert (`lowstock.low_stock`).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.core import audit
from lianfang.core.audit import AuditAction
from lianfang.core.errors import DomainError
from lianfang.core.roles import CHANGE_CATALOGUE, MANAGE_SUPPLIES, Role
from lianfang.core.scoping import authorize_write, not_found
from lianfang.places.models import Area, AreaLevel, Gate
from lianfang.supplies.lowstock import cover_levels, level_of
from lianfang.supplies.models import (
    ID_MAX,
    QTY_MAX,
    Balance,
    Item,
    ItemCategory,
    Location,
    LocationKind,
    Request,
    RequestStatus,
    Threshold,
)

NAME_MAX = 60
UNIT_MAX = 10
STORE_NAME_MAX = 80
LIMIT_DAYS_MAX = 366
COVER_DAYS_MAX = 90
# The level of area each kind of store belongs to.
STORE_LEVEL: dict[str, str] = {
    LocationKind.CITY_WAREHOUSE: AreaLevel.CITY,
    LocationKind.DISTRICT_WAREHOUSE: AreaLevel.DISTRICT,
    LocationKind.COMMUNITY_STORE: AreaLevel.COMMUNITY,
}
WAREHOUSES = {LocationKind.CITY_WAREHOUSE, LocationKind.DISTRICT_WAREHOUSE}


def _text(raw: Any) -> str:
    """Spaces normalised: trimmed, runs of spaces (full-width ones too) made one."""
    return " ".join(str(raw or "").split())


def _id(value: Any) -> int | None:
    """A row's id from the row or the id itself; None when it is not a whole number an id can be."""
    raw: Any = getattr(value, "pk", value)
    try:
        pk = int(str(raw).strip()) if not isinstance(raw, bool) else 0
    except (TypeError, ValueError):
        return None
    return pk if 1 <= pk <= ID_MAX else None


def _lock(key: str) -> None:
    """A transaction-long advisory lock on `key`: two setups of the same thing wait for each other."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])


def _whole(raw: Any, *, low: int, high: int, code: str, message: Any, field: str) -> int | None:
    """A whole number from `low` to `high`; None when empty. A bool, a fraction or text is refused."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    try:
        if isinstance(raw, bool):
            raise ValueError
        value = raw if isinstance(raw, int) else int(str(raw).strip())
    except (TypeError, ValueError):
        raise DomainError(code, message, field=field) from None
    if not low <= value <= high:
        raise DomainError(code, message, field=field)
    return value


def _household_limit(household_limit: Any, limit_days: Any) -> tuple[int | None, int]:
    limit = _whole(
        household_limit,
        low=1,
        high=QTY_MAX,
        code="limit_invalid",
        message=_("The limit per household is a whole number from 1 to {n}, or empty.").format(n=QTY_MAX),
        field="household_limit",
    )
    days = _whole(
        limit_days,
        low=1,
        high=LIMIT_DAYS_MAX,
        code="limit_days_invalid",
        message=_("The period is a whole number of days from 1 to {n}.").format(n=LIMIT_DAYS_MAX),
        field="limit_days",
    )
    return limit, days or 7


# ------------------------------------------------------------------ items
@transaction.atomic
def create_item(
    *,
    user: Any,
    name: str,
    unit: str,
    category: str,
    household_limit: Any = None,
    limit_days: Any = 7,
) -> Item:
    """Add an item to the city's catalogue (a name not yet used, whatever its case and spacing)."""
    authorize_write(user, action=MANAGE_SUPPLIES)
    name, unit = _text(name), _text(unit)
    if not name:
        raise DomainError("name_required", _("Give the item's name."), field="name")
    if len(name) > NAME_MAX:
        raise DomainError(
            "name_too_long", _("The name is at most {n} characters.").format(n=NAME_MAX), field="name"
        )
    if not unit or len(unit) > UNIT_MAX:
        raise DomainError(
            "unit_invalid",
            _("Give the unit one counts in (at most {n} characters).").format(n=UNIT_MAX),
            field="unit",
        )
    if category not in ItemCategory.values:
        raise DomainError("category_invalid", _("Choose a category."), field="category")
    limit, days = _household_limit(household_limit, limit_days)
    _lock("supplies.item")
    taken = Item.objects.annotate(lname=Lower("name")).filter(lname=name.lower()).first()
    if taken is not None:
        raise _item_taken(taken.name)
    try:
        with transaction.atomic():
            item = Item.objects.create(
                name=name, unit=unit, category=category, household_limit=limit, limit_days=days
            )
    except IntegrityError:
        raise _item_taken(name) from None
    audit.log(
        user=user,
        action=AuditAction.CREATE,
        obj=item,
        summary=_("Item added: {name} ({unit})").format(name=name, unit=unit),
    )
    return item


def changes_catalogue(user: Any) -> bool:
    """The city's command centre (or a superuser): who changes an item of the whole city's catalogue."""
    if user.is_superuser:
        return True
    area = getattr(user, "area", None)
    return CHANGE_CATALOGUE.allows(user) and area is not None and area.level == AreaLevel.CITY


def _item_taken(name: str) -> DomainError:
    return DomainError(
        "item_exists", _("The catalogue already has an item named {name}.").format(name=name), field="name"
    )


@transaction.atomic
def change_item(
    *, user: Any, item: Item | int, household_limit: Any, limit_days: Any, is_active: bool
) -> Item:
    """Change an item's limit per household and its period, or take it out of use (or back in): the city's
    command centre only, since the item is the whole city's."""
    authorize_write(user, action=CHANGE_CATALOGUE)
    if not changes_catalogue(user):
        raise DomainError("forbidden", CHANGE_CATALOGUE.refused, status=403)
    pk = _id(item)
    found = Item.objects.select_for_update().filter(pk=pk).first() if pk is not None else None
    if found is None:
        raise DomainError("item_unknown", _("Choose an item."), field="item")
    limit, days = _household_limit(household_limit, limit_days)
    found.household_limit, found.limit_days, found.is_active = limit, days, bool(is_active)
    found.save(update_fields=["household_limit", "limit_days", "is_active"])
    if limit is None:
        summary = _("No limit per household")
    else:
        summary = _("Limit per household: {n} {unit} every {days} days").format(
            n=limit, unit=found.unit, days=days
        )
    if not found.is_active:
        summary = _("{change}; out of use").format(change=summary)
    audit.log(user=user, action=AuditAction.CHANGE, obj=found, summary=summary)
    return found


# ------------------------------------------------------------------ stores
@transaction.atomic
def open_store(
    *,
    user: Any,
    kind: str,
    name: str,
    area: Area | int | None = None,
    gate: Gate | int | None = None,
) -> Location:
    """Open a store in the user's scope: a community store (one active per community), a checkpoint
    store at a gate (one active per gate), a district or city warehouse (the command centre)."""
    authorize_write(user, action=MANAGE_SUPPLIES)
    if kind not in LocationKind.values:
        raise DomainError("store_kind_invalid", _("Choose the kind of store."), field="kind")
    name = _text(name)
    if not name or len(name) > STORE_NAME_MAX:
        raise DomainError(
            "store_name_invalid",
            _("Give the store's name (at most {n} characters).").format(n=STORE_NAME_MAX),
            field="name",
        )
    if kind == LocationKind.CHECKPOINT:
        place, path, gate_id = _gate(user, gate)
        _lock(f"supplies.gate:{gate_id}")
        if Location.objects.filter(gate_id=gate_id, is_active=True).exists():
            raise DomainError("store_exists", _("This gate already has a checkpoint store."), field="gate")
    else:
        place = _area(user, kind, area)
        path, gate_id = place.path, None
        _lock(f"supplies.area:{place.pk}")
        if (
            kind == LocationKind.COMMUNITY_STORE
            and Location.objects.filter(area=place, kind=kind, is_active=True).exists()
        ):
            raise DomainError(
                "store_exists",
                _("{community} already has a community store.").format(community=place.name),
                field="area",
            )
    if Location.objects.filter(area=place, name=name).exists():
        raise _store_taken(name)
    try:
        with transaction.atomic():
            store = Location.objects.create(name=name, kind=kind, area=place, gate_id=gate_id, path=path)
    except IntegrityError:
        raise _store_taken(name) from None
    audit.log(user=user, action=AuditAction.CREATE, obj=store, summary=_("Store opened"))
    return store


def _store_taken(name: str) -> DomainError:
    return DomainError(
        "store_name_taken", _("A store named {name} is already there.").format(name=name), field="name"
    )


def _gate(user: Any, gate: Gate | int | None) -> tuple[Area, str, int]:
    """The gate's community, its path and id: a gate the user sees (404 otherwise)."""
    if gate is None or gate == "":
        raise DomainError("gate_required", _("Choose the gate of the checkpoint."), field="gate")
    pk = _id(gate)
    if pk is None:
        raise not_found()
    found = Gate.objects.visible_to(user).select_related("compound__community").filter(pk=pk).first()
    if found is None:
        raise not_found()
    authorize_write(user, action=MANAGE_SUPPLIES, path=found.path)
    return found.compound.community, found.path, found.pk


def _area(user: Any, kind: str, area: Area | int | None) -> Area:
    """The area of a store of `kind`: given, or the user's own; in scope (404) and of the kind's level."""
    if kind in WAREHOUSES and not (user.is_superuser or user.role == Role.COMMAND):
        raise DomainError(
            "forbidden", _("Only the command centre opens a district or city warehouse."), status=403
        )
    pk = _id(area) if area not in (None, "") else user.area_id
    found = Area.objects.filter(pk=pk).first() if pk is not None else None
    if found is None:
        raise not_found()
    authorize_write(user, action=MANAGE_SUPPLIES, path=found.path)
    if found.level != STORE_LEVEL[kind]:
        raise DomainError(
            "area_level",
            _("A {kind} belongs to a {level}, not to {area}.").format(
                kind=LocationKind(kind).label, level=AreaLevel(STORE_LEVEL[kind]).label, area=found.name
            ),
            field="area",
        )
    return found


def _managed_store(user: Any, store: Location | int) -> Location:
    """An active store the user sets up, its row locked: 403 for a role that may not, 404 out of scope."""
    authorize_write(user, action=MANAGE_SUPPLIES)
    pk = _id(store)
    found = (
        Location.objects.visible_to(user).select_for_update().filter(pk=pk, is_active=True).first()
        if pk is not None
        else None
    )
    if found is None:
        raise not_found()
    authorize_write(user, action=MANAGE_SUPPLIES, obj=found)
    return found


@transaction.atomic
def close_store(*, user: Any, store: Location | int) -> Location:
    """Take a store out of use: only when it holds nothing (the refusal names what is left) and nothing
    is on its way to it."""
    found = _managed_store(user, store)
    left = (
        Balance.objects.select_for_update()
        .filter(location=found)
        .order_by("item_id", "lot_id")
        .values_list("item_id", "quantity")
    )
    held: dict[int, int] = {}
    for item_id, n in left:
        if n:
            held[item_id] = held.get(item_id, 0) + int(n)
    if held:
        items = Item.objects.in_bulk(list(held))
        parts = ", ".join(
            f"{items[i].name} {n} {items[i].unit}"
            for i, n in sorted(held.items(), key=lambda x: items[x[0]].name)
        )
        raise DomainError(
            "store_not_empty",
            _("{store} still holds {parts}: issue, send or write it off first.").format(
                store=found.name, parts=parts
            ),
        )
    on_the_way = [RequestStatus.SENT, RequestStatus.PARTLY_RECEIVED]
    if Request.objects.filter(requester=found, status__in=on_the_way).exists():
        raise DomainError(
            "store_awaits_stock",
            _("Stock is on its way to {store}: receive it first.").format(store=found.name),
        )
    found.is_active = False
    found.save(update_fields=["is_active"])
    audit.log(user=user, action=AuditAction.CHANGE, obj=found, summary=_("Store closed"))
    return found


# ------------------------------------------------------------------ minimum levels
def parse_levels(minimum: Any, days_of_cover: Any) -> tuple[int, int | None]:
    """The minimum (0 to QTY_MAX, empty: 0) and the days of cover (1 to 90, empty or 0: none)."""
    low = _whole(
        minimum,
        low=0,
        high=QTY_MAX,
        code="minimum_invalid",
        message=_("The minimum is a whole number from 0 to {n}.").format(n=QTY_MAX),
        field="minimum",
    )
    days = _whole(
        days_of_cover,
        low=0,
        high=COVER_DAYS_MAX,
        code="cover_days_invalid",
        message=_("The days of cover are a whole number from 1 to {n}, or empty.").format(n=COVER_DAYS_MAX),
        field="days_of_cover",
    )
    return low or 0, days or None


@transaction.atomic
def set_threshold(
    *,
    user: Any,
    store: Location | int,
    item: Item | int,
    minimum: Any,
    days_of_cover: Any = None,
    now: datetime.datetime | None = None,
) -> Threshold | None:
    """Set the minimum level of an item at a store (None back: both empty or 0 removed it). Takes effect at
    once: the page marks the item low when its stock is below; `low_since` as the module says."""
    found = _managed_store(user, store)
    low, days = parse_levels(minimum, days_of_cover)
    item_id = _id(item)
    it = Item.objects.filter(pk=item_id).first() if item_id is not None else None
    if it is None or (not it.is_active and (low or days)):
        raise DomainError("item_unknown", _("Choose an item."), field="item")
    # The ledger's order: the balances of (store, item) by lot, then the threshold.
    stock = (
        Balance.objects.select_for_update()
        .filter(location=found, item=it)
        .order_by("lot_id")
        .values_list("quantity", flat=True)
    )
    on_hand = sum(int(n) for n in stock)
    current = Threshold.objects.select_for_update().filter(location=found, item=it).first()
    if not low and not days:
        if current is not None:
            current.delete()
            audit.log(
                user=user,
                action=AuditAction.DELETE,
                obj=found,
                summary=_("Minimum of {item} removed").format(item=it.name),
            )
        return None
    t = current or Threshold(location=found, item=it)
    t.minimum, t.days_of_cover = low, days
    level = level_of(t, cover_levels([t], now or timezone.now()))
    if on_hand >= level:
        t.low_since = None
    t.save()
    summary = _("Minimum of {item}: {n} {unit}").format(item=it.name, n=low, unit=it.unit)
    if days:
        summary = _("{minimum}, {days} days of cover").format(minimum=summary, days=days)
    audit.log(user=user, action=AuditAction.CHANGE, obj=found, summary=summary)
    return t


def stock_level(store: Location, item: Item, now: datetime.datetime | None = None) -> dict[str, Any]:
    """An item's stock at a store, its threshold and level, and whether it is low (for the API)."""
    on_hand = Balance.objects.filter(location=store, item=item).aggregate(n=Sum("quantity"))["n"] or 0
    t = Threshold.objects.filter(location=store, item=item).first()
    level = level_of(t, cover_levels([t], now or timezone.now())) if t else 0
    return {
        "store_id": store.pk,
        "item_id": item.pk,
        "minimum": t.minimum if t else 0,
        "days_of_cover": t.days_of_cover if t else None,
        "low_since": t.low_since if t else None,
        "stock": int(on_hand),
        "level": level,
        "low": t is not None and (t.low_since is not None or on_hand < level),
    }


# ------------------------------------------------------------------ what the pages offer
def store_choices(user: Any) -> dict[str, Any]:
    """The areas a store may be opened in (city, district, community levels in scope) and the gates."""
    areas = (
        Area.objects.visible_to(user)
        .filter(level__in=[AreaLevel.CITY, AreaLevel.DISTRICT, AreaLevel.COMMUNITY])
        .order_by("path")[:500]
    )
    gates = Gate.objects.visible_to(user).select_related("compound").order_by("path", "compound_id", "name")
    return {
        "areas": list(areas),
        "gates": list(gates[:300]),
        "kinds": LocationKind.choices,
        "warehouses": user.is_superuser or user.role == Role.COMMAND,
    }


def store_thresholds(store: Location) -> list[Threshold]:
    """The minimum levels of a store, by item name."""
    return list(Threshold.objects.filter(location=store).select_related("item").order_by("item__name"))
