"""Care for home-quarantined households (四包一): teams, twice-daily calls, errands, disinfection, kits.

A household needs care while it is held (`Household.exits_held_until >= today`, kept by epi). Call windows
are not stored ahead: the schedule is computed from the care policy and the dates; a `CareCall` row is
written when a call is recorded, one per household, day and window (a second record is refused).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianfang.core.models import PATH_INDEX_OPCLASS, ScopedModel
from lianfang.core.roles import CARE_SCOPE, Role
from lianfang.core.scoping import ScopedManager, ScopeRule


class CarePolicy(models.Model):
    """Call windows of an area, inherited down the tree (the nearest wins); defaults 08:00-12:00 and
    14:00-18:00, as the article's "two caring phone calls a day"."""

    scope = ScopeRule(roles={Role.COMMAND: "path", Role.COMMUNITY: "path"}, path="area__path")

    area = models.OneToOneField(
        "places.Area", verbose_name=_("area"), related_name="care_policy", on_delete=models.CASCADE
    )
    morning_from = models.TimeField(_("morning call from"), default=datetime.time(8, 0))
    morning_until = models.TimeField(_("morning call until"), default=datetime.time(12, 0))
    afternoon_from = models.TimeField(_("afternoon call from"), default=datetime.time(14, 0))
    afternoon_until = models.TimeField(_("afternoon call until"), default=datetime.time(18, 0))
    errand_due_hours = models.PositiveSmallIntegerField(_("errands due within (hours)"), default=24)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("care policy")
        verbose_name_plural = _("care policies")

    def __str__(self) -> str:
        return str(self.area)


class TeamRole(models.TextChoices):
    LEADER = "leader", _("Leader")
    SECRETARY = "secretary", _("Community secretary")
    GRID = "grid", _("Grid worker")
    HEALTH = "health", _("Health worker")


