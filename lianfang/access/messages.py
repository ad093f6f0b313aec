"""What the guard reads: for each decision code, the decision, the reason and what to do next."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from lianfang.access.models import Decision
from lianfang.access.models import DecisionCode as C
from lianfang.places.models import HOLD_OPEN_ENDED

ALLOWED = Decision.ALLOWED
REFUSED = Decision.REFUSED
REFERRED = Decision.REFERRED

DECISION_OF: dict[str, str] = {
    C.ENTRY_ALLOWED: ALLOWED,
    C.EXIT_ALLOWED: ALLOWED,
    C.EXIT_EXEMPT: ALLOWED,
    C.FEVER: REFERRED,
    C.QUOTA_USED: REFUSED,
    C.CLOSED_HOURS: REFUSED,
    C.GATE_CLOSED: REFUSED,
    C.KIND_NOT_ACCEPTED: REFUSED,
    C.WRONG_COMPOUND: REFUSED,
    C.PASS_UNKNOWN: REFUSED,
    C.PASS_REPLACED: REFUSED,
    C.PASS_REVOKED: REFUSED,
    C.PASS_SUSPENDED: REFUSED,
    C.QUARANTINED: REFUSED,
    C.PASS_EXPIRED: REFUSED,
    C.PASS_NOT_YET_VALID: REFUSED,
    C.TOKEN_MALFORMED: REFUSED,
    C.TOKEN_FORGED: REFUSED,
    C.TEMPERATURE_MISSING: REFUSED,
    C.TEMPERATURE_IMPOSSIBLE: REFUSED,
    C.BAD_DIRECTION: REFUSED,
    C.BAD_CLIENT_ID: REFUSED,
    C.SCANNED_AT_INVALID: REFUSED,
    C.VISITOR_REGISTERED: ALLOWED,
    C.VISITORS_REFUSED: REFUSED,
    C.HOST_MISSING: REFUSED,
}

# Codes that come from the request itself (scan.check_scan, in Python, before any pass is read): nothing
# is stored, the guard fixes the input and scans again.
INPUT_CODES = frozenset(
    {C.TEMPERATURE_MISSING, C.TEMPERATURE_IMPOSSIBLE, C.BAD_DIRECTION, C.BAD_CLIENT_ID, C.SCANNED_AT_INVALID}
)
# Codes of a visitor registered by the guard (services.register_visitor), who has no pass; a visitor's
# fever is FEVER, as a resident's.
VISITOR_CODES = frozenset({C.VISITOR_REGISTERED, C.VISITORS_REFUSED, C.HOST_MISSING})
# What the SQL function access_record_scan decides for a scanned pass: every other code.
PASS_CODES = frozenset(C) - INPUT_CODES - VISITOR_CODES


def _date(d: datetime.date | None) -> str:
    return formats.date_format(d, "SHORT_DATE_FORMAT") if d else ""


def describe(code: str, **p: Any) -> tuple[str, str]:
    """(message, advice) in the active language."""
    left = p.get("exits_left")
    if code == C.ENTRY_ALLOWED:
        return _("Welcome home."), _("Let them in.")
    if code == C.EXIT_ALLOWED:
        return (
            _("Exit allowed. Exits left in this period: {n}.").format(n=left if left is not None else "-"),
            _("Let them out; remind them to come back before the gates close."),
        )
    if code == C.EXIT_EXEMPT:
        return _("Exit allowed (not counted for this pass kind)."), _("Let them out.")
    if code == C.FEVER:
        return (
            _("Temperature {t} °C is at or above the fever line {line} °C.").format(
                t=p.get("temperature"), line=p.get("fever_line")
            ),
            _("Do not let them pass. Give a mask, keep them apart, and call the community health station."),
        )
    if code == C.QUOTA_USED:
        return (
            _("This household has used its exits; next exit allowed on {date}.").format(
                date=_date(p.get("next_allowed"))
            ),
            _("Do not let them out. Urgent needs (medical care) go through the community staff."),
        )
    if code == C.CLOSED_HOURS:
        return _("The gates are closed at this hour."), _(
            "Do not let them out; emergencies go through the duty staff."
        )
    if code == C.GATE_CLOSED:
        return _("This gate is closed; use the open gate."), _("Send them to the open gate.")
    if code == C.KIND_NOT_ACCEPTED:
        return _("This gate does not accept this kind of pass."), _("Send them to a gate that accepts it.")
    if code == C.WRONG_COMPOUND:
        return _("This pass belongs to another compound."), _(
            "Do not let them in; register them as a visitor if allowed."
        )
    if code == C.PASS_UNKNOWN:
        return _("No such pass."), _("Check the number; if it is right, send them to the community office.")
    if code == C.PASS_REPLACED:
        return _("This card was replaced by a newer one and is void."), _(
            "Keep the old card; ask for the new one."
        )
    if code == C.PASS_REVOKED:
        return _("This pass has been revoked."), _("Do not let them pass; call the community office.")
    if code == C.PASS_SUSPENDED:
        return _("This pass is suspended."), _("Do not let them out; call the community office.")
    if code == C.QUARANTINED:
        if p.get("held_until") == HOLD_OPEN_ENDED:
            return (
                _("This household is in home quarantine until further notice; no exits."),
                _("Do not let them out. Needs are met by the care team; call the community office."),
            )
        return (
            _("This household is in home quarantine until {date}; no exits.").format(
                date=_date(p.get("held_until"))
            ),
            _("Do not let them out. Needs are met by the care team; call the community office."),
        )
    if code == C.PASS_EXPIRED:
        return _("This pass expired on {date}.").format(date=_date(p.get("valid_to"))), _(
            "Send them to the community office for a new pass."
        )
    if code == C.PASS_NOT_YET_VALID:
        return _("This pass is valid only from {date}.").format(date=_date(p.get("valid_from"))), _(
            "Do not let them pass yet."
        )
    if code == C.TOKEN_MALFORMED:
        return _("This is not a Lianfang pass code."), _(
            "Scan the QR on the pass again or type the 8-character pass number."
        )
    if code == C.TOKEN_FORGED:
        return _("This pass code is forged or damaged."), _(
            "Do not let them pass; report it to the duty staff."
        )
    if code == C.TEMPERATURE_MISSING:
        return _("Take the temperature first."), _("Measure and enter the temperature, then scan again.")
    if code == C.TEMPERATURE_IMPOSSIBLE:
        return _("A temperature must be between 34 and 43 °C."), _("Measure again and enter the temperature.")
    if code == C.BAD_DIRECTION:
        return _("Choose in or out."), _("Choose the direction and scan again.")
    if code == C.BAD_CLIENT_ID:
        return _("The scan has no valid id (client_id must be a UUID)."), _("Update the device software.")
    if code == C.SCANNED_AT_INVALID:
        return _("The scan time is not a valid date and time."), _("Check the device clock.")
    if code == C.VISITOR_REGISTERED:
        return _("Visitor registered."), _("Let the visitor in; the host household is responsible for them.")
    if code == C.VISITORS_REFUSED:
        return _("Visitors are not allowed in this compound now."), _("Do not let the visitor in.")
    if code == C.HOST_MISSING:
        return _("A visitor needs a host household."), _("Ask whom they visit and choose the household.")
    return code, ""
