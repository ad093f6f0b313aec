"""Requests between stores and stock-takes, for a store keeper on a phone: ask the store above for items,
commit and send what was asked (in transit), receive it (all that is in transit, or part of it); send stock
down to a store below unasked (调拨, from the store's page); count a store against its book and have a
second person approve the differences as adjustments.

Thin views: parse, authorize, call `supplies.services`, redirect with the service's message.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianfang.core.bounds import parse_int
from lianfang.core.errors import DomainError
from lianfang.core.roles import APPROVE_STOCKTAKE, ISSUE_STOCK, RECEIVE_STOCK, REQUEST_STOCK
from lianfang.core.scoping import not_found
from lianfang.core.viewtools import form_message, message_error, raise_for_status, require_role
from lianfang.supplies.forms import AllocationForm
from lianfang.supplies.models import ID_MAX, Balance, Item, Location, Request, StockTake, StockTakeStatus
from lianfang.supplies.services import (
    allocate_supplies,
    commit_request,
    decide_stocktake,
    receive_request,
    record_stocktake,
    request_supplies,
    send_request,
)
from lianfang.supplies.views import reader

SHOWN = 100


def _stores_above(stores: list[Location]) -> list[Location]:
    """The active stores above any of `stores` (their path a prefix of one of theirs)."""
    prefixes = {p for s in stores for p in _prefixes(s.path)}
    return list(
        Location.objects.filter(is_active=True, path__in=prefixes).order_by("path", "kind", "name")[:200]
    )


def _prefixes(path: str) -> list[str]:
    codes = [c for c in path.split(".") if c]
    return [".".join(codes[: i + 1]) + "." for i in range(len(codes))]


def _quantities(request: HttpRequest) -> dict[int, Any]:
    """`q_<item id>` fields of a form: {item id: raw quantity}."""
    out: dict[int, Any] = {}
    for key, value in request.POST.items():
        if key.startswith("q_"):
            try:
                out[parse_int(key[2:], min_value=1, max_value=ID_MAX)] = value
            except DomainError:
                continue
    return out


def requests(request: HttpRequest) -> HttpResponse:
    user = reader(request)
    mine = list(Location.objects.visible_to(user).filter(is_active=True).order_by("path", "name")[:200])
    ids = [s.pk for s in mine]
    rows = (
        Request.objects.filter(Q(requester_id__in=ids) | Q(supplier_id__in=ids))
        .select_related("requester", "supplier")
        .prefetch_related("lines__item")
        .order_by("-created_at", "-id")[:SHOWN]
    )
    for r in rows:
        r.as_supplier = r.supplier_id in ids
        r.as_requester = r.requester_id in ids
    return render(
        request,
        "supplies/requests.html",
        {
            "rows": rows,
            "mine": mine,
            "above": _stores_above(mine),
            "items": Item.objects.filter(is_active=True).order_by("category", "name"),
            "can_ask": REQUEST_STOCK.allows(user),
            "can_send": ISSUE_STOCK.allows(user),
            "can_receive": RECEIVE_STOCK.allows(user),
        },
    )


@require_POST
def request_new(request: HttpRequest) -> HttpResponse:
    user = require_role(reader(request), REQUEST_STOCK)
    try:
        requester = parse_int(request.POST.get("requester"), field="requester", min_value=1, max_value=ID_MAX)
        supplier = parse_int(request.POST.get("supplier"), field="supplier", min_value=1, max_value=ID_MAX)
        item = parse_int(request.POST.get("item"), field="item", min_value=1, max_value=ID_MAX)
        request_supplies(
            user=user,
            requester=requester,
            supplier=supplier,
            lines=[(item, request.POST.get("quantity", ""))],
            note=request.POST.get("note", "")[:200],
        )
    except DomainError as err:
        message_error(request, err)
    else:
        messages.success(request, _("Supplies requested"))
    return redirect("supplies:requests")


def _act(request: HttpRequest, pk: int, action: Any, done: str, **kwargs: Any) -> HttpResponse:
    try:
        action(user=request.user, request=pk, **kwargs)
    except DomainError as err:
        message_error(request, err)
    else:
        messages.success(request, done)
    return redirect("supplies:requests")


@require_POST
def request_commit(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(reader(request), ISSUE_STOCK)
    return _act(request, pk, commit_request, _("Committed"), committed=_quantities(request) or None)


@require_POST
def request_send(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(reader(request), ISSUE_STOCK)
    return _act(request, pk, send_request, _("Sent"))


@require_POST
def request_receive(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(reader(request), RECEIVE_STOCK)
    return _act(request, pk, receive_request, _("Received"), received=_quantities(request) or None)


@require_POST
def store_allocate(request: HttpRequest, pk: int) -> HttpResponse:
    """Send stock from this store down to a store below it, unasked: in transit until that store receives
    it on the requests page."""
    user = require_role(reader(request), ISSUE_STOCK)
    store = get_object_or_404(Location.objects.visible_to(user), pk=pk)
    form = AllocationForm(request.POST)
    if not form.is_valid():
        form_message(request, form)
        return redirect("supplies:store", pk=store.pk)
    data = form.cleaned_data
    try:
        req = allocate_supplies(
            user=user,
            supplier=store,
            receiver=data["receiver"],
            lines=[(data["item"], data["quantity"])],
            note=data["note"],
        )
    except DomainError as err:
        message_error(request, err)
    else:
        line = req.lines.select_related("item").get()
        messages.success(
            request,
            _("Sent to {store}: {item} {n} {unit}, in transit until it is received.").format(
                store=req.requester.name, item=line.item.name, n=line.sent, unit=line.item.unit
            ),
        )
    return redirect("supplies:store", pk=store.pk)


# ------------------------------------------------------------------ stock-take
def stocktake(request: HttpRequest, pk: int) -> HttpResponse:
    """A store's count sheet (every lot on the book) and its stock-takes waiting for a second person."""
    user = require_role(reader(request), APPROVE_STOCKTAKE, hide=True)
    store = get_object_or_404(Location.objects.visible_to(user), pk=pk)
    lots = (
        Balance.objects.filter(location=store)
        .filter(Q(quantity__gt=0) | Q(lot__expires_on__isnull=False))
        .select_related("item", "lot")
        .order_by("item__name", "lot__expires_on", "lot_id")[:500]
    )
    waiting = (
        StockTake.objects.visible_to(user)
        .filter(location=store, status=StockTakeStatus.COUNTED)
        .select_related("counted_by")
        .prefetch_related("lines__item", "lines__lot")
    )
    return render(request, "supplies/stocktake.html", {"store": store, "lots": lots, "waiting": waiting})


@require_POST
def stocktake_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_role(reader(request), APPROVE_STOCKTAKE)
    store = get_object_or_404(Location.objects.visible_to(user), pk=pk)
    counted: dict[int, Any] = {}
    for key, value in request.POST.items():
        if key.startswith("lot_") and str(value).strip() != "":
            try:
                counted[parse_int(key[4:], min_value=1, max_value=ID_MAX)] = value
            except DomainError:
                continue
    try:
        record_stocktake(user=user, location=store, counted=counted, note=request.POST.get("note", "")[:200])
    except DomainError as err:
        message_error(request, err)
    else:
        messages.success(request, _("Counted, awaiting approval"))
    return redirect("supplies:stocktake", pk=store.pk)


@require_POST
def stocktake_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_role(reader(request), APPROVE_STOCKTAKE)
    take = StockTake.objects.visible_to(user).filter(pk=pk).first()
    if take is None:
        raise_for_status(not_found())
    assert take is not None
    approve = request.POST.get("decision") == "approve"
    try:
        decide_stocktake(user=user, stocktake=take, approve=approve)
    except DomainError as err:
        message_error(request, err)
    else:
        messages.success(request, _("Approved") if approve else _("Rejected"))
    return redirect("supplies:stocktake", pk=take.location_id)
