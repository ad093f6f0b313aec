"""The use cases of mobilization, in one place for views, the API and other apps (each lives in its topic's
module: volunteers, calls, roster, attendance, gaps)."""

from lianfang.mobilize.attendance import check_in, check_out, close_past_shifts, decide_hours, enter_hours
from lianfang.mobilize.calls import (
    CallData,
    cancel_call,
    claim_call,
    confirm_attendance,
    escalate_unfilled_calls,
    post_call,
    withdraw_claim,
)
from lianfang.mobilize.gaps import raise_gap_alerts
from lianfang.mobilize.roster import (
    answer_invitation,
    ask_for_cover,
    assign_volunteer,
    drop_assignment,
    generate_shifts,
    set_roster_rule,
    swap_assignment,
    take_shift,
)
from lianfang.mobilize.volunteers import (
    ReportIn,
    accept_volunteer,
    decline_volunteer,
    lapse_volunteers,
    pause_volunteer,
    report_in,
)

__all__ = [
    "CallData",
    "ReportIn",
    "accept_volunteer",
    "answer_invitation",
    "ask_for_cover",
    "assign_volunteer",
    "cancel_call",
    "check_in",
    "check_out",
    "claim_call",
    "close_past_shifts",
    "confirm_attendance",
    "decide_hours",
    "decline_volunteer",
    "drop_assignment",
    "enter_hours",
    "escalate_unfilled_calls",
    "generate_shifts",
    "lapse_volunteers",
    "pause_volunteer",
    "post_call",
    "raise_gap_alerts",
    "report_in",
    "set_roster_rule",
    "swap_assignment",
    "take_shift",
    "withdraw_claim",
]
