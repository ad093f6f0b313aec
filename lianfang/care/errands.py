"""Errands (代购代办): new -> assigned -> on the way -> delivered -> confirmed by the household, or
cancelled with a reason; money advanced and repaid; due times; response times per community.
Public through lianfang.care.services."""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.care.common import (
    local_date,
    money,
    not_found,
    not_in_quarantine,
    now_or,
    open_team,
    visible_household,
)
from lianfang.care.models import (
    NEED_OF_CATEGORY,
    CareCall,
    Errand,
    ErrandCategory,
    ErrandEvent,
    ErrandStatus,
    RaisedBy,
)
from lianfang.care.policy import care_policy_for_path
from lianfang.core import audit
from lianfang.core.audit import AuditAction
from lianfang.core.errors import DomainError
from lianfang.core.roles import EDIT_CARE, ERRAND_ASSIGNEE_ROLES, Role
from lianfang.core.scoping import authorize_write
from lianfang.places.models import Area, Household

# Open and not yet delivered: these become overdue once due_at has passed.
PENDING_ERRAND_STATUSES = (ErrandStatus.NEW, ErrandStatus.ASSIGNED, ErrandStatus.ON_THE_WAY)
MAX_DETAILS = 300


def _details(raw: Any) -> str:
    text = " ".join(str(raw or "").split())
    if not text:
        raise DomainError("details_required", _("Say what is needed."), field="details")
    if len(text) > MAX_DETAILS:
        raise DomainError(
            "details_too_long",
            _("At most {n} characters, please.").format(n=MAX_DETAILS),
            field="details",
        )
    return text


def _category(raw: Any) -> str:
    if raw not in ErrandCategory.values:
        raise DomainError("bad_category", _("Choose a kind of errand."), field="category")
    return str(raw)


def _event(errand: Errand, status: str, *, user: Any, now: datetime.datetime, note: str = "") -> None:
    ErrandEvent.objects.create(
        errand=errand,
        status=status,
        note=note[:200],
        by=user if getattr(user, "is_authenticated", False) else None,
        by_household=user is None,
        at=now,
    )


def create_errand_rows(
    *,
    user: Any,
    household: Household,
    needs: Iterable[dict[str, Any]],
    call: CareCall | None,
    now: datetime.datetime,
) -> list[Errand]:
    """Errands raised during a call (no checks of role or scope here: record_call did them)."""
    rules = care_policy_for_path(household.path)
    made = []
    for need in needs:
        category = _category(need.get("category"))
        errand = Errand.objects.create(
            household=household,
            category=category,
            need=NEED_OF_CATEGORY[ErrandCategory(category)],
            details=_details(need.get("details")),
            raised_by=RaisedBy.CALL,
            raised_by_user=user,
            call=call,
            due_at=now + datetime.timedelta(hours=rules.errand_due_hours),
            created_at=now,
            path=household.path,
        )
        _event(errand, ErrandStatus.NEW, user=user, now=now)
        made.append(errand)
    return made


@transaction.atomic
def raise_errand(
    *,
    user: Any,
    household: Household,
    category: str,
    details: str,
    due_at: datetime.datetime | None = None,
    call: CareCall | None = None,
    now: datetime.datetime | None = None,
) -> Errand:
    """An errand for a household in home quarantine. `user=None` is the household itself through its
    secret link (the caller resolved the household from the link); otherwise staff of its area."""
    now = now_or(now)
    if user is None:
        if not isinstance(household, Household) or household.pk is None:
            raise not_found()
        raised_by = RaisedBy.HOUSEHOLD
    else:
        authorize_write(user, action=EDIT_CARE)
        household = visible_household(user, household)
        raised_by = RaisedBy.CALL if call is not None else RaisedBy.STAFF
    open_team(household, local_date(now))
    category = _category(category)
    details = _details(details)
    if call is not None and call.household_id != household.pk:
        raise DomainError("call_other_household", _("That call was for another household."), field="call")
    if due_at is None:
        due_at = now + datetime.timedelta(hours=care_policy_for_path(household.path).errand_due_hours)
    elif due_at <= now:
        raise DomainError("due_in_past", _("The due time must be in the future."), field="due_at")
    errand = Errand.objects.create(
        household=household,
        category=category,
        need=NEED_OF_CATEGORY[ErrandCategory(category)],
        details=details,
        raised_by=raised_by,
        raised_by_user=user,
        call=call,
        due_at=due_at,
        created_at=now,
        path=household.path,
    )
    _event(errand, ErrandStatus.NEW, user=user, now=now)
    audit.log(
        user=user,
        action=AuditAction.CREATE,
        obj=errand,
        summary=_("Errand raised ({by}), due {due}").format(
            by=errand.get_raised_by_display(), due=f"{timezone.localtime(due_at):%Y-%m-%d %H:%M}"
        ),
    )
    return errand


