"""The area tree and what stands on it: city → district → street → community → grid;
compounds with gates, buildings, units and households.

Every model here carries `path`, the materialized path of its community (or of itself for
areas): codes joined by dots with a trailing dot, e.g. ``340400.340403.340403001000.340403001001.``.
Prefix matching on it is the scoping rule.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from lianfang.core.models import PATH_INDEX_OPCLASS, ScopedModel
from lianfang.core.roles import HOUSEHOLD_SCOPE, PLACE_SCOPE, Role
from lianfang.core.scoping import ScopeRule


class AreaLevel(models.TextChoices):
    CITY = "city", _("City")
    DISTRICT = "district", _("District / county")
    STREET = "street", _("Street / town")
    COMMUNITY = "community", _("Community / village")


LEVEL_ORDER = [AreaLevel.CITY, AreaLevel.DISTRICT, AreaLevel.STREET, AreaLevel.COMMUNITY]


class Area(ScopedModel):
    scope = ScopeRule(roles=PLACE_SCOPE)

    code = models.CharField(
        _("code"),
        max_length=12,
        unique=True,
        help_text=_("GB/T 2260 six digits for city and district; 12-digit statistical code below."),
    )
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=12, choices=AreaLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        related_name="children",
        on_delete=models.PROTECT,
    )
    path = models.CharField(_("path"), max_length=255, unique=True)  # an area's own path: unique

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["path"]
        indexes = [
            models.Index(fields=["path"], name="places_area_path_like", opclasses=PATH_INDEX_OPCLASS),
            models.Index(fields=["level", "path"], name="places_area_level_path"),
        ]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def child_path(parent: Area | None, code: str) -> str:
        return f"{parent.path if parent else ''}{code}."

    def ancestors(self) -> list[Area]:
        codes = self.path.rstrip(".").split(".")[:-1]
        by_code = {a.code: a for a in Area.objects.filter(code__in=codes)}
        return [by_code[c] for c in codes if c in by_code]


class Grid(ScopedModel):
    """A patch of a community owned by grid workers (users with role grid and this grid)."""

    scope = ScopeRule(roles={**PLACE_SCOPE, Role.GRID: "grid"}, grid="id")

    community = models.ForeignKey(
        Area, verbose_name=_("community"), related_name="grids", on_delete=models.PROTECT
    )
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        ordering = ["code"]
        indexes = [models.Index(fields=["path"], name="places_grid_path_like", opclasses=PATH_INDEX_OPCLASS)]

    def __str__(self) -> str:
        return self.name


class Compound(ScopedModel):
    """A residential compound (小区)."""

    scope = ScopeRule(roles=PLACE_SCOPE)

    community = models.ForeignKey(
        Area, verbose_name=_("community"), related_name="compounds", on_delete=models.PROTECT
    )
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("compound")
        verbose_name_plural = _("compounds")
        ordering = ["path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="places_compound_unique_name"),
        ]
        indexes = [
            models.Index(fields=["path"], name="places_compound_path_like", opclasses=PATH_INDEX_OPCLASS)
        ]

    def __str__(self) -> str:
        return self.name


class Gate(ScopedModel):
    scope = ScopeRule(roles={**PLACE_SCOPE, Role.GATE: "gate"}, gate="id")

    compound = models.ForeignKey(
        Compound, verbose_name=_("compound"), related_name="gates", on_delete=models.CASCADE
    )
    name = models.CharField(_("name"), max_length=100)
    is_open = models.BooleanField(_("open"), default=True)
    accepted_kinds = models.CharField(
        _("pass kinds accepted"),
        max_length=60,
        default="household person vehicle work",
        db_default="household person vehicle work",
        help_text=_("Space-separated pass kinds this gate accepts."),
    )

    class Meta:
        verbose_name = _("gate")
        verbose_name_plural = _("gates")
        ordering = ["compound_id", "name"]
        indexes = [models.Index(fields=["path"], name="places_gate_path_like", opclasses=PATH_INDEX_OPCLASS)]

    def __str__(self) -> str:
        return f"{self.compound.name} {self.name}"


class Building(ScopedModel):
    scope = ScopeRule(roles={**PLACE_SCOPE, Role.GRID: "grid"}, grid="grid")

    compound = models.ForeignKey(
        Compound, verbose_name=_("compound"), related_name="buildings", on_delete=models.CASCADE
    )
    number = models.CharField(
        _("number"), max_length=20, help_text=_("As written on the building, e.g. 3 or C.")
    )
    grid = models.ForeignKey(
        Grid,
        verbose_name=_("grid"),
        null=True,
        blank=True,
        related_name="buildings",
        on_delete=models.SET_NULL,
    )

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["compound_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["compound", "number"], name="places_building_unique_number"),
        ]

    def __str__(self) -> str:
        return _("Building {number}").format(number=self.number)


class Unit(ScopedModel):
    """A unit (stairwell, 单元) of a building."""

    scope = ScopeRule(roles={**PLACE_SCOPE, Role.GRID: "grid"}, grid="building__grid")

    building = models.ForeignKey(
        Building, verbose_name=_("building"), related_name="units", on_delete=models.CASCADE
    )
    number = models.CharField(_("number"), max_length=20)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["building_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["building", "number"], name="places_unit_unique_number")
        ]

    def __str__(self) -> str:
        return _("Unit {number}").format(number=self.number)


# The "held until" of a hold without a last day (an open case still at home, epi.holds): later than any
# real date. Pages and the gate say "until further notice" instead of showing it.
HOLD_OPEN_ENDED = datetime.date(9999, 12, 31)


class Household(ScopedModel):
    """A household (户): a room of a unit. `grid`, `compound` and `path` are copied down for scoping
    and for the gate's decisions; services keep them in step."""

    scope = ScopeRule(roles=HOUSEHOLD_SCOPE, grid="grid", household="id")

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), related_name="households", on_delete=models.PROTECT
    )
    room = models.CharField(_("room"), max_length=20)
    compound = models.ForeignKey(
        Compound, verbose_name=_("compound"), related_name="households", on_delete=models.PROTECT
    )
    grid = models.ForeignKey(
        Grid,
        verbose_name=_("grid"),
        null=True,
        blank=True,
        related_name="households",
        on_delete=models.SET_NULL,
    )
    label = models.CharField(
        _("label"), max_length=60, help_text=_("Building-unit-room, e.g. 3栋2单元401; never a name.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # The secret link of the household's own page (no login): a random key, replaced to revoke it.
    link_key = models.CharField(
        _("link key"), max_length=32, null=True, blank=True, unique=True, editable=False
    )
    flagged_at = models.DateTimeField(_("flagged"), null=True, blank=True)
    flag_reason = models.CharField(_("flag"), max_length=100, blank=True, default="", db_default="")
    # Home quarantine (epi): the gate refuses this household's exits up to and including this day.
    # epi.holds recomputes it from every reason that holds the household; expiry needs no job.
    exits_held_until = models.DateField(_("exits held until"), null=True, blank=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["compound_id", "label"]
        constraints = [models.UniqueConstraint(fields=["unit", "room"], name="places_household_unique_room")]
        indexes = [
            models.Index(fields=["path"], name="places_household_path_like", opclasses=PATH_INDEX_OPCLASS),
            models.Index(fields=["compound", "label"], name="places_household_label"),
            # Address search across a whole scope ("3栋2单元401").
            models.Index(fields=["label"], name="places_household_label_only"),
            # The few households held (quarantine, lockdown, case): the disinfection list starts from them.
            models.Index(
                fields=["exits_held_until"],
                name="places_household_held",
                condition=models.Q(exits_held_until__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.compound.name} {self.label}" if self.compound_id else self.label

    @property
    def held_open_ended(self) -> bool:
        """Held with no last day yet (until further notice)."""
        return self.exits_held_until == HOLD_OPEN_ENDED

    @staticmethod
    def make_label(building: str, unit: str, room: str) -> str:
        return f"{building}栋{unit}单元{room}"
