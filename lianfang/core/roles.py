"""The roles of DESIGN.md. A role says *what* a user may do; the scope says *where*."""

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
# Roles that see full ID numbers (every such view is audited).
FULL_ID_ROLES = frozenset({Role.COMMUNITY, Role.HEALTH})
# Roles that may change the registry (residents, households, imports).
REGISTRY_EDIT_ROLES = frozenset({Role.COMMUNITY, Role.GRID})
# Roles that may read the registry of people at all.
REGISTRY_READ_ROLES = frozenset({Role.COMMAND, Role.COMMUNITY, Role.GRID, Role.HEALTH})
# Roles that may record care calls, raise and move errands, log disinfection and kits; epi lets them
# record the temperatures a care call reads out (so epi need not ask care).
CARE_EDIT_ROLES = frozenset({Role.COMMUNITY, Role.HEALTH, Role.GRID})
# Roles that call households (care calls, visits, errands) and so see residents' full phone numbers;
# the others (the command centre, gate duty, residents) see them masked: 139****5678 (core/phones.py).
PHONE_ROLES = frozenset({Role.COMMUNITY, Role.GRID, Role.HEALTH, Role.VOLUNTEER})
