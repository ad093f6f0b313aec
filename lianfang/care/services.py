"""Use cases of the care app (四包一: teams, calls, errands, disinfection, kits).

Each public function is one transaction, checks the role first (403: `authorize_write` with
`core.roles.EDIT_CARE`; volunteers only move their own errands on), reads the object through
`visible_to(user)` (out of scope: DomainError not_found, 404), raises `DomainError(code, message)` on
bad input (changing nothing) and takes `now=` or `today=` so tests can freeze time. The code lives in
topic modules; this module re-exports every public name so that imports do not change when a module is
split.
"""

from lianfang.care.calls import CallSlot, call_slots, next_call_window, record_call
from lianfang.care.errands import (
    PENDING_ERRAND_STATUSES,
    assign_errand,
    cancel_errand,
    confirm_errand,
    deliver_errand,
    errand_response_times,
    is_overdue,
    raise_errand,
    start_errand,
)
from lianfang.care.places import (
    BuildingToDisinfect,
    buildings_to_disinfect,
    default_kit,
    deliver_kit,
    households_waiting_for_kit,
    kits_for_path,
    record_disinfection,
)
from lianfang.care.teams import end_finished_teams, set_team_member, sync_care_teams, team_members

__all__ = [
    "PENDING_ERRAND_STATUSES",
    "BuildingToDisinfect",
    "CallSlot",
    "assign_errand",
    "buildings_to_disinfect",
    "call_slots",
    "cancel_errand",
    "confirm_errand",
    "default_kit",
    "deliver_errand",
    "deliver_kit",
    "end_finished_teams",
    "errand_response_times",
    "households_waiting_for_kit",
    "is_overdue",
    "kits_for_path",
    "next_call_window",
    "raise_errand",
    "record_call",
    "record_disinfection",
    "set_team_member",
    "start_errand",
    "sync_care_teams",
    "team_members",
]
