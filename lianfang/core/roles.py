"""The roles of DESIGN.md, and the only place that groups them. A role says *what* a user may do; the
scope says *where* (`core.scoping`).

Two kinds of groups live here, and nowhere else:

- **Scope maps** say which roles read a model's rows and how far each reaches (the `roles` of a
  model's `ScopeRule`): `"path"` the user's area subtree, `"grid"` the user's grid, `"household"` the
  user's own household, `"gate"` the user's gate. A role left out sees nothing.
- **Actions** say which roles may do one thing, and what everybody else is told. Services pass them to
  `core.scoping.authorize_write` before they write; pages pass them to `core.viewtools.require_role`
  (and `Action.allows` decides which buttons a page shows).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COMMAND = "command", _("Command centre")
    COMMUNITY = "community", _("Community staff")
    GRID = "grid", _("Grid worker")
    HEALTH = "health", _("Health worker")
    GATE = "gate", _("Gate duty")
    VOLUNTEER = "volunteer", _("Volunteer")
    RESIDENT = "resident", _("Resident")


# Roles whose scope is an area subtree (User.area).
AREA_ROLES = frozenset({Role.COMMAND, Role.COMMUNITY, Role.HEALTH, Role.VOLUNTEER})
# The staff: everybody who works on households and people (not gate duty, volunteers or residents).
STAFF_ROLES = frozenset({Role.COMMAND, Role.COMMUNITY, Role.HEALTH, Role.GRID})
# Who may run an errand for a quarantined household (staff of the area, or a volunteer).
ERRAND_ASSIGNEE_ROLES = frozenset({Role.COMMUNITY, Role.HEALTH, Role.GRID, Role.VOLUNTEER})


# ------------------------------------------------------------------ scope maps (reads)
# The map of places: everybody with an area scope; grid workers see their whole community.
PLACE_SCOPE: Mapping[str, str] = {
    Role.COMMAND: "path",
    Role.COMMUNITY: "path",
    Role.HEALTH: "path",
    Role.VOLUNTEER: "path",
    Role.GRID: "path",
}
# Households and the people in them: staff of the area, grid workers their grid, residents their own.
HOUSEHOLD_SCOPE: Mapping[str, str] = {
    Role.COMMAND: "path",
    Role.COMMUNITY: "path",
    Role.HEALTH: "path",
    Role.GRID: "grid",
    Role.RESIDENT: "household",
}
PEOPLE_SCOPE: Mapping[str, str] = HOUSEHOLD_SCOPE
# Records of the staff's work (passes, gate records, cases, quarantines): the area, or the grid.
STAFF_SCOPE: Mapping[str, str] = {
    Role.COMMAND: "path",
    Role.COMMUNITY: "path",
    Role.HEALTH: "path",
    Role.GRID: "grid",
}
# Care (calls, errands, disinfection, kits): the staff, and volunteers of the area.
CARE_SCOPE: Mapping[str, str] = {**STAFF_SCOPE, Role.VOLUNTEER: "path"}
# Supplies (stores, stock, the ledger, donations, requests): the staff of the area (grid workers: their
# community's stores, whose kits they deliver), gate duty the stock of its own checkpoint.
SUPPLY_SCOPE: Mapping[str, str] = {
    Role.COMMAND: "path",
    Role.COMMUNITY: "path",
    Role.HEALTH: "path",
    Role.GRID: "path",
    Role.GATE: "gate",
}


# ------------------------------------------------------------------ actions (writes, and pages)
@dataclass(frozen=True)
class Action:
    """Something only some roles may do. `refused` is what everybody else is told (403)."""

    roles: frozenset[str]
    refused: Any = _("Your role may not do this.")

    def allows(self, user: Any) -> bool:
        """An active, logged-in user with one of the roles (a superuser may do everything)."""
        return bool(
            user is not None
            and getattr(user, "is_authenticated", False)
            and user.is_active
            and (user.is_superuser or user.role in self.roles)
        )


# The registry (people, households, the places pages that count them).
READ_REGISTRY = Action(STAFF_ROLES)
EDIT_REGISTRY = Action(frozenset({Role.COMMUNITY, Role.GRID}), _("Your role may not change the registry."))
EXPORT_RESIDENTS = Action(STAFF_ROLES, _("Your role may not export residents."))
IMPORT_RESIDENTS = Action(frozenset({Role.COMMUNITY}), _("Only community staff may import residents."))
# Full ID numbers (every such view is audited).
SEE_FULL_ID = Action(frozenset({Role.COMMUNITY, Role.HEALTH}), _("Your role does not show full ID numbers."))

# Closed management: the staff pages (passes, gates, the passage log); passes, gates and pass sheets
# are managed by community staff; outing rules are set by them and by the command centre; the
# household's secret link is handed out by community staff and grid workers.
READ_CLOSED_MANAGEMENT = Action(STAFF_ROLES)
MANAGE_PASSES = Action(frozenset({Role.COMMUNITY}), _("Only community staff manage passes and gates."))
SET_OUTING_RULES = Action(
    frozenset({Role.COMMUNITY, Role.COMMAND}),
    _("Only community staff and the command centre set outing rules."),
)
SHARE_HOUSEHOLD_LINK = Action(frozenset({Role.COMMUNITY, Role.GRID}))
# A resident logged in sees their household's own page (what its secret link shows).
SEE_OWN_HOUSEHOLD = Action(frozenset({Role.RESIDENT}))
# Gate duty registers visitors and courier drop-offs at its own gate.
KEEP_GATE = Action(frozenset({Role.GATE}), _("Only gate duty registers visitors and deliveries."))

# Epidemic records: the staff read them; community staff and health workers register cases, seal
# areas, confirm contacts, assign rooms and release.
READ_EPI = Action(STAFF_ROLES)
EDIT_EPI = Action(
    frozenset({Role.COMMUNITY, Role.HEALTH}), _("Your role may not change cases or quarantines.")
)

# Care: the staff and volunteers read it (volunteers only their errands); staff of the area record
# calls, raise and move errands, log disinfection and kits; community staff change care teams.
READ_CARE = Action(STAFF_ROLES | {Role.VOLUNTEER})
EDIT_CARE = Action(
    frozenset({Role.COMMUNITY, Role.HEALTH, Role.GRID}), _("Your role may not change care records.")
)
EDIT_CARE_TEAM = Action(frozenset({Role.COMMUNITY}), _("Only community staff may change a care team."))

# The daily statistics (watch): reading them follows their scope (watch.models.WATCH_SCOPE); recomputing
# today's figures on demand ("refresh today", the whole city at once) is for the command centre and community
# staff.
REFRESH_STATS = Action(
    frozenset({Role.COMMAND, Role.COMMUNITY}),
    _("Only the command centre and community staff may refresh the statistics."),
)
# The alert inbox (watch.inbox): the staff acknowledge, assign, resolve and annotate the alerts of their scope
# (grid workers: of their grid) and see the open count in the header; alerts are assigned to these roles
# only. Response times per kind are set by community staff and the command centre for their own area.
HANDLE_ALERTS = Action(STAFF_ROLES, _("Your role does not handle alerts."))
SET_ALERT_POLICY = Action(
    frozenset({Role.COMMUNITY, Role.COMMAND}),
    _("Only community staff and the command centre set response times."),
)

# Phone numbers: the roles that call households (care calls, visits, errands) see residents' full
# numbers; the others (the command centre, gate duty, residents) see them masked: 139****5678
# (core.phones.phone_for, in pages and in every API answer).
SEE_FULL_PHONE = Action(frozenset({Role.COMMUNITY, Role.GRID, Role.HEALTH, Role.VOLUNTEER}))


# Risk levels (watch.risk): the staff read them; only the command centre approves or dismisses a suggested
# level (and asks for an assessment now).
READ_RISK_LEVELS = Action(STAFF_ROLES)
APPROVE_RISK_LEVEL = Action(
    frozenset({Role.COMMAND}), _("Only the command centre approves or dismisses risk levels.")
)
# The daily report (日报): the command centre and community staff read the reports of their area; community
# staff draft, edit and submit their community's report; the command centre of the street or a level above
# (its area an ancestor of the community, checked by watch.reports) returns or accepts it.
READ_DAILY_REPORTS = Action(frozenset({Role.COMMAND, Role.COMMUNITY}))
WRITE_DAILY_REPORT = Action(
    frozenset({Role.COMMUNITY}), _("Only community staff write their community's daily report.")
)
REVIEW_DAILY_REPORT = Action(
    frozenset({Role.COMMAND}),
    _("Only the command centre of the street or a level above reviews a community's daily report."),
)
# The command dashboard (home.dashboard): the staff read the figures of their area (a grid worker, their
# grid); the page then checks the area against the scope of the figures themselves.
READ_DASHBOARD = Action(STAFF_ROLES)

# Notices and letters (notices): community staff and the command centre write drafts for their area; another
# account of those roles approves, publishes and withdraws them (never the author: four eyes); the staff read
# the boards of who has not acknowledged, and remind the rest; grid workers and community staff record the
# tear-off slips of printed letters brought back.
WRITE_NOTICES = Action(
    frozenset({Role.COMMUNITY, Role.COMMAND}), _("Only community staff and the command centre write notices.")
)
APPROVE_NOTICES = Action(
    frozenset({Role.COMMUNITY, Role.COMMAND}),
    _("Only community staff and the command centre approve and publish notices."),
)
READ_NOTICE_BOARDS = Action(STAFF_ROLES)
REMIND_NOTICES = Action(
    frozenset({Role.COMMUNITY, Role.COMMAND, Role.GRID}), _("Your role may not send reminders.")
)
RECORD_SLIPS = Action(
    frozenset({Role.COMMUNITY, Role.GRID}), _("Only grid workers and community staff record slips.")
)

# Supplies (lianfang.supplies): the staff and gate duty read the stock of their scope; community staff keep
# their community's store and checkpoints (receive, issue, transfer, adjust), the command centre of a district
# or the city its warehouses; a checkpoint's gate duty asks for supplies; a stock-take's differences are
# posted once a second person of these roles approves them; items, stores, minimums and kit components are
# set by community staff and the command centre. Kits are issued by whoever delivers them (EDIT_CARE).
READ_STOCK = Action(STAFF_ROLES | {Role.GATE})
STORE_KEEPERS = frozenset({Role.COMMUNITY, Role.COMMAND})
RECEIVE_STOCK = Action(
    STORE_KEEPERS, _("Only store keepers (community staff, the command centre) receive stock.")
)
ISSUE_STOCK = Action(
    STORE_KEEPERS, _("Only store keepers (community staff, the command centre) issue stock.")
)
ADJUST_STOCK = Action(
    STORE_KEEPERS, _("Only store keepers (community staff, the command centre) adjust stock.")
)
REQUEST_STOCK = Action(STORE_KEEPERS | {Role.GATE}, _("Your role may not ask for supplies."))
APPROVE_STOCKTAKE = Action(
    STORE_KEEPERS, _("Only store keepers (community staff, the command centre) approve a stock-take.")
)
MANAGE_SUPPLIES = Action(STORE_KEEPERS, _("Only community staff and the command centre set up supplies."))
# An item's limit per household and whether it is in use hold for every household of the city: the city's
# command centre changes them (`supplies.setup.change_item` also checks the user's area is the city).
CHANGE_CATALOGUE = Action(
    frozenset({Role.COMMAND}), _("Only the city's command centre changes an item of the catalogue.")
)
ISSUE_KIT = Action(EDIT_CARE.roles, _("Your role may not change care records."))

# Mobilization (mobilize): volunteers, calls for help, the gate roster. The command centre and community staff
# read the volunteers and the roster of their area; volunteers their community's roster and calls (their own
# report-in and hours); gate duty the shifts of its gate (who is on duty now).
MOBILIZE_SCOPE: Mapping[str, str] = {Role.COMMAND: "path", Role.COMMUNITY: "path", Role.VOLUNTEER: "path"}
ROSTER_SCOPE: Mapping[str, str] = {**MOBILIZE_SCOPE, Role.GATE: "gate"}
READ_VOLUNTEERS = Action(frozenset({Role.COMMAND, Role.COMMUNITY}))
READ_ROSTER = Action(frozenset({Role.COMMAND, Role.COMMUNITY, Role.VOLUNTEER}))
ACCEPT_VOLUNTEERS = Action(frozenset({Role.COMMUNITY}), _("Only community staff accept volunteers."))
POST_CALLS = Action(frozenset({Role.COMMUNITY}), _("Only community staff post calls for help."))
CLAIM_CALLS = Action(frozenset({Role.VOLUNTEER}), _("Only volunteers claim calls for help."))
MANAGE_ROSTER = Action(frozenset({Role.COMMUNITY}), _("Only community staff manage the gate roster."))
TAKE_SHIFTS = Action(frozenset({Role.VOLUNTEER}), _("Only volunteers answer their own shifts."))
CHECK_IN_SHIFTS = Action(
    frozenset({Role.VOLUNTEER, Role.GATE, Role.COMMUNITY}), _("Your role may not check people in to shifts.")
)
ENTER_HOURS = Action(frozenset({Role.VOLUNTEER}), _("Only volunteers enter their own hours."))
APPROVE_HOURS = Action(frozenset({Role.COMMUNITY}), _("Only community staff approve hours."))

# ------------------------------------------------------------------ home pages (home.homes)
# Which parts a role's home page shows (the pages behind them check their own actions): the command
# dashboard of their area to the command centre; the care board to those who record calls and errands; the
# counts of the registry to the other staff (and a superuser); the community's compounds with their counts
# to community staff and health workers.
HOME_DASHBOARD_ROLES = frozenset({Role.COMMAND})
HOME_CARE_BOARD_ROLES = EDIT_CARE.roles
HOME_COUNTS_ROLES = STAFF_ROLES - HOME_DASHBOARD_ROLES
HOME_COMPOUND_ROLES = frozenset({Role.COMMUNITY, Role.HEALTH})
