"""The alert inbox's use cases: acknowledge, assign, resolve, annotate an alert, and set the response time
of a kind in an area. Each writes the alert's history (`core.AlertEvent`) in the same transaction.

States: open → acknowledged → assigned → resolved.
- acknowledge: from open only (`already_acknowledged` after, `already_resolved` once resolved);
- assign: from open (it acknowledges too), acknowledged or assigned (to someone else: reassigning), to an
  active user whose role handles alerts (command, community, health, grid) and whose scope covers the alert
  — anybody else is refused by name (`assignee_not_allowed`);
- resolve: from any unresolved state, with an outcome (real, false alarm, duplicate) and a note, which a
  false alarm needs (`note_required`); resolving twice is refused (`already_resolved`);
- a note: in any state.
Who may: the roles of `core.roles.HANDLE_ALERTS`, on an alert their scope covers (grid workers: of their
grid); out of scope is 404 like an alert that does not exist. The escalation of alerts nobody acknowledged
is in `watch.escalation`.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianfang.accounts.models import User
from lianfang.core.alerts import clear_policy_cache, path_prefixes
from lianfang.core.errors import DomainError
from lianfang.core.models import (
    Alert,
    AlertEvent,
    AlertEventKind,
    AlertKind,
    AlertOutcome,
    AlertPolicy,
    AlertStatus,
)
from lianfang.core.roles import HANDLE_ALERTS, SET_ALERT_POLICY, Role
from lianfang.core.scoping import authorize_write, not_found

MAX_NOTE = 500
MIN_RESPOND_MINUTES, MAX_RESPOND_MINUTES = 1, 7 * 24 * 60  # a minute to a week
# Alerts are assigned to the roles that handle them; grid workers reach an alert through its grid.
AREA_HANDLER_ROLES = (Role.COMMAND, Role.COMMUNITY, Role.HEALTH)


# ------------------------------------------------------------------ who may take an alert
def may_take(assignee: User | None, alert: Alert) -> bool:
    """Whether `assignee` may be given `alert`: active, a role that handles alerts, a scope covering it."""
    return bool(
        assignee is not None
        and assignee.is_active
        and HANDLE_ALERTS.allows(assignee)
        and Alert.scope.covers(assignee, alert)
    )


def assignee_candidates(alert: Alert) -> QuerySet:
    """The users who may take `alert` (the assign form's choices): staff of an area on its path, and the
    grid workers of its grid. One query; the same rule as `may_take`."""
    reach = Q(role__in=AREA_HANDLER_ROLES, scope_path_cache__in=path_prefixes(alert.path))
    if alert.grid_id:
        reach |= Q(role=Role.GRID, grid_id=alert.grid_id)
    return User.objects.filter(reach, is_active=True).order_by("role", "name", "username")


# ------------------------------------------------------------------ the steps
def _locked(user: Any, alert: Alert | int) -> Alert:
    """The alert, locked for this transaction, after the role (403) and scope (404) checks."""
    authorize_write(user, action=HANDLE_ALERTS)
    pk = alert.pk if isinstance(alert, Alert) else alert
    found = Alert.objects.visible_to(user).select_for_update().filter(pk=pk).first()
    if found is None:
        raise not_found()
    authorize_write(user, action=HANDLE_ALERTS, obj=found)
    return found


def _note(raw: Any, *, required: bool = False, message: Any = None) -> str:
    note = str(raw or "").strip()
    if len(note) > MAX_NOTE:
        raise DomainError(
            "note_too_long", _("A note of at most {n} characters, please.").format(n=MAX_NOTE), field="note"
        )
    if required and not note:
        raise DomainError("note_required", message or _("Write a note."), field="note")
    return note


def _step(alert: Alert, kind: str, user: Any, at: datetime.datetime, **fields: Any) -> AlertEvent:
    return AlertEvent.objects.create(alert=alert, kind=kind, by=_by(user), at=at, **fields)


def _by(user: Any) -> Any:
    return user if getattr(user, "pk", None) else None


def _already_resolved() -> DomainError:
    return DomainError("already_resolved", _("This alert is already resolved."))


def _acknowledge(alert: Alert, user: Any, now: datetime.datetime) -> None:
    alert.status = AlertStatus.ACKNOWLEDGED
    alert.acknowledged_at, alert.acknowledged_by = now, _by(user)
    _step(alert, AlertEventKind.ACKNOWLEDGED, user, now)


@transaction.atomic
def acknowledge_alert(*, user: Any, alert: Alert | int, now: datetime.datetime | None = None) -> Alert:
    """Someone of the area has seen it: it stops escalating."""
    now = now or timezone.now()
    found = _locked(user, alert)
    if found.status == AlertStatus.RESOLVED:
        raise _already_resolved()
    if found.status != AlertStatus.OPEN:
        raise DomainError("already_acknowledged", _("This alert is already acknowledged."))
    _acknowledge(found, user, now)
    found.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])
    return found


@transaction.atomic
def assign_alert(
    *, user: Any, alert: Alert | int, assignee: Any, now: datetime.datetime | None = None
) -> Alert:
    """Give the alert to a person (a user, or a user's id) who may take it; an open alert is acknowledged
    by the same step."""
    now = now or timezone.now()
    found = _locked(user, alert)
    if found.status == AlertStatus.RESOLVED:
        raise _already_resolved()
    person = assignee if isinstance(assignee, User) else None
    if person is None and isinstance(assignee, int):
        person = User.objects.filter(pk=assignee).first()
    if person is None or not may_take(person, found):
        # Worded the same for a user who does not exist (an id from the API names nobody else's staff).
        raise DomainError(
            "assignee_not_allowed",
            _("This person may not take this alert: it goes to staff, health and grid workers of its area."),
            field="assignee",
        )
    if found.status == AlertStatus.ASSIGNED and found.assigned_to_id == person.pk:
        raise DomainError(
            "already_assigned",
            _("This alert is already assigned to {name}.").format(name=person.name or person.username),
            field="assignee",
        )
    if found.status == AlertStatus.OPEN:
        _acknowledge(found, user, now)
    found.status = AlertStatus.ASSIGNED
    found.assigned_to, found.assigned_at = person, now
    _step(found, AlertEventKind.ASSIGNED, user, now, assignee=person)
    found.save(update_fields=["status", "acknowledged_at", "acknowledged_by", "assigned_to", "assigned_at"])
    return found


@transaction.atomic
def resolve_alert(
    *,
    user: Any,
    alert: Alert | int,
    outcome: str,
    note: Any = "",
    now: datetime.datetime | None = None,
) -> Alert:
    """Close the alert with its outcome: real, a false alarm (say why), or a duplicate of another."""
    now = now or timezone.now()
    found = _locked(user, alert)
    if found.status == AlertStatus.RESOLVED:
        raise _already_resolved()
    if outcome not in AlertOutcome.values:
        raise DomainError(
            "bad_outcome", _("Say whether it was real, a false alarm or a duplicate."), field="outcome"
        )
    text = _note(
        note,
        required=outcome == AlertOutcome.FALSE_ALARM,
        message=_("Say why it is a false alarm (for example: temperature normal when checked again)."),
    )
    found.status, found.outcome, found.resolution = AlertStatus.RESOLVED, outcome, text
    found.handled_at, found.handled_by = now, _by(user)
    if found.acknowledged_at is None:  # resolving is an answer too: the response time counts it
        found.acknowledged_at, found.acknowledged_by = now, _by(user)
    _step(found, AlertEventKind.RESOLVED, user, now, note=text)
    found.save(
        update_fields=[
            "status",
            "outcome",
            "resolution",
            "handled_at",
            "handled_by",
            "acknowledged_at",
            "acknowledged_by",
        ]
    )
    return found


@transaction.atomic
def add_alert_note(
    *, user: Any, alert: Alert | int, note: Any, now: datetime.datetime | None = None
) -> Alert:
    """A line in the alert's history (what was done, who was called), in any state."""
    now = now or timezone.now()
    found = _locked(user, alert)
    _step(found, AlertEventKind.NOTE, user, now, note=_note(note, required=True))
    return found


# ------------------------------------------------------------------ response times
@transaction.atomic
def set_alert_policies(*, user: Any, area: Any, minutes: dict[str, int | None]) -> None:
    """The response times of some kinds in `area` and below (unless a lower area sets its own), all or
    none: minutes per kind, None to remove the area's own so that it inherits the one above."""
    authorize_write(user, action=SET_ALERT_POLICY, path=area.path)
    for kind, value in minutes.items():
        if kind not in AlertKind.values:
            raise DomainError("bad_kind", _("Unknown kind of alert."), field="kind")
        if value is not None and not (MIN_RESPOND_MINUTES <= value <= MAX_RESPOND_MINUTES):
            raise DomainError(
                "minutes_out_of_range",
                _("A response time from {lo} minute to {hi} minutes (a week), please.").format(
                    lo=MIN_RESPOND_MINUTES, hi=MAX_RESPOND_MINUTES
                ),
                field=kind,
            )
    for kind, value in minutes.items():
        if value is None:
            AlertPolicy.objects.filter(area=area, kind=kind).delete()
        else:
            AlertPolicy.objects.update_or_create(area=area, kind=kind, defaults={"respond_minutes": value})
    transaction.on_commit(clear_policy_cache)  # (the models' signals clear it too, before the commit)
