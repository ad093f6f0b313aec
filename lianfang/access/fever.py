"""Which member had the fever: after a fever at the gate, the checkpoint asks the guard to point at the
person by their position in the household's list (1, 2, 3… the order of the household page and of the
household's own link), each shown with sex and age band only — never a name on the guard's screen. The
answer goes on the day's fever alert, where the staff and the health worker read the member's name.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.access.gatecache import GateContext
from lianfang.access.models import DecisionCode, Passage
from lianfang.core import bounds
from lianfang.core.errors import DomainError
from lianfang.core.models import Alert, AlertEvent, AlertEventKind, AlertKind
from lianfang.people.models import Resident, Sex

MAX_MEMBERS = 30  # buttons shown at most (a household list longer than this is not a household)
NOT_A_MEMBER = 0  # "not one of them / cannot tell"


def age_band(birth: datetime.date | None, today: datetime.date) -> str:
    """ "40多岁" / "40s"; "10岁以下" / "under 10"; "" without a birth date."""
    if birth is None:
        return ""
    years = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
    if years < 10:
        return _("under 10")
    return _("{decade}s").format(decade=years // 10 * 10)


def household_members(household_id: int) -> list[Resident]:
    """The household's members in the order of its list (the household page's: by registration)."""
    return list(Resident.objects.filter(household_id=household_id).order_by("id")[:MAX_MEMBERS])


def member_hints(household_id: int | None, today: datetime.date) -> list[dict[str, Any]]:
    """What the guard sees for each member: position, sex, age band. No name, no ID number."""
    if not household_id:
        return []
    sexes = dict(Sex.choices)
    return [
        {"position": i, "sex": str(sexes.get(r.sex, "")), "age": age_band(r.birth_date, today)}
        for i, r in enumerate(household_members(household_id), start=1)
    ]


def fever_alert_key(household_id: int, day: datetime.date) -> str:
    """The deduplication key of a household's fever alert of a day (access.scan raises it)."""
    return f"fever:{household_id}:{day.isoformat()}"


@transaction.atomic
def name_fever_member(*, gate: GateContext, guard: Any, client_id: Any, position: Any) -> dict[str, Any]:
    """Record which member of the household had the fever of scan `client_id` at this gate: `position` in
    the household's list (1…), or 0 when it was none of them. Adds a note to the day's fever alert and the
    member to its title. Returns what the guard's screen may show (the position, never the name)."""
    pos = bounds.parse_int(position, field="position", min_value=0, max_value=MAX_MEMBERS)
    passage = (
        Passage.objects.filter(gate_id=gate.gate_id, client_id=_uuid(client_id), code=DecisionCode.FEVER)
        .only("pk", "household_id", "server_time")
        .first()
    )
    if passage is None or not passage.household_id:
        raise DomainError(
            "fever_scan_unknown",
            _("No fever of a household was recorded at this gate for this scan."),
            status=404,
        )
    day = timezone.localdate(passage.server_time)
    alert = (
        Alert.objects.select_for_update().filter(dedup_key=fever_alert_key(passage.household_id, day)).first()
    )
    if alert is None or alert.kind != AlertKind.FEVER:
        raise DomainError(
            "fever_scan_unknown",
            _("No fever of a household was recorded at this gate for this scan."),
            status=404,
        )
    members = household_members(passage.household_id)
    if pos > len(members):
        raise DomainError(
            "fever_member_unknown",
            _("The household lists {n} member(s): choose one of them, or “none of them”.").format(
                n=len(members)
            ),
            field="position",
        )
    if pos == NOT_A_MEMBER:
        note = _("The guard says the person with the fever is none of the household's members.")
    else:
        member = members[pos - 1]
        note = _("The guard pointed at member no. {n} of the household: {name}.").format(
            n=pos, name=member.name
        )
        mark = " · " + _("no. {n} {name}").format(n=pos, name=member.name)
        if mark not in alert.title:
            alert.title = (alert.title + mark)[: Alert._meta.get_field("title").max_length]
            alert.save(update_fields=["title"])
    AlertEvent.objects.create(alert=alert, kind=AlertEventKind.NOTE, by=guard, note=note[:500])
    return {"position": pos, "message": _("Recorded: member no. {n}.").format(n=pos) if pos else note}


def _uuid(raw: Any) -> uuid.UUID:
    try:
        return uuid.UUID(str(raw))
    except (ValueError, TypeError, AttributeError):
        raise DomainError("fever_scan_unknown", _("This scan is not known."), status=404) from None
