"""Calls for help (吹哨): staff post a need; volunteers of the community (or of the whole street, when the
call says so) claim places until it is full, then join the wait list; a withdrawn place goes to the first
on the wait list. A call still short of people at its deadline escalates to the street as an alert
(CALL_UNFILLED). When the work is done staff confirm who came (their hours count) and may rate it.

A claim locks the call's row, so two volunteers cannot both take its last place."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lianfang.core.alerts import new_alert, parent_path, raise_alerts, respond_minutes_at
from lianfang.core.errors import DomainError
from lianfang.core.models import AlertKind
from lianfang.core.roles import CLAIM_CALLS, POST_CALLS
from lianfang.core.scoping import authorize_write, not_found
from lianfang.mobilize.limits import hours
from lianfang.mobilize.models import (
    HOLDING_CLAIMS,
    CallKind,
    CallStatus,
    Claim,
    ClaimStatus,
    HelpCall,
)
from lianfang.mobilize.volunteers import _text, parse_skills, require_active, volunteer_of
from lianfang.places.models import Area, AreaLevel

MAX_HEAD_COUNT = 500
MAX_CALL_HOURS = 24
OPEN_CALLS = (CallStatus.OPEN, CallStatus.FULL, CallStatus.ESCALATED)


@dataclass(frozen=True)
class CallData:
    kind: str
    place: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    head_count: int
    deadline: datetime.datetime | None = None
    skills: Any = ""
    details: str = ""
    whole_street: bool = False


@transaction.atomic
def post_call(*, user: Any, data: CallData, now: datetime.datetime | None = None) -> HelpCall:
    """Community staff post a call to their community's volunteers (or the street's)."""
    now = now or timezone.now()
    authorize_write(user, action=POST_CALLS)
    community = user.area if not user.is_superuser else None
    if community is None or community.level != AreaLevel.COMMUNITY:
        raise DomainError("no_community", _("Calls for help are posted by a community."), status=403)
    authorize_write(user, action=POST_CALLS, path=community.path)
    if data.kind not in CallKind.values:
        raise DomainError("bad_kind", _("Choose a kind of work."), field="kind")
    if data.ends_at <= data.starts_at:
        raise DomainError("bad_window", _("The end must come after the start."), field="ends_at")
    if data.ends_at <= now:
        raise DomainError("window_past", _("The time of the work has passed."), field="ends_at")
    if hours(data.starts_at, data.ends_at) > MAX_CALL_HOURS:
        raise DomainError(
            "window_too_long", _("A call lasts at most {n} hours.").format(n=MAX_CALL_HOURS), field="ends_at"
        )
    if not 1 <= int(data.head_count) <= MAX_HEAD_COUNT:
        raise DomainError(
            "bad_head_count", _("Between 1 and {n} people.").format(n=MAX_HEAD_COUNT), field="head_count"
        )
    deadline = data.deadline or data.starts_at
    if not now < deadline <= data.starts_at:
        raise DomainError(
            "bad_deadline", _("The deadline lies between now and the start of the work."), field="deadline"
        )
    street = parent_path(community.path) if data.whole_street else None
    return HelpCall.objects.create(
        community=community,
        path=community.path,
        audience_path=street or community.path,
        kind=data.kind,
        place=_text(data.place, "place", required=True, limit=100),
        details=_text(data.details, "details", limit=300),
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        head_count=int(data.head_count),
        skills=parse_skills(data.skills),
        deadline=deadline,
        posted_by=user,
        posted_at=now,
    )


def calls_open_to(volunteer_path: str, now: datetime.datetime) -> Any:
    """The calls a volunteer of the community at `volunteer_path` may claim: open, not over, addressed to
    the community or to its street."""
    prefixes = [volunteer_path, parent_path(volunteer_path) or volunteer_path]
    return HelpCall.objects.filter(audience_path__in=prefixes, status__in=OPEN_CALLS, ends_at__gt=now)


def with_claim_counts(qs: Any) -> Any:
    return qs.annotate(
        n_claimed=Count("claims", filter=Q(claims__status__in=HOLDING_CLAIMS)),
        n_waiting=Count("claims", filter=Q(claims__status=ClaimStatus.WAITING)),
    )


def _holding(call: HelpCall) -> int:
    return Claim.objects.filter(call=call, status__in=HOLDING_CLAIMS).count()


@transaction.atomic
def claim_call(*, user: Any, call: int, now: datetime.datetime | None = None) -> Claim:
    """A volunteer claims a place on a call; when it is full they go on the wait list."""
    now = now or timezone.now()
    authorize_write(user, action=CLAIM_CALLS)
    v = require_active(volunteer_of(user))
    c = calls_open_to(v.path, now).select_for_update().filter(pk=call).first()
    if c is None:
        raise not_found()
    if c.starts_at <= now:
        raise DomainError("call_started", _("This work has started; ask the community directly."))
    existing = Claim.objects.filter(call=c, volunteer=v).first()
    if existing is not None and existing.status != ClaimStatus.WITHDRAWN:
        raise DomainError("already_claimed", _("You have claimed this call already."))
    full = _holding(c) >= c.head_count
    status = ClaimStatus.WAITING if full else ClaimStatus.CLAIMED
    if existing is not None:
        existing.status, existing.claimed_at = status, now
        existing.save(update_fields=["status", "claimed_at"])
        claim = existing
    else:
        claim = Claim.objects.create(call=c, volunteer=v, status=status, claimed_at=now)
    _update_fill(c)
    return claim


@transaction.atomic
def withdraw_claim(*, user: Any, call: int, now: datetime.datetime | None = None) -> Claim:
    """A volunteer withdraws; their place goes to the first on the wait list."""
    now = now or timezone.now()
    authorize_write(user, action=CLAIM_CALLS)
    v = volunteer_of(user)
    c = HelpCall.objects.select_for_update().filter(pk=call).first()
    claim = Claim.objects.filter(call=c, volunteer=v).first() if c is not None and v is not None else None
    if c is None or claim is None:
        raise not_found()
    if claim.status not in (ClaimStatus.CLAIMED, ClaimStatus.WAITING):
        raise DomainError("not_claimed", _("You have no claim on this call."))
    was_holding = claim.status == ClaimStatus.CLAIMED
    claim.status = ClaimStatus.WITHDRAWN
    claim.save(update_fields=["status"])
    if was_holding:
        first = Claim.objects.filter(call=c, status=ClaimStatus.WAITING).order_by("claimed_at", "id").first()
        if first is not None:
            first.status = ClaimStatus.CLAIMED
            first.save(update_fields=["status"])
    _update_fill(c)
    return claim


def _update_fill(c: HelpCall) -> None:
    if c.status in (CallStatus.DONE, CallStatus.CANCELLED):
        return
    full = _holding(c) >= c.head_count
    status = CallStatus.FULL if full else (CallStatus.ESCALATED if c.escalated_at else CallStatus.OPEN)
    if status != c.status:
        c.status = status
        c.save(update_fields=["status"])


def _staff_call(user: Any, pk: int) -> HelpCall:
    c = HelpCall.objects.visible_to(user).select_for_update().filter(pk=pk).first()
    if c is None:
        raise not_found()
    authorize_write(user, action=POST_CALLS, obj=c)
    return c


@transaction.atomic
def confirm_attendance(
    *,
    user: Any,
    call: int,
    attended: list[int],
    rating: int | None = None,
    now: datetime.datetime | None = None,
) -> HelpCall:
    """After the work: the claims of `attended` volunteers are attended, the other claimed ones absent;
    the call is done (with an optional rating of 1-5 for those who came)."""
    now = now or timezone.now()
    authorize_write(user, action=POST_CALLS)
    c = _staff_call(user, call)
    if c.starts_at > now:
        raise DomainError("call_not_started", _("Attendance is confirmed once the work has started."))
    if c.status in (CallStatus.DONE, CallStatus.CANCELLED):
        raise DomainError("call_closed", _("This call is closed."))
    if rating is not None and not 1 <= int(rating) <= 5:
        raise DomainError("bad_rating", _("A rating from 1 to 5."), field="rating")
    claims = list(Claim.objects.filter(call=c, status=ClaimStatus.CLAIMED))
    came = {int(pk) for pk in attended}
    unknown = came - {cl.volunteer_id for cl in claims}
    if unknown:
        raise DomainError("not_a_claimant", _("Only volunteers who claimed the call can attend it."))
    for cl in claims:
        cl.status = ClaimStatus.ATTENDED if cl.volunteer_id in came else ClaimStatus.ABSENT
        cl.rating = int(rating) if rating is not None and cl.volunteer_id in came else None
        cl.save(update_fields=["status", "rating"])
    c.status = CallStatus.DONE
    c.save(update_fields=["status"])
    return c


@transaction.atomic
def cancel_call(*, user: Any, call: int) -> HelpCall:
    authorize_write(user, action=POST_CALLS)
    c = _staff_call(user, call)
    if c.status in (CallStatus.DONE, CallStatus.CANCELLED):
        raise DomainError("call_closed", _("This call is closed."))
    c.status = CallStatus.CANCELLED
    c.save(update_fields=["status"])
    return c


def escalate_unfilled_calls(*, now: datetime.datetime | None = None) -> int:
    """Calls short of people at their deadline: an alert to the street (dedup per call), once."""
    now = now or timezone.now()
    due = list(
        with_claim_counts(
            HelpCall.objects.filter(
                status=CallStatus.OPEN,
                deadline__lte=now,
                starts_at__gt=now - datetime.timedelta(hours=MAX_CALL_HOURS),
            )
        ).select_related("community")
    )
    due = [c for c in due if c.n_claimed < c.head_count]
    if not due:
        return 0
    streets = {c.pk: parent_path(c.path) or c.path for c in due}
    minutes = respond_minutes_at(streets.values(), AlertKind.CALL_UNFILLED)
    names = dict(Area.objects.filter(path__in=set(streets.values())).values_list("path", "name"))
    alerts = []
    for c in due:
        street = streets[c.pk]
        alert = new_alert(
            kind=AlertKind.CALL_UNFILLED,
            title=gettext("{community}: call for help short of {n} people ({kind}, {place})").format(
                community=c.community.name,
                n=c.head_count - c.n_claimed,
                kind=c.get_kind_display(),
                place=c.place,
            ),
            detail=gettext("Escalated to {street}.").format(street=names.get(street, street)),
            path=street,
            source_type="helpcall",
            source_id=str(c.pk),
            dedup_key=f"call_unfilled:{c.pk}",
            created_at=now,
            minutes=minutes[street],
        )
        alerts.append(alert)
    raise_alerts(alerts)
    HelpCall.objects.filter(pk__in=[c.pk for c in due]).update(status=CallStatus.ESCALATED, escalated_at=now)
    return len(due)