def _locked(user: Any, errand: Errand | int) -> Errand:
    pk = errand.pk if isinstance(errand, Errand) else errand
    found = (
        Errand.objects.visible_to(user).select_for_update().select_related("household").filter(pk=pk).first()
    )
    if found is None:
        raise not_found()
    return found


def _bad_state(errand: Errand) -> DomainError:
    return DomainError(
        "errand_bad_state",
        _("This errand is {status}: that step is not possible now.").format(
            status=errand.get_status_display()
        ),
        field="status",
    )


def _require_state(errand: Errand, *allowed: str) -> None:
    if errand.status not in allowed:
        raise _bad_state(errand)


def _may_run(user: Any, errand: Errand) -> None:
    """Staff of the area, or the volunteer it is assigned to, may move an assigned errand on."""
    if EDIT_CARE.allows(user):
        return
    if (
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.role == Role.VOLUNTEER
        and errand.assignee_id == user.pk
    ):
        return
    raise DomainError("forbidden", _("Only staff or the assigned volunteer may do this."), status=403)


def _assignable(assignee: Any, errand: Errand) -> None:
    """An errand goes to staff or a volunteer who can see it (the read rule of errands)."""
    ok_role = assignee is not None and assignee.role in ERRAND_ASSIGNEE_ROLES
    if not ok_role or not assignee.is_active:
        raise DomainError("assignee_bad_role", _("Errands go to staff or volunteers."), field="assignee")
    if not Errand.scope.covers(assignee, errand):
        raise DomainError(
            "assignee_out_of_scope",
            _("{name} does not work in the area of this household.").format(name=assignee),
            field="assignee",
        )


@transaction.atomic
def assign_errand(
    *, user: Any, errand: Errand, assignee: Any, now: datetime.datetime | None = None
) -> Errand:
    authorize_write(user, action=EDIT_CARE)
    now = now_or(now)
    found = _locked(user, errand)
    _require_state(found, ErrandStatus.NEW, ErrandStatus.ASSIGNED)
    _assignable(assignee, found)
    found.assignee = assignee
    found.status = ErrandStatus.ASSIGNED
    found.assigned_at = now
    found.save(update_fields=["assignee", "status", "assigned_at"])
    _event(found, ErrandStatus.ASSIGNED, user=user, now=now, note=str(assignee))
    audit.log(
        user=user,
        action=AuditAction.CHANGE,
        obj=found,
        summary=_("Errand assigned to {name}").format(name=assignee.name or assignee.username),
    )
    return found


@transaction.atomic
def start_errand(*, user: Any, errand: Errand, now: datetime.datetime | None = None) -> Errand:
    """On the way (the assignee or staff)."""
    now = now_or(now)
    found = _locked(user, errand)
    _may_run(user, found)
    _require_state(found, ErrandStatus.ASSIGNED)
    found.status = ErrandStatus.ON_THE_WAY
    found.save(update_fields=["status"])
    _event(found, ErrandStatus.ON_THE_WAY, user=user, now=now)
    return found


@transaction.atomic
def deliver_errand(
    *, user: Any, errand: Errand, money_advanced: Any = None, now: datetime.datetime | None = None
) -> Errand:
    """Delivered to the door (the assignee or staff), with the money advanced if any."""
    now = now_or(now)
    found = _locked(user, errand)
    _may_run(user, found)
    _require_state(found, ErrandStatus.ASSIGNED, ErrandStatus.ON_THE_WAY)
    advanced = money(money_advanced, "money_advanced")
    found.status = ErrandStatus.DELIVERED
    found.delivered_at = now
    found.money_advanced = advanced
    found.save(update_fields=["status", "delivered_at", "money_advanced"])
    _event(
        found,
        ErrandStatus.DELIVERED,
        user=user,
        now=now,
        note=_("{amount} yuan").format(amount=advanced) if advanced else "",
    )
    audit.log(
        user=user,
        action=AuditAction.CHANGE,
        obj=found,
        summary=_with_money(_("Delivered, {money} advanced"), _("Delivered"), advanced),
    )
    return found


