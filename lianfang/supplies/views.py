"""The store keeper's pages, for a phone: the stock of my stores (low and expiring marked), one store with
what to post (receive, issue, return, write off, adjust), the ledger with filters and its Excel exports,
donations (recorded, received, acknowledged with a receipt PDF), the public page of donations, and the
reversal (冲正) of a posted movement from the ledger or a store's latest movements.

Thin views: parse, authorize (`require_role`), call a service, render. Reads go through `visible_to(user)`:
out of scope is a 404. Gate duty reads its checkpoint's stock; residents and volunteers get 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianfang.core.errors import DomainError
from lianfang.core.roles import ADJUST_STOCK, ISSUE_STOCK, READ_STOCK, RECEIVE_STOCK
from lianfang.core.viewtools import form_message, message_error, next_or, raise_for_status, require_role
from lianfang.supplies.exports import export_balances, export_ledger
from lianfang.supplies.forms import (
    AllocationForm,
    DonationForm,
    LedgerFilter,
    MovementForm,
    ReceiptForm,
    ReversalForm,
)
from lianfang.supplies.ledger import Line, post_movements, reverse_movement
from lianfang.supplies.models import (
    Balance,
    Donation,
    DonationLine,
    DonationStatus,
    Item,
    Location,
    Movement,
    MovementKind,
)
from lianfang.supplies.queries import open_requests, stock_of, stores_below, with_reversed_mark
from lianfang.supplies.receipt import receipt_pdf
from lianfang.supplies.services import (
    DonatedLine,
    acknowledge_donation,
    pledge_donation,
    receive_donation,
)

PAGE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The page's kinds: (ledger kind, direction).
POSTED = {
    "receive": (MovementKind.RECEIVE, 1),
    "issue": (MovementKind.ISSUE, -1),
    "return": (MovementKind.RETURN, 1),
    "write_off": (MovementKind.WRITE_OFF, -1),
    "adjust_up": (MovementKind.ADJUST, 1),
    "adjust_down": (MovementKind.ADJUST, -1),
}


def reader(request: HttpRequest) -> Any:
    return require_role(request.user, READ_STOCK, hide=True)


def stock(request: HttpRequest) -> HttpResponse:
    user = reader(request)
    stores = list(
        Location.objects.visible_to(user).filter(is_active=True).order_by("path", "kind", "name")[:200]
    )
    return render(
        request,
        "supplies/stock.html",
        {"stores": stock_of(user, stores), "can_receive": RECEIVE_STOCK.allows(user)},
    )


def store(request: HttpRequest, pk: int) -> HttpResponse:
    user = reader(request)
    found = get_object_or_404(Location.objects.visible_to(user), pk=pk)
    [stock_rows] = stock_of(user, [found])
    lots = (
        Balance.objects.visible_to(user)
        .filter(location=found, quantity__gt=0)
        .select_related("item", "lot")
        .order_by("item__name", "lot__expires_on", "lot_id")
    )
    recent = with_reversed_mark(
        Movement.objects.visible_to(user)
        .filter(location=found)
        .select_related("location", "item", "lot", "by")
    )[:20]
    can_post = ISSUE_STOCK.allows(user)
    return render(
        request,
        "supplies/store.html",
        {
            "store": found,
            "stock": stock_rows,
            "lots": lots,
            "recent": recent,
            "requests": open_requests(user, found),
            "items": Item.objects.filter(is_active=True).order_by("category", "name"),
            "can_post": can_post,
            "can_adjust": ADJUST_STOCK.allows(user),
            "form": MovementForm(),
            "below": stores_below(user, found) if can_post and found.is_active else [],
            "allocation": AllocationForm(),
        },
    )


@require_POST
def store_post(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_role(reader(request), ISSUE_STOCK)
    found = get_object_or_404(Location.objects.visible_to(user), pk=pk)
    form = MovementForm(request.POST)
    if not form.is_valid():
        form_message(request, form)
        return redirect("supplies:store", pk=found.pk)
    data = form.cleaned_data
    kind, direction = POSTED[data["kind"]]
    try:
        moves = post_movements(
            user=user,
            lines=[
                Line(
                    kind=kind,
                    location=found,
                    item=data["item"],
                    quantity=data["quantity"],
                    lot=data["lot"],
                    direction=direction,
                    reason=data["reason"],
                )
            ],
        )
    except DomainError as err:
        message_error(request, err)
    else:
        m = moves[0]
        messages.success(
            request,
            _("Posted: {kind}, {item} {n} {unit}.").format(
                kind=m.get_kind_display(),
                item=m.item.name,
                n=sum(x.quantity for x in moves),
                unit=m.item.unit,
            ),
        )
    return redirect("supplies:store", pk=found.pk)


def _ledger_rows(request: HttpRequest, user: Any) -> Any:
    form = LedgerFilter(request.GET)
    qs = Movement.objects.visible_to(user)
    if form.is_valid():
        data = form.cleaned_data
        if data["location"]:
            qs = qs.filter(location_id=data["location"])
        if data["item"]:
            qs = qs.filter(item_id=data["item"])
        if data["kind"] in MovementKind.values:
            qs = qs.filter(kind=data["kind"])
    return form, qs


def ledger(request: HttpRequest) -> HttpResponse:
    user = reader(request)
    form, qs = _ledger_rows(request, user)
    page = Paginator(with_reversed_mark(qs.select_related("location", "item", "lot", "by")), PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "supplies/ledger.html",
        {
            "form": form,
            "page": page,
            "stores": Location.objects.visible_to(user).order_by("path", "name")[:200],
            "items": Item.objects.order_by("category", "name"),
            "kinds": MovementKind.choices,
            "query": request.GET.urlencode(),
            "can_adjust": ADJUST_STOCK.allows(user),
        },
    )


@require_POST
def movement_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    """Reverse a posted movement (the reason required), then back to the page it was asked from."""
    user = require_role(reader(request), ADJUST_STOCK)
    found = get_object_or_404(Movement.objects.visible_to(user), pk=pk)
    form = ReversalForm(request.POST)
    if not form.is_valid():
        form_message(request, form)
        return redirect(next_or(request, "supplies:ledger"))
    try:
        moves = reverse_movement(user=user, movement=found, reason=form.cleaned_data["reason"])
    except DomainError as err:
        message_error(request, err)
    else:
        m = moves[0]
        messages.success(
            request,
            _("Reversed: {item} {n} {unit} at {store}.").format(
                item=m.item.name, n=m.quantity, unit=m.item.unit, store=m.location.name
            ),
        )
    return redirect(next_or(request, "supplies:ledger"))


def ledger_export(request: HttpRequest) -> HttpResponse:
    user = reader(request)
    _form, qs = _ledger_rows(request, user)
    data, _n = export_ledger(user=user, movements=qs, request=request)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="ledger.xlsx"'
    return response


def balances_export(request: HttpRequest) -> HttpResponse:
    user = reader(request)
    data, _n = export_balances(user=user, request=request)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="stock.xlsx"'
    return response


# ------------------------------------------------------------------ donations
def donations(request: HttpRequest) -> HttpResponse:
    user = reader(request)
    rows = (
        Donation.objects.visible_to(user)
        .select_related("location")
        .prefetch_related("lines__item")
        .order_by("-pledged_at", "-id")
    )
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "supplies/donations.html",
        {
            "page": page,
            "form": DonationForm(initial={"received": True}),
            "stores": Location.objects.visible_to(user).filter(is_active=True).order_by("path", "name")[:200],
            "items": Item.objects.filter(is_active=True).order_by("category", "name"),
            "can_receive": RECEIVE_STOCK.allows(user),
        },
    )


@require_POST
def donation_new(request: HttpRequest) -> HttpResponse:
    user = require_role(reader(request), RECEIVE_STOCK)
    form = DonationForm(request.POST)
    if not form.is_valid():
        form_message(request, form)
        return redirect("supplies:donations")
    data = form.cleaned_data
    line = DonatedLine(data["item"], data["quantity"], data["lot_code"], data["expires_on"])
    try:
        donation = pledge_donation(
            user=user,
            location=data["location"],
            donor_kind=data["donor_kind"],
            donor_name=data["donor_name"],
            donor_contact=data["donor_contact"],
            name_public=data["name_public"],
            lines=[line],
        )
        if data["received"]:
            receive_donation(user=user, donation=donation, lines=[line])
    except DomainError as err:
        message_error(request, err)
    else:
        messages.success(request, _("Donation recorded."))
    return redirect("supplies:donations")


@require_POST
def donation_receive(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_role(reader(request), RECEIVE_STOCK)
    try:
        receive_donation(user=user, donation=pk)
    except DomainError as err:
        message_error(request, err)
    else:
        messages.success(request, _("Donation received."))
    return redirect("supplies:donations")


@require_POST
def donation_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_role(reader(request), RECEIVE_STOCK)
    form = ReceiptForm(request.POST)
    number = form.cleaned_data["receipt_number"] if form.is_valid() else ""
    try:
        done = acknowledge_donation(user=user, donation=pk, receipt_number=number)
    except DomainError as err:
        message_error(request, err)
    else:
        messages.success(request, _("Acknowledged with receipt {n}.").format(n=done.receipt_number))
    return redirect("supplies:donations")


def donation_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    user = reader(request)
    found = get_object_or_404(
        Donation.objects.visible_to(user).select_related("location"),
        pk=pk,
        status=DonationStatus.ACKNOWLEDGED,
    )
    try:
        data = receipt_pdf(found)
    except DomainError as err:
        raise_for_status(err)
        return HttpResponse(str(err.message), status=err.status, content_type="text/plain; charset=utf-8")
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{found.receipt_number}.pdf"'
    return response


@login_not_required
def public_donations(request: HttpRequest) -> HttpResponse:
    """What was donated, by item and month (no login): received donations only; donors by name only where
    they agreed, the others counted as anonymous."""
    received = DonationLine.objects.filter(
        donation__status__in=[DonationStatus.RECEIVED, DonationStatus.ACKNOWLEDGED]
    )
    by_month = (
        received.annotate(month=TruncMonth("donation__received_at"))
        .values("month", "item__name", "item__unit")
        .annotate(n=Sum("quantity"))
        .order_by("-month", "item__name")[:500]
    )
    named = (
        Donation.objects.filter(
            status__in=[DonationStatus.RECEIVED, DonationStatus.ACKNOWLEDGED], name_public=True
        )
        .exclude(donor_name="")
        .values_list("donor_name", flat=True)
        .distinct()
        .order_by("donor_name")[:200]
    )
    return render(request, "supplies/public_donations.html", {"rows": by_month, "named": list(named)})
