"""The setting-up parts of two supplies pages, so that those pages only include them: `{% open_store %}` on
the stock page (open a store in the user's scope) and `{% store_setup store %}` on a store's page (its
minimum levels, closing it). Shown to community staff and the command centre (`MANAGE_SUPPLIES`) only."""

from typing import Any

from django import template

from lianfang.core.roles import MANAGE_SUPPLIES
from lianfang.supplies.models import Item, Location
from lianfang.supplies.setup import store_choices, store_thresholds

register = template.Library()


@register.inclusion_tag("supplies/setup_open_store.html", takes_context=True)
def open_store(context: Any) -> dict[str, Any]:
    user = context["request"].user
    if not MANAGE_SUPPLIES.allows(user):
        return {"can_manage": False}
    return {"can_manage": True, "csrf_token": context.get("csrf_token"), **store_choices(user)}


@register.inclusion_tag("supplies/setup_store.html", takes_context=True)
def store_setup(context: Any, store: Location) -> dict[str, Any]:
    user = context["request"].user
    if not MANAGE_SUPPLIES.allows(user) or not store.is_active:
        return {"can_manage": False}
    return {
        "can_manage": True,
        "csrf_token": context.get("csrf_token"),
        "store": store,
        "thresholds": store_thresholds(store),
        "items": Item.objects.filter(is_active=True).order_by("category", "name"),
    }