@transaction.atomic
def confirm_errand(
    *, errand: Errand, household: Household, money_repaid: Any = None, now: datetime.datetime | None = None
) -> Errand:
    """The household (through its secret link, nobody else) confirms a delivered errand."""
    now = now_or(now)
    pk = errand.pk if isinstance(errand, Errand) else errand
    if not isinstance(household, Household) or household.pk is None:
        raise not_found()
    found = Errand.objects.select_for_update().filter(pk=pk, household_id=household.pk).first()
    if found is None:
        raise not_found()
    _require_state(found, ErrandStatus.DELIVERED)
    repaid = money(money_repaid, "money_repaid")
    found.status = ErrandStatus.CONFIRMED
    found.confirmed_at = now
    found.money_repaid = repaid
    found.save(update_fields=["status", "confirmed_at", "money_repaid"])
    _event(
        found,
        ErrandStatus.CONFIRMED,
        user=None,
        now=now,
        note=_("{amount} yuan").format(amount=repaid) if repaid else "",
    )
    audit.log(
        user=None,
        action=AuditAction.CHANGE,
        obj=found,
        summary=_with_money(
            _("Receipt confirmed by the household, {money} repaid"),
            _("Receipt confirmed by the household"),
            repaid,
        ),
    )
    return found


def _with_money(sentence: str, plain: str, amount: Any) -> str:
    """The audit trail's sentence with the sum in yuan ("32.50 元"), or the plain one when no money moved."""
    return sentence.format(money=_("{amount} yuan").format(amount=amount)) if amount else plain


@transaction.atomic
def cancel_errand(*, user: Any, errand: Errand, reason: str, now: datetime.datetime | None = None) -> Errand:
    authorize_write(user, action=EDIT_CARE)
    now = now_or(now)
    found = _locked(user, errand)
    _require_state(found, *PENDING_ERRAND_STATUSES)
    text = " ".join(str(reason or "").split())[:200]
    if not text:
        raise DomainError("reason_required", _("Please give a reason."), field="reason")
    found.status = ErrandStatus.CANCELLED
    found.cancel_reason = text
    found.save(update_fields=["status", "cancel_reason"])
    _event(found, ErrandStatus.CANCELLED, user=user, now=now, note=text)
    audit.log(
        user=user, action=AuditAction.CHANGE, obj=found, summary=audit.because(_("Errand cancelled"), text)
    )
    return found


def is_overdue(errand: Errand, now: datetime.datetime | None = None) -> bool:
    return errand.status in PENDING_ERRAND_STATUSES and errand.due_at < now_or(now)


def errand_response_times(
    user: Any, since: datetime.datetime, now: datetime.datetime | None = None
) -> list[dict[str, Any]]:
    """Per community (errands raised since `since` in the user's scope): how many, how many delivered,
    the median hours from raised to delivered, and how many were late (delivered after their due
    time, or still not delivered past it). Two queries."""
    now = now_or(now)
    rows = (
        Errand.objects.visible_to(user)
        .filter(created_at__gte=since)
        .exclude(status=ErrandStatus.CANCELLED)
        .values_list("path", "created_at", "delivered_at", "due_at", "status")
    )
    per: dict[str, dict[str, Any]] = defaultdict(lambda: {"count": 0, "hours": [], "overdue": 0})
    for path, created, delivered, due, status in rows:
        bucket = per[path]
        bucket["count"] += 1
        if delivered is not None:
            bucket["hours"].append((delivered - created).total_seconds() / 3600)
            late = delivered > due
        else:
            late = status in PENDING_ERRAND_STATUSES and due < now
        bucket["overdue"] += int(late)
    areas = {a.path: a for a in Area.objects.filter(path__in=list(per))}
    result = []
    for path, bucket in per.items():
        hours = bucket["hours"]
        result.append(
            {
                "community": areas.get(path),
                "path": path,
                "count": bucket["count"],
                "delivered": len(hours),
                "median_hours": round(statistics.median(hours), 1) if hours else None,
                "overdue": bucket["overdue"],
            }
        )
    result.sort(key=lambda r: r["path"])
    return result


__all__ = [
    "PENDING_ERRAND_STATUSES",
    "assign_errand",
    "cancel_errand",
    "confirm_errand",
    "deliver_errand",
    "errand_response_times",
    "is_overdue",
    "not_in_quarantine",
    "raise_errand",
    "start_errand",
]