class CareTeam(ScopedModel):
    """The four people who look after one household while it is in home quarantine (四包一)."""

    scope = ScopeRule(
        roles={**CARE_SCOPE, Role.RESIDENT: "household"}, grid="household__grid", household="household"
    )

    household = models.ForeignKey(
        "places.Household", verbose_name=_("household"), related_name="care_teams", on_delete=models.CASCADE
    )
    started = models.DateField(_("from"), default=datetime.date.today)
    ended = models.DateField(_("until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("care team")
        verbose_name_plural = _("care teams")
        constraints = [
            models.UniqueConstraint(
                fields=["household"], condition=models.Q(ended__isnull=True), name="care_team_one_open"
            )
        ]
        indexes = [models.Index(fields=["path"], name="care_team_path_like", opclasses=PATH_INDEX_OPCLASS)]

    def __str__(self) -> str:
        return str(self.household)


class CareTeamMember(models.Model):
    team = models.ForeignKey(
        CareTeam, verbose_name=_("team"), related_name="members", on_delete=models.CASCADE
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff"),
        related_name="care_memberships",
        on_delete=models.CASCADE,
    )
    role = models.CharField(_("role in the team"), max_length=10, choices=TeamRole.choices)

    class Meta:
        verbose_name = _("care team member")
        verbose_name_plural = _("care team members")
        constraints = [models.UniqueConstraint(fields=["team", "role"], name="care_member_one_per_role")]
        indexes = [models.Index(fields=["user", "team"], name="care_member_user")]

    def __str__(self) -> str:
        return f"{self.team_id} {self.role} {self.user_id}"


class CallWindow(models.TextChoices):
    MORNING = "am", _("Morning")
    AFTERNOON = "pm", _("Afternoon")


class CareCall(ScopedModel):
    """One caring phone call (暖心电话) of one window of one day."""

    scope = ScopeRule(
        roles={**CARE_SCOPE, Role.RESIDENT: "household"}, grid="household__grid", household="household"
    )

    household = models.ForeignKey(
        "places.Household", verbose_name=_("household"), related_name="care_calls", on_delete=models.CASCADE
    )
    team = models.ForeignKey(
        CareTeam,
        verbose_name=_("team"),
        null=True,
        blank=True,
        related_name="calls",
        on_delete=models.SET_NULL,
    )
    date = models.DateField(_("date"))
    window = models.CharField(_("window"), max_length=2, choices=CallWindow.choices)
    reached = models.BooleanField(_("reached"))
    notes = models.TextField(_("notes"), blank=True)
    caller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("caller"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    called_at = models.DateTimeField(_("called at"), default=timezone.now)

    class Meta:
        verbose_name = _("care call")
        verbose_name_plural = _("care calls")
        ordering = ["-date", "-window"]
        constraints = [
            models.UniqueConstraint(fields=["household", "date", "window"], name="care_call_once_per_window")
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.date} {self.window}"

    def audit_label(self) -> str:
        return f"{self.household} · {self.date:%m-%d} {self.get_window_display()}"


class Need(models.TextChoices):
    """The five needs (五大需求) the article's chat groups answered."""

    HOUSING = "housing", _("Housing")
    DIET = "diet", _("Food")
    DISINFECTION = "disinfection", _("Disinfection")
    CARE = "care", _("Care")
    MEDICAL = "medical", _("Medical")


class ErrandCategory(models.TextChoices):
    VEGETABLES = "vegetables", _("Vegetables")
    GRAIN_OIL = "grain_oil", _("Grain and oil")
    DAILY_GOODS = "daily_goods", _("Daily goods")
    MEDICINE = "medicine", _("Medicine")
    BILL = "bill", _("Pay a bill (gas, water, electricity)")
    PARCEL = "parcel", _("Fetch a parcel")
    MEDICAL_VISIT = "medical_visit", _("Medical visit")
    OTHER = "other", _("Other")


NEED_OF_CATEGORY = {
    ErrandCategory.VEGETABLES: Need.DIET,
    ErrandCategory.GRAIN_OIL: Need.DIET,
    ErrandCategory.DAILY_GOODS: Need.HOUSING,
    ErrandCategory.MEDICINE: Need.MEDICAL,
    ErrandCategory.BILL: Need.HOUSING,
    ErrandCategory.PARCEL: Need.HOUSING,
    ErrandCategory.MEDICAL_VISIT: Need.MEDICAL,
    ErrandCategory.OTHER: Need.CARE,
}


class ErrandStatus(models.TextChoices):
    NEW = "new", _("New")
    ASSIGNED = "assigned", _("Assigned")
    ON_THE_WAY = "on_the_way", _("On the way")
    DELIVERED = "delivered", _("Delivered")
    CONFIRMED = "confirmed", _("Confirmed by the household")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_ERRAND_STATUSES = (
    ErrandStatus.NEW,
    ErrandStatus.ASSIGNED,
    ErrandStatus.ON_THE_WAY,
    ErrandStatus.DELIVERED,
)


class RaisedBy(models.TextChoices):
    HOUSEHOLD = "household", _("The household")
    STAFF = "staff", _("Staff")
    CALL = "call", _("During a care call")


class Errand(ScopedModel):
    """A proxy errand (代购代办) for a quarantined household, from request to the household's confirmation."""

    scope = ScopeRule(
        roles={**CARE_SCOPE, Role.RESIDENT: "household"}, grid="household__grid", household="household"
    )

    household = models.ForeignKey(
        "places.Household", verbose_name=_("household"), related_name="errands", on_delete=models.CASCADE
    )
    category = models.CharField(_("category"), max_length=14, choices=ErrandCategory.choices)
    need = models.CharField(_("need"), max_length=12, choices=Need.choices)
    details = models.CharField(_("what is needed"), max_length=300)
    status = models.CharField(
        _("status"), max_length=10, choices=ErrandStatus.choices, default=ErrandStatus.NEW
    )
    raised_by = models.CharField(_("raised by"), max_length=10, choices=RaisedBy.choices)
    raised_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by (staff)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    call = models.ForeignKey(
        CareCall,
        verbose_name=_("care call"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="errands",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="errands",
        help_text=_("A staff member or a volunteer."),
    )
    due_at = models.DateTimeField(_("due"))
    money_advanced = models.DecimalField(
        _("money advanced (yuan)"), max_digits=8, decimal_places=2, default=Decimal("0.00")
    )
    money_repaid = models.DecimalField(
        _("money repaid (yuan)"), max_digits=8, decimal_places=2, default=Decimal("0.00")
    )
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("raised"), default=timezone.now)
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("errand")
        verbose_name_plural = _("errands")
        ordering = ["due_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(money_advanced__gte=0) & models.Q(money_repaid__gte=0),
                name="care_errand_money_pos",
            )
        ]
        indexes = [
            models.Index(fields=["household", "status"], name="care_errand_household"),
            models.Index(fields=["assignee", "status"], name="care_errand_assignee"),
            models.Index(fields=["path"], name="care_errand_path_like", opclasses=PATH_INDEX_OPCLASS),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.household_id}"

    def audit_label(self) -> str:
        """How the audit trail names it (household and category, read with its household)."""
        return f"{self.household} · {self.get_category_display()}"


class ErrandEvent(models.Model):
    """Every state change of an errand, with who and when (response times come from here)."""

    errand = models.ForeignKey(
        Errand, verbose_name=_("errand"), related_name="events", on_delete=models.CASCADE
    )
    status = models.CharField(_("status"), max_length=10, choices=ErrandStatus.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    by_household = models.BooleanField(_("by the household"), default=False)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("errand event")
        verbose_name_plural = _("errand events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.errand_id} {self.status}"


class Disinfection(ScopedModel):
    """Public areas of one building disinfected on one day (消杀)."""

    scope = ScopeRule(roles=CARE_SCOPE, grid="building__grid")

    building = models.ForeignKey(
        "places.Building", verbose_name=_("building"), related_name="disinfections", on_delete=models.CASCADE
    )
    date = models.DateField(_("date"))
    areas = models.CharField(
        _("areas"), max_length=200, blank=True, help_text=_("e.g. stairs, lift, entrance")
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("disinfection")
        verbose_name_plural = _("disinfections")
        ordering = ["-date", "building_id"]
        constraints = [
            models.UniqueConstraint(fields=["building", "date"], name="care_disinfection_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.building_id} {self.date}"

    def audit_label(self) -> str:
        return f"{self.building} · {self.date:%m-%d}"


DEFAULT_KIT_ITEMS = [
    "联系卡",
    "倡议书",
    "慰问信",
    "体温计",
    "消毒液",
    "口罩",
    "大米",
    "食用油",
    "蔬菜",
]


class KitTemplate(models.Model):
    """What a kit holds; the default is the article's nine items (九个一). Items are data (one per line)."""

    scope = ScopeRule(roles=CARE_SCOPE, path="area__path")

    area = models.ForeignKey(
        "places.Area", verbose_name=_("area"), related_name="kit_templates", on_delete=models.CASCADE
    )
    name = models.CharField(_("name"), max_length=60)
    items = models.TextField(_("items (one per line)"))
    is_active = models.BooleanField(_("in use"), default=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("kit template")
        verbose_name_plural = _("kit templates")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def item_list(self) -> list[str]:
        return [line.strip() for line in self.items.splitlines() if line.strip()]


class KitDelivery(ScopedModel):
    scope = ScopeRule(
        roles={**CARE_SCOPE, Role.RESIDENT: "household"}, grid="household__grid", household="household"
    )

    household = models.ForeignKey(
        "places.Household",
        verbose_name=_("household"),
        related_name="kit_deliveries",
        on_delete=models.CASCADE,
    )
    template = models.ForeignKey(
        KitTemplate, verbose_name=_("kit"), on_delete=models.PROTECT, related_name="deliveries"
    )
    items = models.TextField(_("items delivered (one per line)"))
    delivered_at = models.DateTimeField(_("delivered"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("kit delivery")
        verbose_name_plural = _("kit deliveries")
        ordering = ["-delivered_at"]
        indexes = [models.Index(fields=["household", "delivered_at"], name="care_kit_household")]

    def __str__(self) -> str:
        return f"{self.household_id} {self.template_id}"

    def audit_label(self) -> str:
        return str(self.household)
