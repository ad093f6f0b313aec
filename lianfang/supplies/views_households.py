"""Supplies given to one household (`supplies:household`): what it had from stock in the last 30 days, what
is left of each scarce item's allowance, and, for store keepers, a form to hand it items from a store of its
community (`supplies:household-issue`). Linked from the household's page."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianfang.core.errors import DomainError
from lianfang.core.roles import ISSUE_STOCK
from lianfang.core.viewtools import form_message, message_error, require_role
from lianfang.places.models import Household
from lianfang.supplies.forms import HouseholdIssueForm
from lianfang.supplies.households import allowances, issue_to_household, recent_given, stores_for
from lianfang.supplies.models import Balance, Item
from lianfang.supplies.views import reader


def household(request: HttpRequest, pk: int) -> HttpResponse:
    user = reader(request)
    found = get_object_or_404(
        Household.objects.visible_to(user).select_related("compound", "unit", "unit__building"), pk=pk
    )
    now = timezone.now()
    can_issue = ISSUE_STOCK.allows(user)
    stores = stores_for(user, found) if can_issue else []
    held = Balance.objects.filter(location__in=stores, quantity__gt=0).values(
        "item_id"
    )  # a subquery: one query
    return render(
        request,
        "supplies/household.html",
        {
            "household": found,
            "allowances": allowances(found, now),
            "recent": recent_given(user, found, now),
            "stores": stores,
            "items": Item.objects.filter(is_active=True, pk__in=held).order_by("category", "name"),
            "can_issue": can_issue and bool(stores),
        },
    )


@require_POST
def household_issue(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_role(reader(request), ISSUE_STOCK)
    found = get_object_or_404(Household.objects.visible_to(user), pk=pk)
    form = HouseholdIssueForm(request.POST)
    if not form.is_valid():
        form_message(request, form)
        return redirect("supplies:household", pk=found.pk)
    data = form.cleaned_data
    try:
        moves = issue_to_household(
            user=user,
            household=found,
            location=data["location"],
            item=data["item"],
            quantity=data["quantity"],
            note=data["note"],
        )
    except DomainError as err:
        message_error(request, err)
    else:
        m = moves[0]
        messages.success(
            request,
            _("{household}: given {n} {unit} of {item}.").format(
                household=found, n=sum(x.quantity for x in moves), unit=m.item.unit, item=m.item.name
            ),
        )
    return redirect("supplies:household", pk=found.pk)
