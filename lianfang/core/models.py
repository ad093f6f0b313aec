"""Base models every app builds on (`ScopedModel`, `GridScopedModel`), the audit log and alerts."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianfang.core.roles import Role
from lianfang.core.scoping import ScopedManager, ScopeRule

# Prefix searches on a path (`path LIKE '340403.%'`) use an index with this operator class.
PATH_INDEX_OPCLASS = ["varchar_pattern_ops"]


class ScopedModel(models.Model):
    """A row that knows its area: `path`, the materialized path of its community (copied down by the
    services that create or move it), the scoped manager (`objects.visible_to(user)`) and the class's
    `scope`, the ScopeRule that says how each role reaches it — for reads and for writes
    (`core.scoping.authorize_write`). A model whose area is found through a foreign key
    (`path="household__path"`) keeps `objects = ScopedManager()` and a `scope` without this base.

    Indexes stay with each model (`Meta.indexes`, named `<app>_<model>_path_like`, with
    `PATH_INDEX_OPCLASS`): a subclass's `Meta` replaces its base's."""

    scope: ClassVar[ScopeRule]

    path = models.CharField(_("path"), max_length=255)

    objects = ScopedManager()

    class Meta:
        abstract = True


class GridScopedModel(ScopedModel):
    """A scoped row that grid workers reach through its own `grid` column (copied from its household)."""

    grid = models.ForeignKey(
        "places.Grid",
        verbose_name=_("grid"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True


class AuditAction(models.TextChoices):
    VIEW = "view", _("Viewed")
    VIEW_FULL_ID = "view_full_id", _("Viewed full ID number")
    EXPORT = "export", _("Exported")
    CREATE = "create", _("Created")
    CHANGE = "change", _("Changed")
    DELETE = "delete", _("Deleted")
    IMPORT = "import", _("Imported")
    MOVE = "move", _("Moved household")


class AuditLog(ScopedModel):
    """Who viewed, exported or changed personal data: when, what, from where."""

    scope = ScopeRule(roles={Role.COMMAND: "path", Role.COMMUNITY: "path"})

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True, on_delete=models.SET_NULL
    )
    username = models.CharField(_("username"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(_("object type"), max_length=40)
    object_id = models.CharField(_("object id"), max_length=40, blank=True)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)
    path = models.CharField(_("area path"), max_length=255, blank=True, db_index=True)

    class Meta:
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="core_auditlog_object")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_type}#{self.object_id}"


class AlertKind(models.TextChoices):
    FEVER = "fever", _("Fever at the gate")
    HEALTH_CHECK = "health_check", _("Abnormal health check")
    CASE = "case", _("New case")
    CALL_OVERDUE = "call_overdue", _("Care call overdue")
    UNREACHABLE = "unreachable", _("Household unreachable")
    ERRAND_OVERDUE = "errand_overdue", _("Errand overdue")
    EARLY_WARNING = "early_warning", _("Early warning")
    REPORT_MISSING = "report_missing", _("Daily report missing")
    LOW_STOCK = "low_stock", _("Low stock")
    ROSTER_GAP = "roster_gap", _("Gate roster gap")
    CALL_UNFILLED = "call_unfilled", _("Call for help unfilled")
    OTHER = "other", _("Other")


class AlertStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ASSIGNED = "assigned", _("Assigned")
    RESOLVED = "resolved", _("Resolved")


# Alerts not yet resolved (the inbox's open count).
UNRESOLVED_ALERT_STATUSES = (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED, AlertStatus.ASSIGNED)


class AlertSeverity(models.TextChoices):
    NOTICE = "notice", _("Notice")
    WARNING = "warning", _("Warning")
    URGENT = "urgent", _("Urgent")


class AlertOutcome(models.TextChoices):
    REAL = "real", _("Real")
    FALSE_ALARM = "false_alarm", _("False alarm")
    DUPLICATE = "duplicate", _("Duplicate")


class Alert(GridScopedModel):
    """Something staff of an area must look at. Every app raises them (core.alerts.raise_alert); the
    watch app's inbox acknowledges, assigns, resolves and escalates them.

    `path` is where the signal is (the community, or the area of an early warning); `handler_path` is the
    area whose staff must answer it now: the same at first, one level up the tree after each escalation.
    `dedup_key` makes the same signal for the same area and day one alert."""

    scope = ScopeRule(
        roles={Role.COMMAND: "path", Role.COMMUNITY: "path", Role.HEALTH: "path", Role.GRID: "grid"},
        grid="grid",
    )

    kind = models.CharField(_("kind"), max_length=20, choices=AlertKind.choices)
    status = models.CharField(
        _("status"), max_length=15, choices=AlertStatus.choices, default=AlertStatus.OPEN
    )
    severity = models.CharField(
        _("severity"), max_length=10, choices=AlertSeverity.choices, default=AlertSeverity.WARNING
    )
    title = models.CharField(_("title"), max_length=200)
    detail = models.TextField(_("detail"), blank=True)
    path = models.CharField(_("area path"), max_length=255, db_index=True)
    handler_path = models.CharField(_("handled at area"), max_length=255, blank=True, default="")
    dedup_key = models.CharField(_("deduplication key"), max_length=200, null=True, blank=True, unique=True)
    household = models.ForeignKey(
        "places.Household",
        verbose_name=_("household"),
        null=True,
        blank=True,
        related_name="alerts",
        on_delete=models.SET_NULL,
    )
    source_type = models.CharField(_("source"), max_length=40, blank=True)
    source_id = models.CharField(_("source id"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("raised"), default=timezone.now, db_index=True)
    respond_by = models.DateTimeField(_("acknowledge by"), null=True, blank=True)
    escalations = models.PositiveSmallIntegerField(_("escalations"), default=0)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        related_name="assigned_alerts",
        on_delete=models.SET_NULL,
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    handled_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=AlertOutcome.choices, blank=True)
    resolution = models.CharField(_("resolution note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["handler_path"], name="core_alert_handler_like", opclasses=PATH_INDEX_OPCLASS
            ),
            models.Index(
                fields=["respond_by"], name="core_alert_respond_by", condition=models.Q(status="open")
            ),
            # The inbox's open count and open tabs: the unresolved alerts under a path (few, however many
            # were resolved before).
            models.Index(
                fields=["path"],
                name="core_alert_unresolved_path",
                opclasses=PATH_INDEX_OPCLASS,
                condition=models.Q(status__in=UNRESOLVED_ALERT_STATUSES),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class AlertEventKind(models.TextChoices):
    RAISED = "raised", _("Raised")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ASSIGNED = "assigned", _("Assigned")
    RESOLVED = "resolved", _("Resolved")
    ESCALATED = "escalated", _("Escalated")
    NOTE = "note", _("Note")
    REPEATED = "repeated", _("Signalled again")


class AlertEvent(models.Model):
    """An alert's history: one row per step, never edited."""

    alert = models.ForeignKey(Alert, verbose_name=_("alert"), related_name="events", on_delete=models.CASCADE)
    kind = models.CharField(_("step"), max_length=14, choices=AlertEventKind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("alert step")
        verbose_name_plural = _("alert steps")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.alert_id} {self.kind}"


class AlertPolicy(models.Model):
    """How soon an alert of a kind must be acknowledged in an area (and its subtree, unless a lower
    area says otherwise): past `respond_by`, the watch app escalates it one level up the tree."""

    area = models.ForeignKey(
        "places.Area", verbose_name=_("area"), related_name="+", on_delete=models.CASCADE
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AlertKind.choices)
    respond_minutes = models.PositiveIntegerField(_("acknowledge within (minutes)"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("alert response time")
        verbose_name_plural = _("alert response times")
        constraints = [models.UniqueConstraint(fields=["area", "kind"], name="core_alertpolicy_unique")]

    def __str__(self) -> str:
        return f"{self.area_id} {self.kind} {self.respond_minutes}"
