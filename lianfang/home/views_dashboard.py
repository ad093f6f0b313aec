"""The command dashboard's pages: the user's own (`/dashboard/`), any area in scope
(`/dashboard/<area code>/`), a grid (`/dashboard/grids/<id>/`), and the "Refresh today" hook. Out of scope,
like a place that does not exist, is 404. What the page reads is in home.dashboard."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianfang.core.bounds import DateWindow, parse_date
from lianfang.core.errors import DomainError
from lianfang.core.roles import READ_DASHBOARD
from lianfang.core.viewtools import message_error, require_role
from lianfang.home import dashboard
from lianfang.home.dashboard_nodes import Node, find_area_node, find_grid_node, own_node

# A dashboard can be opened on any day of the last year (its charts show the 30 days before it).
DAYS = DateWindow(days_ahead=0, days_back=366)


def _day(request: HttpRequest) -> datetime.date:
    try:
        return parse_date(request.GET.get("day"), DAYS, field="day") or timezone.localdate()
    except DomainError as err:
        messages.error(request, err.message)
        return timezone.localdate()


def _render(request: HttpRequest, node: Node | None) -> HttpResponse:
    if node is None:
        raise Http404
    context = dashboard.dashboard_context(
        request.user, node, day=_day(request), sort=request.GET.get("sort", "name")
    )
    return render(request, "home/dashboard.html", context)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    require_role(request.user, READ_DASHBOARD, hide=True)
    return _render(request, own_node(request.user))


@login_required
def area(request: HttpRequest, code: str) -> HttpResponse:
    require_role(request.user, READ_DASHBOARD, hide=True)
    return _render(request, find_area_node(request.user, code))


@login_required
def grid(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, READ_DASHBOARD, hide=True)
    return _render(request, find_grid_node(request.user, pk))


@require_POST
@login_required
def refresh(request: HttpRequest, code: str) -> HttpResponse:
    """Compute today's figures again, where watch.stats can (otherwise there is no such page: 404)."""
    require_role(request.user, READ_DASHBOARD, hide=True)
    node = find_area_node(request.user, code)
    if node is None or not dashboard.can_refresh(timezone.localdate()):
        raise Http404
    try:
        dashboard.refresh_today(user=request.user)
    except DomainError as err:  # a role that may not refresh: 403, like the other pages
        message_error(request, err)
    else:
        messages.success(request, _("Today's figures were computed again."))
    return redirect(node.url)
