from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianfang.core.roles import Role
from lianfang.core.scoping import ScopedManager, ScopeRule


class AuditAction(models.TextChoices):
    VIEW = "view", _("Viewed")
    VIEW_FULL_ID = "view_full_id", _("Viewed full ID number")
    EXPORT = "export", _("Exported")
    CREATE = "create", _("Created")
    CHANGE = "change", _("Changed")
    DELETE = "delete", _("Deleted")
    IMPORT = "import", _("Imported")
    MOVE = "move", _("Moved household")


class AuditLog(models.Model):
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

    objects = ScopedManager()

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
    OTHER = "other", _("Other")


class AlertStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")


class Alert(models.Model):
    """Something staff of an area must look at. Later parts (watch, care) add kinds."""

    scope = ScopeRule(roles={Role.COMMAND: "path", Role.COMMUNITY: "path", Role.HEALTH: "path"})

    kind = models.CharField(_("kind"), max_length=20, choices=AlertKind.choices)
    status = models.CharField(
        _("status"), max_length=15, choices=AlertStatus.choices, default=AlertStatus.OPEN
    )
    title = models.CharField(_("title"), max_length=200)
    detail = models.TextField(_("detail"), blank=True)
    path = models.CharField(_("area path"), max_length=255, db_index=True)
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
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title
