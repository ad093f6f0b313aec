"""Care pages: the board, and helpers shared by views_households / views_errands / views_places.

Thin views: parse, authorize, call a service (care/services.py), render. Reads go through
`visible_to(user)`: out of scope is a 404, exactly like "does not exist". Roles outside READ_CARE get a
404. Command reads but may not act (403 on POSTs, no buttons). Volunteers see only the errands assigned to
them, and may only start and deliver those; every other care page answers them 404.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from lianfang.care.forms import since_days
from lianfang.care.models import ErrandStatus
from lianfang.care.queries import worker_board
from lianfang.care.services import errand_response_times
from lianfang.core.roles import EDIT_CARE, READ_CARE, STAFF_ROLES
from lianfang.core.viewtools import (  # noqa: F401  (used by the views_* modules)
    form_message,
    message_error,
    raise_for_status,
    require_role,
)

# Open and not yet delivered: what can be overdue.
PENDING = (ErrandStatus.NEW, ErrandStatus.ASSIGNED, ErrandStatus.ON_THE_WAY)


def mark_overdue(errands: Any, now: datetime.datetime) -> Any:
    for e in errands:
        e.late = e.status in PENDING and e.due_at < now
    return errands


def reader(request: HttpRequest) -> Any:
    """Any care role (volunteers included: their pages check the assignment themselves)."""
    return require_role(request.user, READ_CARE, hide=True)


def staff_reader(request: HttpRequest) -> Any:
    """Care staff (command, community, health, grid): the pages about households, not volunteers."""
    user = reader(request)
    if user.role not in STAFF_ROLES and not user.is_superuser:
        raise Http404
    return user


def editor(request: HttpRequest) -> Any:
    return require_role(staff_reader(request), EDIT_CARE)


def board_context(user: Any, now: datetime.datetime | None = None) -> dict[str, Any]:
    """The care board (worker_board: a fixed number of queries) for the home page and the board page."""
    now = now or timezone.now()
    board = worker_board(user, now=now)
    return {"board": board, "now": now, "can_edit_care": EDIT_CARE.allows(user)}


@login_required
def board(request: HttpRequest) -> HttpResponse:
    """The whole board: overdue calls first, then calls due now, then open errands."""
    user = staff_reader(request)
    return render(request, "care/board.html", board_context(user))


@login_required
def response_times(request: HttpRequest) -> HttpResponse:
    """Per community: median hours from raised to delivered, errands delivered, errands overdue now."""
    user = staff_reader(request)
    days = since_days(request.GET.get("days"))
    since = timezone.now() - datetime.timedelta(days=days)
    rows = errand_response_times(user=user, since=since)
    return render(request, "care/response_times.html", {"rows": rows, "days": days, "since": since})
