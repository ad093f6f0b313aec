"""Closed management: passes, outing policies, gate devices, passages, visitors, courier drop-offs."""

from __future__ import annotations

import datetime
import secrets
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianfang.access.tokens import make_token
from lianfang.core.models import PATH_INDEX_OPCLASS, ScopedModel
from lianfang.core.roles import STAFF_SCOPE, Role
from lianfang.core.scoping import ScopedManager, ScopeRule


class PassKind(models.TextChoices):
    HOUSEHOLD = "household", _("Household pass")
    PERSON = "person", _("Personal pass")
    VEHICLE = "vehicle", _("Vehicle pass")
    WORK = "work", _("Work / essential pass")


class PassStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")


# Typed pass numbers avoid letters that are easy to confuse at night (0/O, 1/I/L).
NUMBER_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_pass_number() -> str:
    return "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(8))


class Pass(ScopedModel):
    """A pass (出入证). The QR carries a signed token of (id, version) — nothing personal.
    Reissuing bumps `version`, which voids every earlier QR of this pass."""

    scope = ScopeRule(
        roles={**STAFF_SCOPE, Role.RESIDENT: "household"}, grid="household__grid", household="household"
    )

    kind = models.CharField(_("kind"), max_length=10, choices=PassKind.choices, default=PassKind.HOUSEHOLD)
    number = models.CharField(_("pass number"), max_length=8, unique=True, default=new_pass_number)
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=PassStatus.choices, default=PassStatus.ACTIVE
    )
    household = models.ForeignKey(
        "places.Household",
        verbose_name=_("household"),
        null=True,
        blank=True,
        related_name="passes",
        on_delete=models.CASCADE,
    )
    resident = models.ForeignKey(
        "people.Resident",
        verbose_name=_("resident"),
        null=True,
        blank=True,
        related_name="passes",
        on_delete=models.CASCADE,
    )
    compound = models.ForeignKey(
        "places.Compound",
        verbose_name=_("compound"),
        null=True,
        blank=True,
        related_name="passes",
        help_text=_("Empty for work passes valid in the whole area."),
        on_delete=models.CASCADE,
    )
    plate = models.CharField(_("plate"), max_length=12, blank=True)
    holder = models.CharField(
        _("holder / organisation"), max_length=100, blank=True, help_text=_("Work passes: unit and duty.")
    )
    valid_from = models.DateField(_("valid from"), default=datetime.date.today)
    valid_to = models.DateField(_("valid until"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    status_reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("pass")
        verbose_name_plural = _("passes")
        ordering = ["compound_id", "household_id", "id"]
        indexes = [
            models.Index(fields=["path"], name="access_pass_path_like", opclasses=PATH_INDEX_OPCLASS),
            models.Index(fields=["household", "status"], name="access_pass_household"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.display_number}"

    def audit_label(self) -> str:
        """How the audit trail names a pass (read with its household, person or compound): whose it is."""
        holder = self.household or self.resident or self.plate or self.holder or self.compound
        return f"{holder} · {self}" if holder else str(self)

    @property
    def display_number(self) -> str:
        return f"{self.number[:4]}-{self.number[4:]}"

    @property
    def qr_text(self) -> str:
        return make_token(self.pk, self.version)


class VisitorRule(models.TextChoices):
    REFUSE = "refuse", _("Visitors refused")
    REGISTER = "register", _("Visitors allowed with registration")


class OutingPolicy(models.Model):
    """The outing rule of an area, inherited down the tree: the nearest policy wins."""

    scope = ScopeRule(
        roles={Role.COMMAND: "path", Role.COMMUNITY: "path", Role.HEALTH: "path"}, path="area__path"
    )

    area = models.OneToOneField(
        "places.Area", verbose_name=_("area"), related_name="outing_policy", on_delete=models.CASCADE
    )
    exits_per_period = models.PositiveSmallIntegerField(_("exits per household"), default=1)
    period_days = models.PositiveSmallIntegerField(_("per how many calendar days"), default=2)
    closed_from = models.TimeField(_("gates closed from"), null=True, blank=True)
    closed_until = models.TimeField(_("gates closed until"), null=True, blank=True)
    exempt_kinds = models.CharField(
        _("pass kinds exempt from the quota"), max_length=60, blank=True, default=PassKind.WORK.value
    )
    fever_line = models.DecimalField(
        _("fever line (°C)"), max_digits=3, decimal_places=1, default=Decimal("37.3")
    )
    temperature_required = models.BooleanField(_("temperature required"), default=True)
    visitors = models.CharField(
        _("visitors"), max_length=10, choices=VisitorRule.choices, default=VisitorRule.REFUSE
    )
    retention_days = models.PositiveSmallIntegerField(_("keep gate records for (days)"), default=60)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("outing policy")
        verbose_name_plural = _("outing policies")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(exits_per_period__gte=1), name="access_outingpolicy_exits_pos"
            ),
            models.CheckConstraint(
                condition=models.Q(period_days__gte=1), name="access_outingpolicy_period_pos"
            ),
        ]

    def __str__(self) -> str:
        return _("{n} exit(s) per {days} day(s)").format(n=self.exits_per_period, days=self.period_days)


class GateDevice(models.Model):
    """A scanner or kiosk at one gate; authenticates with a bearer token (only its digest is stored)."""

    scope = ScopeRule(roles={Role.COMMAND: "path", Role.COMMUNITY: "path"}, path="gate__path")

    gate = models.ForeignKey(
        "places.Gate", verbose_name=_("gate"), related_name="devices", on_delete=models.CASCADE
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("gate device")
        verbose_name_plural = _("gate devices")

    def __str__(self) -> str:
        return f"{self.gate} {self.name}"


class Direction(models.TextChoices):
    IN = "in", _("In")
    OUT = "out", _("Out")


class Decision(models.TextChoices):
    ALLOWED = "allowed", _("Allowed")
    REFUSED = "refused", _("Refused")
    REFERRED = "referred", _("Referred")


class DecisionCode(models.TextChoices):
    """Every answer the gate gives (`Passage.code`, `Visitor.code`, the API's `code`): what the guard reads
    for each is in access/messages.py. Three groups (access/messages.py names them): the codes the SQL
    function `access_record_scan` decides for a scanned pass, the codes refusing the request itself before
    any pass is read (scan.record_scan), and the visitor codes (services.register_visitor; a visitor's
    fever is `FEVER`). test_scan_decision_codes checks the function, the Python oracle and the messages
    against this list."""

    ENTRY_ALLOWED = "entry_allowed", _("Entry allowed")
    EXIT_ALLOWED = "exit_allowed", _("Exit allowed")
    EXIT_EXEMPT = "exit_exempt", _("Exit allowed, not counted")
    FEVER = "fever", _("Fever")
    QUOTA_USED = "quota_used", _("Exits used up")
    CLOSED_HOURS = "closed_hours", _("Closed hours")
    GATE_CLOSED = "gate_closed", _("Gate closed")
    KIND_NOT_ACCEPTED = "kind_not_accepted", _("Pass kind not accepted here")
    WRONG_COMPOUND = "wrong_compound", _("Pass of another compound")
    PASS_UNKNOWN = "pass_unknown", _("Unknown pass")
    PASS_REPLACED = "pass_replaced", _("Pass replaced")
    PASS_REVOKED = "pass_revoked", _("Pass revoked")
    PASS_SUSPENDED = "pass_suspended", _("Pass suspended")
    QUARANTINED = "quarantined", _("Home quarantine")
    PASS_EXPIRED = "pass_expired", _("Pass expired")
    PASS_NOT_YET_VALID = "pass_not_yet_valid", _("Pass not valid yet")
    TOKEN_MALFORMED = "token_malformed", _("Not a pass code")
    TOKEN_FORGED = "token_forged", _("Forged pass code")
    TEMPERATURE_MISSING = "temperature_missing", _("Temperature missing")
    TEMPERATURE_IMPOSSIBLE = "temperature_impossible", _("Temperature out of range")
    BAD_DIRECTION = "bad_direction", _("Direction missing")
    BAD_CLIENT_ID = "bad_client_id", _("Invalid scan id")
    SCANNED_AT_INVALID = "scanned_at_invalid", _("Invalid scan time")
    VISITOR_REGISTERED = "visitor_registered", _("Visitor registered")
    VISITORS_REFUSED = "visitors_refused", _("Visitors refused")
    HOST_MISSING = "host_missing", _("No host household")


class Passage(ScopedModel):
    """One scan at a gate (通行记录). `counted` marks the exits that the outing quota counts."""

    scope = ScopeRule(roles={**STAFF_SCOPE, Role.GATE: "gate"}, grid="household__grid", gate="gate")

    client_id = models.UUIDField(_("client id"), unique=True, default=uuid.uuid4)
    # Foreign keys without their own index where a composite index below starts with them (gate,
    # household) or where the value is nearly always empty (device, guard: partial indexes): every
    # index is paid on every scan. And without database constraints (db_constraint=False): the passage
    # log is append-only and written at every scan; a constraint would check each referenced row at every
    # commit and lock it (FOR KEY SHARE), so that all the scans of one gate queue on its row. The scan
    # reads the pass and household it stores, the gate and device come from the device token, and
    # Django still carries out on_delete (cascade, set null) when those rows are deleted.
    gate = models.ForeignKey(
        "places.Gate",
        verbose_name=_("gate"),
        related_name="+",
        on_delete=models.CASCADE,
        db_index=False,
        db_constraint=False,
    )
    device = models.ForeignKey(
        GateDevice,
        verbose_name=_("device"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
        db_index=False,
        db_constraint=False,
    )
    guard = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("guard"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
        db_index=False,
        db_constraint=False,
    )
    pass_obj = models.ForeignKey(
        Pass,
        verbose_name=_("pass"),
        null=True,
        blank=True,
        related_name="passages",
        on_delete=models.SET_NULL,
        db_column="pass_id",
        db_constraint=False,
    )
    household = models.ForeignKey(
        "places.Household",
        verbose_name=_("household"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
        db_index=False,
        db_constraint=False,
    )
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    temperature = models.DecimalField(_("temperature"), max_digits=3, decimal_places=1, null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    code = models.CharField(_("code"), max_length=30)
    counted = models.BooleanField(_("counted against the quota"), default=False)
    exits_left = models.SmallIntegerField(_("exits left"), null=True, blank=True)
    next_allowed = models.DateField(_("next exit allowed on"), null=True, blank=True)
    client_time = models.DateTimeField(_("device time"), null=True, blank=True)
    server_time = models.DateTimeField(_("server time"), default=timezone.now)

    class Meta:
        verbose_name = _("passage")
        verbose_name_plural = _("passages")
        ordering = ["-server_time", "-id"]
        indexes = [
            # "Who passed gate G between t1 and t2" (the gate log, contact tracing).
            models.Index(fields=["gate", "server_time"], name="access_passage_gate_time"),
            # A household's history, and the outing quota (only counted exits).
            models.Index(fields=["household", "server_time"], name="access_passage_hh_time"),
            models.Index(
                fields=["household", "server_time"],
                name="access_passage_quota",
                condition=models.Q(counted=True),
            ),
            models.Index(
                fields=["device"], name="access_passage_device", condition=models.Q(device__isnull=False)
            ),
            models.Index(
                fields=["guard"], name="access_passage_guard", condition=models.Q(guard__isnull=False)
            ),
            # No index on server_time alone: the retention purge goes gate by gate (gate_time), and such an
            # index tempted the planner away from access_passage_quota on freshly loaded tables.
            # The gate log (access/passages.py), newest first. A wide scope (a city, a district, a street)
            # reads backwards by time, the scope's path prefix checked in the index itself (no heap visit
            # for the passages of other areas). Its refusals and referrals (a few in a hundred: partial
            # indexes, written only by those scans), by time for a wide scope and by gate for a narrow one,
            # with the code, so that "fevers this month" never reads the allowed passages.
            models.Index(
                fields=["server_time", "path"],
                opclasses=["", *PATH_INDEX_OPCLASS],
                name="access_passage_time_path",
            ),
            models.Index(
                fields=["server_time", "path", "code"],
                opclasses=["", *PATH_INDEX_OPCLASS, ""],
                name="access_passage_not_allowed",
                condition=~models.Q(decision="allowed"),
            ),
            models.Index(
                fields=["gate", "server_time", "code"],
                name="access_passage_gate_refusals",
                condition=~models.Q(decision="allowed"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.gate_id} {self.direction} {self.decision} {self.server_time:%Y-%m-%d %H:%M}"

    @property
    def code_label(self) -> str:
        """The answer's code as a person reads it (quota_used -> 出行次数已用完); an unknown code as is."""
        try:
            return str(DecisionCode(self.code).label)
        except ValueError:
            return self.code


class Visitor(ScopedModel):
    """An outsider registered at the gate (外来人员)."""

    scope = ScopeRule(roles={**STAFF_SCOPE, Role.GATE: "gate"}, grid="host__grid", gate="gate")

    gate = models.ForeignKey(
        "places.Gate", verbose_name=_("gate"), related_name="+", on_delete=models.CASCADE
    )
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20)
    purpose = models.CharField(_("purpose"), max_length=200)
    host = models.ForeignKey(
        "places.Household",
        verbose_name=_("host household"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    temperature = models.DecimalField(_("temperature"), max_digits=3, decimal_places=1, null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    code = models.CharField(_("code"), max_length=30)
    guard = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("guard"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("visitor")
        verbose_name_plural = _("visitors")
        ordering = ["-at"]
        indexes = [models.Index(fields=["gate", "at"], name="access_visitor_gate_time")]

    def __str__(self) -> str:
        return f"{self.name} {self.at:%Y-%m-%d %H:%M}"


class Delivery(ScopedModel):
    """A courier or food delivery left at the gate for the household to fetch (快递外卖, self pickup)."""

    scope = ScopeRule(
        roles={**STAFF_SCOPE, Role.GATE: "gate", Role.RESIDENT: "household"},
        grid="household__grid",
        gate="gate",
        household="household",
    )

    gate = models.ForeignKey(
        "places.Gate", verbose_name=_("gate"), related_name="+", on_delete=models.CASCADE
    )
    household = models.ForeignKey(
        "places.Household", verbose_name=_("household"), related_name="deliveries", on_delete=models.CASCADE
    )
    carrier = models.CharField(_("carrier"), max_length=50, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    received_at = models.DateTimeField(_("left at the gate"), default=timezone.now)
    picked_up_at = models.DateTimeField(_("picked up"), null=True, blank=True)
    guard = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("guard"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["gate", "received_at"], name="access_delivery_gate_time")]

    def __str__(self) -> str:
        return f"{self.household_id} {self.carrier}"


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Being written")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class PassageExport(ScopedModel):
    """A gate log export too large for a request (access/exports.py): written on the worker to a file that
    only the user who asked for it downloads ("my exports"), deleted a day after it was asked for. `filters`
    is the gate log's filter (passages.PassageFilter.as_json); the rows are read with the user's scope when
    the worker writes them."""

    scope = ScopeRule(roles=STAFF_SCOPE, grid="grid")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), related_name="+", on_delete=models.CASCADE
    )
    grid = models.ForeignKey(
        "places.Grid",
        verbose_name=_("grid"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    filters = models.JSONField(_("filter"), default=dict)
    summary = models.CharField(_("filter in words"), max_length=500, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    rows = models.PositiveIntegerField(_("rows"), default=0)
    truncated = models.BooleanField(_("cut at the row limit"), default=False)
    file = models.FileField(_("file"), upload_to="exports/passages/", blank=True)
    message = models.CharField(_("message"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("gate log export")
        verbose_name_plural = _("gate log exports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "created_at"], name="access_passageexport_user")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M} ({self.get_status_display()})"

    @property
    def is_busy(self) -> bool:
        return self.status in (ExportStatus.PENDING, ExportStatus.RUNNING)
