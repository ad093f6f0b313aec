"""Expiring soon (`supplies:expiring`): every lot in stock in the user's scope that expired or expires within
EXPIRING_DAYS, the first to expire first, with its store and the days left; an expired lot gets a *Write
off* button for store keepers (a write-off of that lot through the store's posting form)."""

from __future__ import annotations

import datetime

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from lianfang.core.roles import ADJUST_STOCK
from lianfang.supplies.models import Balance
from lianfang.supplies.queries import EXPIRING_DAYS
from lianfang.supplies.views import PAGE, reader


def expiring(request: HttpRequest) -> HttpResponse:
    user = reader(request)
    today = timezone.localdate()
    rows = (
        Balance.objects.visible_to(user)
        .filter(quantity__gt=0, lot__expires_on__lte=today + datetime.timedelta(days=EXPIRING_DAYS))
        .select_related("location", "item", "lot")
        .order_by("lot__expires_on", "location__name", "item__name", "pk")
    )
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    for b in page.object_list:
        b.days_left = (b.lot.expires_on - today).days
    return render(
        request,
        "supplies/expiring.html",
        {"page": page, "days": EXPIRING_DAYS, "can_write_off": ADJUST_STOCK.allows(user)},
    )
