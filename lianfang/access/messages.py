"""What the guard reads: for each decision code, the decision, the reason and what to do next."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from lianfang.access.models import Decision

ALLOWED = Decision.ALLOWED
REFUSED = Decision.REFUSED
REFERRED = Decision.REFERRED

DECISION_OF: dict[str, str] = {
    "entry_allowed": ALLOWED,
    "exit_allowed": ALLOWED,
    "exit_exempt": ALLOWED,
    "fever": REFERRED,
    "quota_used": REFUSED,
    "closed_hours": REFUSED,
    "gate_closed": REFUSED,
    "kind_not_accepted": REFUSED,
    "wrong_compound": REFUSED,
    "pass_unknown": REFUSED,
    "pass_replaced": REFUSED,
    "pass_revoked": REFUSED,
    "pass_suspended": REFUSED,
    "quarantined": REFUSED,
    "pass_expired": REFUSED,
    "pass_not_yet_valid": REFUSED,
    "token_malformed": REFUSED,
    "token_forged": REFUSED,
    "temperature_missing": REFUSED,
    "temperature_impossible": REFUSED,
    "bad_direction": REFUSED,
    "bad_client_id": REFUSED,
    "scanned_at_invalid": REFUSED,
    "visitor_registered": ALLOWED,
    "visitors_refused": REFUSED,
    "host_missing": REFUSED,
}

# Codes that come from the request itself: nothing is stored, the guard fixes the input and scans again.
INPUT_CODES = frozenset(
    {"temperature_missing", "temperature_impossible", "bad_direction", "bad_client_id", "scanned_at_invalid"}
)


def _date(d: datetime.date | None) -> str:
    return formats.date_format(d, "SHORT_DATE_FORMAT") if d else ""


def describe(code: str, **p: Any) -> tuple[str, str]:
    """(message, advice) in the active language."""
    left = p.get("exits_left")
    if code == "entry_allowed":
        return _("Welcome home."), _("Let them in.")
    if code == "exit_allowed":
        return (
            _("Exit allowed. Exits left in this period: {n}.").format(n=left if left is not None else "-"),
            _("Let them out; remind them to come back before the gates close."),
        )
    if code == "exit_exempt":
        return _("Exit allowed (not counted for this pass kind)."), _("Let them out.")
    if code == "fever":
        return (
            _("Temperature {t} °C is at or above the fever line {line} °C.").format(
                t=p.get("temperature"), line=p.get("fever_line")
            ),
            _("Do not let them pass. Give a mask, keep them apart, and call the community health station."),
        )
    if code == "quota_used":
        return (
            _("This household has used its exits; next exit allowed on {date}.").format(
                date=_date(p.get("next_allowed"))
            ),
            _("Do not let them out. Urgent needs (medical care) go through the community staff."),
        )
    if code == "closed_hours":
        return _("The gates are closed at this hour."), _(
            "Do not let them out; emergencies go through the duty staff."
        )
    if code == "gate_closed":
        return _("This gate is closed; use the open gate."), _("Send them to the open gate.")
    if code == "kind_not_accepted":
        return _("This gate does not accept this kind of pass."), _("Send them to a gate that accepts it.")
    if code == "wrong_compound":
        return _("This pass belongs to another compound."), _(
            "Do not let them in; register them as a visitor if allowed."
        )
    if code == "pass_unknown":
        return _("No such pass."), _("Check the number; if it is right, send them to the community office.")
    if code == "pass_replaced":
        return _("This card was replaced by a newer one and is void."), _(
            "Keep the old card; ask for the new one."
        )
    if code == "pass_revoked":
        return _("This pass has been revoked."), _("Do not let them pass; call the community office.")
    if code == "pass_suspended":
        return _("This pass is suspended."), _("Do not let them out; call the community office.")
    if code == "quarantined":
        return (
            _("This household is in home quarantine until {date}; no exits.").format(
                date=_date(p.get("held_until"))
            ),
            _("Do not let them out. Needs are met by the care team; call the community office."),
        )
    if code == "pass_expired":
        return _("This pass expired on {date}.").format(date=_date(p.get("valid_to"))), _(
            "Send them to the community office for a new pass."
        )
    if code == "pass_not_yet_valid":
        return _("This pass is valid only from {date}.").format(date=_date(p.get("valid_from"))), _(
            "Do not let them pass yet."
        )
    if code == "token_malformed":
        return _("This is not a Lianfang pass code."), _(
            "Scan the QR on the pass again or type the 8-character pass number."
        )
    if code == "token_forged":
        return _("This pass code is forged or damaged."), _(
            "Do not let them pass; report it to the duty staff."
        )
    if code == "temperature_missing":
        return _("Take the temperature first."), _("Measure and enter the temperature, then scan again.")
    if code == "temperature_impossible":
        return _("A temperature must be between 34 and 43 °C."), _("Measure again and enter the temperature.")
    if code == "bad_direction":
        return _("Choose in or out."), _("Choose the direction and scan again.")
    if code == "bad_client_id":
        return _("The scan has no valid id (client_id must be a UUID)."), _("Update the device software.")
    if code == "scanned_at_invalid":
        return _("The scan time is not a valid date and time."), _("Check the device clock.")
    if code == "visitor_registered":
        return _("Visitor registered."), _("Let the visitor in; the host household is responsible for them.")
    if code == "visitors_refused":
        return _("Visitors are not allowed in this compound now."), _("Do not let the visitor in.")
    if code == "host_missing":
        return _("A visitor needs a host household."), _("Ask whom they visit and choose the household.")
    return code, ""
