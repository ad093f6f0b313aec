"""Read side of care, always scoped with visible_to(user): the worker's board (what is overdue comes
first) in a fixed number of SQL queries whatever the number of households."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet

from lianfang.care.calls import board_slots, held_teams
from lianfang.care.common import local_date, now_or
from lianfang.care.errands import PENDING_ERRAND_STATUSES
from lianfang.care.models import OPEN_ERRAND_STATUSES, CareTeam, Errand
from lianfang.care.policy import care_policies

BOARD_LIMIT = 100


def open_errands(user: Any, now: datetime.datetime | None = None) -> QuerySet:
    """Open errands of the user's scope, overdue first then by due time; each with `late`."""
    now = now_or(now)
    late = Q(status__in=PENDING_ERRAND_STATUSES, due_at__lt=now)
    return (
        Errand.objects.visible_to(user)
        .filter(status__in=OPEN_ERRAND_STATUSES)
        .annotate(late=ExpressionWrapper(late, output_field=BooleanField()))
        .select_related("household__compound", "assignee")
        .order_by("-late", "due_at", "pk")
    )


def worker_board(user: Any, now: datetime.datetime | None = None, limit: int = BOARD_LIMIT) -> dict[str, Any]:
    """The home page of a care worker: overdue calls first, calls due now, open errands of the scope
    and the user's own errands (each list at most `limit` long; the user's own errands are a queryset,
    read only where shown), and the counts. Five queries (six when the user's scope area is not loaded
    yet, one more when the user's own errands are read), however many households are in care: the
    windows are numbered and counted in SQL (calls.board_slots), only the teams shown are loaded."""
    now = now_or(now)
    today = local_date(now)
    scope_path = user.scope_path if not user.is_superuser else ""
    base = CareTeam.objects.visible_to(user)
    slots = board_slots(base, now, care_policies(scope_path), user, limit)
    households = held_teams(base, today).count()
    errands = open_errands(user, now)
    late = Q(status__in=PENDING_ERRAND_STATUSES, due_at__lt=now)
    counts = (
        Errand.objects.visible_to(user)
        .filter(status__in=OPEN_ERRAND_STATUSES)
        .aggregate(
            open=Count("pk"),
            overdue=Count("pk", filter=late),
            mine=Count("pk", filter=Q(assignee_id=user.pk)),
        )
    )
    mine = open_errands(user, now).filter(assignee_id=user.pk)
    return {
        "now": now,
        "overdue_calls": slots.overdue,
        "due_calls": slots.due,
        "open_errands": list(errands[:limit]),
        "my_errands": mine[:limit],  # read when shown (no page shows it yet): no query until then
        "counts": {
            "households": households,
            "overdue_calls": slots.n_overdue,
            "due_calls": slots.n_due,
            "my_overdue_calls": slots.n_my_overdue,
            "open_errands": counts["open"],
            "overdue_errands": counts["overdue"],
            "my_errands": counts["mine"],
        },
    }
