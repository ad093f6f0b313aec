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
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from lianfang.core.errors import DomainError
from lianfang.core.roles import ISSUE_KIT, MANAGE_SUPPLIES
from lianfang.core.scoping import authorize_write
from lianfang.places.models import Household
from lianfang.supplies.ledger import Line, parse_quantity, post_movements
from lianfang.supplies.models import (
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
                "The kit {kit} lists no components from stock yet: a store keeper sets them under "
                "Supplies › Kits before kits are delivered."
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
