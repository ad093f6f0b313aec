"""What a volunteer's own page and home page show."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from lianfang.mobilize.attendance import hours_between, month_bounds
from lianfang.mobilize.calls import calls_open_to, with_claim_counts
from lianfang.mobilize.models import Assignment, AssignmentStatus, Claim, ClaimStatus, Shift
from lianfang.mobilize.volunteers import volunteer_of


def volunteer_lists(user: Any) -> dict[str, Any]:
    """A volunteer's next shifts and invitations, the open calls they may claim, their hours this month
    (also shown on their home page)."""
    v = volunteer_of(user)
    if v is None:
        return {"me": None}
    now = timezone.now()
    upcoming = (
        Assignment.objects.filter(
            volunteer=v,
            shift__ends_at__gt=now,
            status__in=(AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED, AssignmentStatus.CHECKED_IN),
        )
        .select_related("shift__gate__compound")
        .order_by("shift__starts_at")[:20]
    )
    claimed = set(
        Claim.objects.filter(volunteer=v)
        .exclude(status=ClaimStatus.WITHDRAWN)
        .values_list("call_id", flat=True)
    )
    open_calls = [c for c in with_claim_counts(calls_open_to(v.path, now)).order_by("starts_at")[:20]]
    free_shifts = [
        s
        for s in (
            Shift.objects.filter(
                path=v.path, ends_at__gt=now, starts_at__lt=now + datetime.timedelta(hours=72)
            )
        )
        .select_related("gate__compound")
        .order_by("starts_at")[:200]
        if s.n_covering < s.needed
    ][:10]
    first, last = month_bounds(timezone.localdate())
    return {
        "me": v,
        "upcoming": upcoming,
        "open_calls": open_calls,
        "claimed": claimed,
        "free_shifts": free_shifts,
        "hours": hours_between(v, first, last),
        "now": now,
    }
