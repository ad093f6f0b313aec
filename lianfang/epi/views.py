"""Epidemic pages: the hub, and helpers shared by views_cases / views_lockdowns / views_quarantines.

Thin views: parse, authorize, call a service (epi/services.py, epi/contacts.py), render. Reads go through
`visible_to(user)`: out of scope is a 404, exactly like "does not exist". Roles outside READ_EPI get a
404 too; roles that may read but not act (command, grid) get 403 on POSTs and see no buttons.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from lianfang.core.roles import EDIT_EPI, READ_EPI
from lianfang.core.viewtools import (  # noqa: F401  (the views_* modules import them from here)
    form_error,
    form_message,
    message_error,
    raise_for_status,
    require_role,
)
from lianfang.epi.models import (
    OPEN_CASE_STATUSES,
    Case,
    Quarantine,
    QuarantineStatus,
)


def reader(request: HttpRequest) -> Any:
    return require_role(request.user, READ_EPI, hide=True)


def editor(request: HttpRequest) -> Any:
    return require_role(reader(request), EDIT_EPI)


def day_of(start: datetime.date, last: datetime.date, today: datetime.date) -> tuple[int, int]:
    """Day N of M, from dates (N can exceed M when a quarantine is past its end)."""
    return (today - start).days + 1, (last - start).days + 1


def panel_counts(user: Any, today: datetime.date | None = None) -> dict[str, int]:
    """Quarantines ending today / tomorrow / overdue and open cases: two queries."""
    today = today or timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    counts = (
        Quarantine.objects.visible_to(user)
        .filter(status=QuarantineStatus.ACTIVE)
        .aggregate(
            active=Count("pk"),
            ends_today=Count("pk", filter=Q(planned_end=today)),
            ends_tomorrow=Count("pk", filter=Q(planned_end=tomorrow)),
            overdue=Count("pk", filter=Q(planned_end__lt=today)),
        )
    )
    counts["open_cases"] = Case.objects.visible_to(user).filter(status__in=OPEN_CASE_STATUSES).count()
    return counts


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = reader(request)
    return render(
        request, "epi/index.html", {"counts": panel_counts(user), "can_edit": EDIT_EPI.allows(user)}
    )


@login_required
def home_panel(request: HttpRequest) -> HttpResponse:
    """The epidemic part of a health worker's or community worker's home page, loaded by htmx."""
    user = reader(request)
    return render(
        request, "epi/_panel.html", {"counts": panel_counts(user), "can_edit": EDIT_EPI.allows(user)}
    )
