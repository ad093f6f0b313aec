"""Kits (九个一) as bills of materials: a kit template of care lists its components from stock
(`KitComponent`: an item and a quantity). Care's `deliver_kit` calls `issue_kit` in its own transaction:
each component whose item is among the lines ticked as delivered is issued from the household's community
store, all or nothing; a shortage refuses the delivery, naming every item that is short.

A ticked line that names no component (the contact card, the letters) is paper, not stock: it is recorded
by care and issues nothing. A template with no components at all is refused (`kit_not_stocked`): kits are
issued from real stock, so a store keeper lists the components of the kit before it is delivered.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from lianfang.core.errors import DomainError
from lianfang.core.roles import ISSUE_KIT, MANAGE_SUPPLIES
from lianfang.core.scoping import authorize_write
from lianfang.places.models import Household
from lianfang.supplies.ledger import Line, parse_quantity, post_movements
from lianfang.supplies.models import (
    Balance,
    IssueTo,
    Item,
    KitComponent,
    Location,
    LocationKind,
    Movement,
    MovementKind,
)


def community_store(path: str) -> Location | None:
    """The store of the community at `path` (a household's path is its community's): its first active
    community store."""
    return (
        Location.objects.filter(kind=LocationKind.COMMUNITY_STORE, path=path, is_active=True)
        .order_by("pk")
        .first()
    )


def components_of(template_id: int) -> list[KitComponent]:
    return list(
        KitComponent.objects.filter(template_id=template_id).select_related("item").order_by("item__name")
    )


@transaction.atomic
def issue_kit(
    *,
    user: Any,
    household: Household,
    template_id: int,
    template_name: str,
    items: Iterable[str],
    reference: str,
    now: datetime.datetime | None = None,
) -> list[Movement]:
    """Issue the components of a kit delivered to `household` from its community's store (the module's
    docstring says which). The caller (care) has checked the household and the template."""
    components = components_of(template_id)
    if not components:
        raise DomainError(
            "kit_not_stocked",
            _(
                "The kit {kit} takes nothing from stock yet: set how many of each item one kit takes "
                "under Care › Kits before kits are delivered."
            ).format(kit=template_name),
            field="template",
        )
    store = community_store(household.path)
    if store is None:
        raise DomainError(
            "no_store",
            _("This community has no store to issue the kit from: ask your store keeper to set one up."),
        )
    ticked = {" ".join(str(i).split()) for i in items}
    lines = [
        Line(
            kind=MovementKind.ISSUE,
            location=store,
            item=c.item,
            quantity=c.quantity,
            issued_to=IssueTo.HOUSEHOLD,
            household_id=household.pk,
            reference=reference,
        )
        for c in components
        if c.item.name in ticked
    ]
    if not lines:
        return []
    return post_movements(user=user, lines=lines, action=ISSUE_KIT, now=now)


@transaction.atomic
def set_kit_component(*, user: Any, template: Any, item: Item | int, quantity: Any) -> KitComponent | None:
    """Set how many of `item` a kit holds (0 removes it). `template` is care's KitTemplate, read by the
    caller through its scope; the user must set up supplies where the template applies."""
    authorize_write(user, action=MANAGE_SUPPLIES, path=template.area.path)
    found = Item.objects.filter(pk=getattr(item, "pk", item), is_active=True).first()
    if found is None:
        raise DomainError("item_unknown", _("Choose an item."), field="item")
    if str(quantity).strip() in ("0", ""):
        KitComponent.objects.filter(template_id=template.pk, item=found).delete()
        return None
    n = parse_quantity(quantity)
    component, _created = KitComponent.objects.update_or_create(
        template_id=template.pk, item=found, defaults={"quantity": n}
    )
    return component


def clean_name(raw: Any) -> str:
    """An item's or a kit line's name as compared: spaces collapsed (a kit line '口罩 ' is the item 口罩)."""
    return " ".join(str(raw or "").split())


@transaction.atomic
def set_kit_line(*, user: Any, template: Any, line: Any, quantity: Any) -> KitComponent | None:
    """How many of the item named by one line of the kit's list one kit takes from stock (0: none, the line
    is paper or given from elsewhere). The line must be one of the template's, and an item of that name must
    be in the catalogue."""
    authorize_write(user, action=MANAGE_SUPPLIES, path=template.area.path)
    name = clean_name(line)
    if name not in {clean_name(x) for x in template.item_list()}:
        raise DomainError(
            "kit_line_unknown", _("{name} is not in this kit's list.").format(name=name), field="line"
        )
    item = Item.objects.filter(name=name, is_active=True).first()
    if item is None:
        raise DomainError(
            "item_not_in_catalogue",
            _("{name} is not an item of the supplies catalogue: add it under Supplies › Items first.").format(
                name=name
            ),
            field="line",
        )
    return set_kit_component(user=user, template=template, item=item, quantity=quantity)


@dataclass
class KitLine:
    """One line of a kit's list: what one kit takes from stock (`per_kit` 0: nothing, paper) and what the
    store holds of it (None: no store to show)."""

    name: str
    item: Item | None
    per_kit: int
    in_store: int | None


@dataclass
class KitBill:
    template: Any
    lines: list[KitLine] = field(default_factory=list)
    store: Location | None = None
    can_set: bool = False  # the page's: may this user set what the kit takes

    @property
    def stocked(self) -> bool:
        return any(x.per_kit for x in self.lines)

    @property
    def kits_in_store(self) -> int | None:
        """How many whole kits the store can give now (None: no store, or nothing from stock)."""
        counts = [(x.in_store or 0) // x.per_kit for x in self.lines if x.per_kit]
        return min(counts) if counts and self.store is not None else None


def kit_bills(templates: Sequence[Any], store: Location | None) -> list[KitBill]:
    """Each kit's list with what one kit takes from stock and what `store` holds of it: three queries
    whatever the number of kits."""
    names = {clean_name(x) for t in templates for x in t.item_list()}
    items = {i.name: i for i in Item.objects.filter(name__in=names, is_active=True)} if names else {}
    per_kit = {
        (t, i): int(n)
        for t, i, n in KitComponent.objects.filter(template_id__in=[t.pk for t in templates]).values_list(
            "template_id", "item_id", "quantity"
        )
    }
    held: dict[int, int] = {}
    if store is not None:
        held = {
            i: int(n or 0)
            for i, n in Balance.objects.filter(location=store)
            .values_list("item_id")
            .annotate(n=Sum("quantity"))
            .values_list("item_id", "n")
            .order_by()
        }
    bills = []
    for t in templates:
        bill = KitBill(t, store=store)
        for raw in t.item_list():
            name = clean_name(raw)
            item = items.get(name)
            bill.lines.append(
                KitLine(
                    name=name,
                    item=item,
                    per_kit=per_kit.get((t.pk, item.pk), 0) if item else 0,
                    in_store=(held.get(item.pk, 0) if item else None) if store is not None else None,
                )
            )
        bills.append(bill)
    return bills
