"""Monitor, assess, warn, respond: the daily statistics, the early-warning detectors and their signals,
risk levels, and the communities' daily reports. Alerts themselves are `core.Alert` (every app raises
them); this app keeps their inbox.

Statistics are kept per *node* of the tree: the areas (city, district, street, community) by their path,
and each grid as a node under its community with the path `<community path>g<grid id>.` (households
without a grid count in `<community path>g0.`), so that prefix matching on `path` scopes them like
everything else and a community is the sum of its grid nodes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianfang.core.models import PATH_INDEX_OPCLASS, GridScopedModel, ScopedModel
from lianfang.core.roles import Role
from lianfang.core.scoping import ScopeRule

# Who reads the figures of an area: the staff of that area; grid workers the figures of their grid.
WATCH_SCOPE = {Role.COMMAND: "path", Role.COMMUNITY: "path", Role.HEALTH: "path", Role.GRID: "grid"}


class NodeLevel(models.TextChoices):
    CITY = "city", _("City")
    DISTRICT = "district", _("District / county")
    STREET = "street", _("Street / town")
    COMMUNITY = "community", _("Community / village")
    GRID = "grid", _("Grid")


class DailyStat(GridScopedModel):
    """One figure of one node of the tree for one day. A day that was never computed has no rows: it is
    missing, not zero (`StatDay` says which days were computed)."""

    scope = ScopeRule(roles=WATCH_SCOPE, grid="grid")

    level = models.CharField(_("level"), max_length=10, choices=NodeLevel.choices)
    day = models.DateField(_("day"))
    metric = models.CharField(_("figure"), max_length=40)
    value = models.BigIntegerField(_("value"))

    class Meta:
        verbose_name = _("daily figure")
        verbose_name_plural = _("daily figures")
        constraints = [
            models.UniqueConstraint(fields=["path", "day", "metric"], name="watch_dailystat_unique"),
        ]
        indexes = [
            models.Index(fields=["path"], name="watch_dailystat_path_like", opclasses=PATH_INDEX_OPCLASS),
            models.Index(fields=["level", "metric", "day"], name="watch_dailystat_level_metric"),
            models.Index(fields=["day", "level"], name="watch_dailystat_day_level"),
        ]

    def __str__(self) -> str:
        return f"{self.path} {self.day} {self.metric}={self.value}"


class StatDay(models.Model):
    """A day whose statistics were computed (for the whole city), when, and how long it took."""

    day = models.DateField(_("day"), unique=True)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    seconds = models.FloatField(_("seconds"), default=0)

    class Meta:
        verbose_name = _("computed day")
        verbose_name_plural = _("computed days")
        ordering = ["-day"]

    def __str__(self) -> str:
        return str(self.day)


class DetectorMethod(models.TextChoices):
    EARS_C1 = "c1", _("EARS C1")
    EARS_C2 = "c2", _("EARS C2")
    EARS_C3 = "c3", _("EARS C3")
    THRESHOLD = "threshold", _("Fixed threshold")


class Detector(models.Model):
    """An early-warning rule: a method over one metric at one level of the tree (every node of that level).
    Options: `baseline` days (≥ 3), `alpha` in (0, 1) for the EARS methods, `min_sigma` for sparse counts,
    `threshold` for the fixed rule (alarm when observed ≥ threshold)."""

    name = models.CharField(_("name"), max_length=100)
    metric = models.CharField(_("figure"), max_length=40)
    level = models.CharField(_("level"), max_length=10, choices=NodeLevel.choices)
    method = models.CharField(_("method"), max_length=10, choices=DetectorMethod.choices)
    baseline = models.PositiveSmallIntegerField(_("baseline days"), default=7)
    alpha = models.FloatField(_("alpha"), default=0.001)
    min_sigma = models.FloatField(_("minimum sigma"), default=0)
    threshold = models.FloatField(_("threshold"), null=True, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("detector")
        verbose_name_plural = _("detectors")
        ordering = ["metric", "level", "method"]

    def __str__(self) -> str:
        return self.name


class Signal(GridScopedModel):
    """A detector's answer for one node and day: what was observed, what was expected, the upper bound,
    and whether it alarms (an alarm raises an alert to that node's staff)."""

    scope = ScopeRule(roles=WATCH_SCOPE, grid="grid")

    detector = models.ForeignKey(
        Detector, verbose_name=_("detector"), related_name="signals", on_delete=models.CASCADE
    )
    level = models.CharField(_("level"), max_length=10, choices=NodeLevel.choices)
    day = models.DateField(_("day"))
    observed = models.FloatField(_("observed"))
    expected = models.FloatField(_("expected"), null=True, blank=True)
    upper = models.FloatField(_("upper bound"), null=True, blank=True)
    alarm = models.BooleanField(_("alarm"), default=False)
    alert = models.ForeignKey(
        "core.Alert",
        verbose_name=_("alert"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        verbose_name = _("signal")
        verbose_name_plural = _("signals")
        constraints = [
            models.UniqueConstraint(fields=["detector", "path", "day"], name="watch_signal_unique"),
        ]
        indexes = [
            models.Index(fields=["path"], name="watch_signal_path_like", opclasses=PATH_INDEX_OPCLASS),
            models.Index(fields=["day", "alarm"], name="watch_signal_day_alarm"),
        ]

    def __str__(self) -> str:
        return f"{self.detector_id} {self.path} {self.day}"


class RiskLevelChoice(models.TextChoices):
    LOW = "low", _("Low risk")
    MEDIUM = "medium", _("Medium risk")
    HIGH = "high", _("High risk")


class RiskRule(models.Model):
    """A versioned rule that suggests risk levels, stored as data: `kind` names the evaluator in
    watch/risk.py, `params` its numbers (days, case counts), `targets` the levels it rates (street,
    community, compound). Exactly one rule is the default."""

    code = models.CharField(_("code"), max_length=40)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("evaluator"), max_length=40)
    params = models.JSONField(_("parameters"), default=dict)
    targets = models.CharField(_("rates"), max_length=60, default="street community")
    is_default = models.BooleanField(_("default"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("risk rule")
        verbose_name_plural = _("risk rules")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="watch_riskrule_unique"),
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="watch_riskrule_one_default"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class RiskStatus(models.TextChoices):
    SUGGESTED = "suggested", _("Suggested")
    APPROVED = "approved", _("Approved")
    DISMISSED = "dismissed", _("Dismissed")


class RiskAssessment(ScopedModel):
    """A risk level for a street, community or compound: suggested by a rule on a day, then approved by a
    commander (possibly with another level) with the date it takes effect, or dismissed. The level in force
    is the latest approved one whose `effective_from` has come; older rows are the history."""

    scope = ScopeRule(
        roles={Role.COMMAND: "path", Role.COMMUNITY: "path", Role.HEALTH: "path", Role.GRID: "path"}
    )

    area = models.ForeignKey(
        "places.Area",
        verbose_name=_("area"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.CASCADE,
    )
    compound = models.ForeignKey(
        "places.Compound",
        verbose_name=_("compound"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.CASCADE,
    )
    rule = models.ForeignKey(RiskRule, verbose_name=_("rule"), related_name="+", on_delete=models.PROTECT)
    day = models.DateField(_("assessed on"))
    suggested = models.CharField(_("suggested level"), max_length=10, choices=RiskLevelChoice.choices)
    basis = models.JSONField(_("basis"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=RiskStatus.choices, default=RiskStatus.SUGGESTED
    )
    level = models.CharField(_("level"), max_length=10, choices=RiskLevelChoice.choices, blank=True)
    effective_from = models.DateField(_("takes effect on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("risk level")
        verbose_name_plural = _("risk levels")
        ordering = ["-day", "-id"]
        indexes = [
            models.Index(fields=["path"], name="watch_risk_path_like", opclasses=PATH_INDEX_OPCLASS),
            models.Index(fields=["status", "effective_from"], name="watch_risk_status_from"),
        ]

    def __str__(self) -> str:
        return f"{self.path} {self.day} {self.suggested}"

    def audit_label(self) -> str:
        """How the audit trail names an assessment (read with its area or compound): the place and the day."""
        return f"{self.area or self.compound} · {self.day.isoformat()}"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    ACCEPTED = "accepted", _("Accepted")


class ReportSettings(models.Model):
    """A city's daily report cut-off (and later its other report settings)."""

    area = models.OneToOneField(
        "places.Area", verbose_name=_("city"), related_name="+", on_delete=models.CASCADE
    )
    cutoff = models.TimeField(_("daily report due by"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("daily report settings")
        verbose_name_plural = _("daily report settings")

    def __str__(self) -> str:
        return f"{self.area_id} {self.cutoff}"


class DailyReport(ScopedModel):
    """A community's daily report (日报) for one day: the figures drafted from the statistics (`figures`,
    a snapshot at submission) and the article's free-text parts; submitted to the street, which accepts it
    or returns it with a comment. Accepted reports roll up to the district and the city."""

    scope = ScopeRule(roles={Role.COMMAND: "path", Role.COMMUNITY: "path", Role.HEALTH: "path"})

    community = models.ForeignKey(
        "places.Area", verbose_name=_("community"), related_name="+", on_delete=models.CASCADE
    )
    day = models.DateField(_("day"))
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    figures = models.JSONField(_("figures"), default=dict)
    publicity = models.TextField(_("publicity"), blank=True)
    checkpoints = models.TextField(_("checkpoints and people on duty"), blank=True)
    checkpoints_count = models.PositiveIntegerField(_("checkpoints"), null=True, blank=True)
    people_on_duty = models.PositiveIntegerField(_("people on duty"), null=True, blank=True)
    disinfection_teams = models.PositiveIntegerField(_("disinfection teams"), null=True, blank=True)
    disinfected_area = models.CharField(_("area disinfected"), max_length=200, blank=True)
    difficulties = models.TextField(_("difficulties"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = models.CharField(_("comment"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("daily report")
        verbose_name_plural = _("daily reports")
        ordering = ["-day", "path"]
        constraints = [
            models.UniqueConstraint(fields=["community", "day"], name="watch_dailyreport_unique"),
        ]
        indexes = [
            models.Index(fields=["path"], name="watch_report_path_like", opclasses=PATH_INDEX_OPCLASS),
            models.Index(fields=["day", "status"], name="watch_report_day_status"),
        ]

    def __str__(self) -> str:
        return f"{self.community_id} {self.day}"

    def audit_label(self) -> str:
        """How the audit trail names a report (read with its community): the community and the day."""
        return f"{self.community} · {self.day.isoformat()}"


class DailyReportEvent(models.Model):
    """A daily report's history: drafted, saved, submitted, returned (with the comment), accepted."""

    report = models.ForeignKey(
        DailyReport, verbose_name=_("daily report"), related_name="events", on_delete=models.CASCADE
    )
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("daily report step")
        verbose_name_plural = _("daily report steps")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.status}"
