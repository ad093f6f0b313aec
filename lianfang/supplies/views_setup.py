"""Setting supplies up on a phone (services in `supplies.setup`): the city's items (listed for every reader
of stock, added and changed by community staff and the command centre), a store opened from the stock page
and closed from its own page, and the minimum level of an item set from the store's page.

Thin views: parse, authorize (`require_role`: residents and volunteers get 404 like the other supplies
pages, a reader who may not set up 403), call the service, say what happened, redirect back. Bad input
changes nothing and comes back as a message.
"""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianfang.core.errors import DomainError
from lianfang.core.roles import MANAGE_SUPPLIES, READ_STOCK
from lianfang.core.viewtools import form_message, message_error, require_role
from lianfang.supplies.forms import ItemChangeForm, ItemForm, StoreForm, ThresholdForm
from lianfang.supplies.models import Item, ItemCategory, Location
from lianfang.supplies.setup import (
    change_item,
    changes_catalogue,
    close_store,
    create_item,
    open_store,
    set_threshold,
)


def _manager(request: HttpRequest) -> Any:
    return require_role(require_role(request.user, READ_STOCK, hide=True), MANAGE_SUPPLIES)


def items(request: HttpRequest) -> HttpResponse:
    user = require_role(request.user, READ_STOCK, hide=True)
    rows = list(Item.objects.order_by("category", "name")[:1000])
    labels = dict(ItemCategory.choices)
    return render(
        request,
        "supplies/setup_items.html",
        {
            "groups": [(labels.get(c, c), list(g)) for c, g in groupby(rows, key=lambda i: i.category)],
            "can_manage": MANAGE_SUPPLIES.allows(user),
            "can_change": changes_catalogue(user),
            "form": ItemForm(initial={"limit_days": 7}),
            "categories": ItemCategory.choices,
        },
    )


@require_POST
def item_new(request: HttpRequest) -> HttpResponse:
    user = _manager(request)
    form = ItemForm(request.POST)
    if not form.is_valid():
        form_message(request, form)
        return redirect("supplies:items")
    data = form.cleaned_data
    try:
        item = create_item(
            user=user,
            name=data["name"],
            unit=data["unit"],
            category=data["category"],
            household_limit=data["household_limit"],
            limit_days=data["limit_days"] or 7,
        )
    except DomainError as err:
        message_error(request, err)
    else:
        messages.success(request, _("Item added: {name} ({unit}).").format(name=item.name, unit=item.unit))
    return redirect("supplies:items")


@require_POST
def item_change(request: HttpRequest) -> HttpResponse:
    user = _manager(request)
    form = ItemChangeForm(request.POST)
    if not form.is_valid():
        form_message(request, form)
        return redirect("supplies:items")
    data = form.cleaned_data
    try:
        item = change_item(
            user=user,
            item=data["item"],
            household_limit=data["household_limit"],
            limit_days=data["limit_days"] or 7,
            is_active=data["is_active"],
        )
    except DomainError as err:
        message_error(request, err)
    else:
        messages.success(request, _("{name} changed.").format(name=item.name))
    return redirect("supplies:items")


@require_POST
def store_open(request: HttpRequest) -> HttpResponse:
    user = _manager(request)
    form = StoreForm(request.POST)
    if not form.is_valid():
        form_message(request, form)
        return redirect("supplies:stock")
    data = form.cleaned_data
    try:
        store = open_store(
            user=user, kind=data["kind"], name=data["name"], area=data["area"], gate=data["gate"]
        )
    except DomainError as err:
        message_error(request, err)
        return redirect("supplies:stock")
    messages.success(request, _("{store} is open.").format(store=store.name))
    return redirect("supplies:store", pk=store.pk)


@require_POST
def store_close(request: HttpRequest, pk: int) -> HttpResponse:
    user = _manager(request)
    found = get_object_or_404(Location.objects.visible_to(user), pk=pk)
    try:
        close_store(user=user, store=found)
    except DomainError as err:
        message_error(request, err)
        return redirect("supplies:store", pk=found.pk)
    messages.success(request, _("{store} is closed.").format(store=found.name))
    return redirect("supplies:stock")


@require_POST
def store_threshold(request: HttpRequest, pk: int) -> HttpResponse:
    user = _manager(request)
    found = get_object_or_404(Location.objects.visible_to(user), pk=pk)
    form = ThresholdForm(request.POST)
    if not form.is_valid():
        form_message(request, form)
        return redirect("supplies:store", pk=found.pk)
    data = form.cleaned_data
    try:
        t = set_threshold(
            user=user,
            store=found,
            item=data["item"],
            minimum=data["minimum"],
            days_of_cover=data["days_of_cover"],
        )
    except DomainError as err:
        message_error(request, err)
    else:
        if t is None:
            messages.success(request, _("Minimum removed."))
        else:
            messages.success(
                request,
                _("Minimum of {item} set to {n} {unit}.").format(
                    item=t.item.name, n=t.minimum, unit=t.item.unit
                ),
            )
    return redirect("supplies:store", pk=found.pk)
