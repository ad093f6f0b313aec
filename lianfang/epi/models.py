"""Cases, lockdowns, contacts, facilities, quarantines and health checks.

Dates rule here: a quarantine's day N of M, its planned end and a lockdown's end are computed from
dates, never from counters. `planned_end` and `Lockdown.ends_on` are the *last* day inside (inclusive).
A household's exits are held while `Household.exits_held_until >= today`; services recompute that
column from the reasons that hold it (lockdowns, home quarantines, open cases at home: epi/holds.py).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lianfang.core.models import PATH_INDEX_OPCLASS, GridScopedModel, ScopedModel
from lianfang.core.roles import STAFF_SCOPE, Role
from lianfang.core.scoping import ScopedManager, ScopeRule


class EpiPolicy(models.Model):
    """Lockdown, contact and quarantine rules of an area, inherited down the tree (the nearest wins)."""

    scope = ScopeRule(
        roles={Role.COMMAND: "path", Role.COMMUNITY: "path", Role.HEALTH: "path"}, path="area__path"
    )

    area = models.OneToOneField(
        "places.Area", verbose_name=_("area"), related_name="epi_policy", on_delete=models.CASCADE
    )
    lockdown_days = models.PositiveSmallIntegerField(_("lockdown days"), default=14)
    home_quarantine_days = models.PositiveSmallIntegerField(_("home quarantine days (contacts)"), default=14)
    facility_quarantine_days = models.PositiveSmallIntegerField(
        _("facility quarantine days (contacts)"), default=14
    )
    case_quarantine_days = models.PositiveSmallIntegerField(
        _("quarantine days (excluded suspected cases)"), default=14
    )
    contact_window_minutes = models.PositiveSmallIntegerField(
        _("gate co-presence window (minutes)"), default=15
    )
    infectious_days_before_onset = models.PositiveSmallIntegerField(
        _("infectious from (days before onset)"), default=2
    )
    same_unit_contacts = models.BooleanField(_("propose residents of the same unit"), default=True)
    release_normal_checks = models.PositiveSmallIntegerField(
        _("normal health checks required before release"), default=2
    )
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
        verbose_name = _("epidemic policy")
        verbose_name_plural = _("epidemic policies")
        constraints = [
            models.CheckConstraint(condition=models.Q(lockdown_days__gte=1), name="epi_policy_lockdown_pos"),
            models.CheckConstraint(
                condition=models.Q(contact_window_minutes__gte=1), name="epi_policy_window_pos"
            ),
        ]

    def __str__(self) -> str:
        return str(self.area)


class CaseStatus(models.TextChoices):
    SUSPECTED = "suspected", _("Suspected")
    CONFIRMED = "confirmed", _("Confirmed")
    ASYMPTOMATIC = "asymptomatic", _("Asymptomatic")
    EXCLUDED = "excluded", _("Excluded")
    RECOVERED = "recovered", _("Recovered")


OPEN_CASE_STATUSES = (CaseStatus.SUSPECTED, CaseStatus.CONFIRMED, CaseStatus.ASYMPTOMATIC)


class CaseSource(models.TextChoices):
    GATE_FEVER = "gate_fever", _("Fever at the gate")
    HOSPITAL = "hospital", _("Hospital report")
    SCREENING = "screening", _("Screening")
    CONTACT = "contact", _("Contact follow-up")
    OTHER = "other", _("Other")


class Case(GridScopedModel):
    """A case (病例): always a `people.Resident`; a non-resident gets a entry without a household."""

    scope = ScopeRule(roles=STAFF_SCOPE, grid="grid")

    resident = models.ForeignKey(
        "people.Resident", verbose_name=_("person"), related_name="cases", on_delete=models.PROTECT
    )
    household = models.ForeignKey(
        "places.Household",
        verbose_name=_("household"),
        null=True,
        blank=True,
        related_name="cases",
        on_delete=models.SET_NULL,
        help_text=_("The household at registration; kept when the person moves."),
    )
    status = models.CharField(_("status"), max_length=12, choices=CaseStatus.choices)
    source = models.CharField(
        _("source"), max_length=12, choices=CaseSource.choices, default=CaseSource.OTHER
    )
    onset_date = models.DateField(_("onset date"), null=True, blank=True)
    report_date = models.DateField(_("report date"), default=datetime.date.today)
    isolation_date = models.DateField(_("isolation date"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registered"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-report_date", "-id"]
        constraints = [
            # One open case per person: a second report updates the first.
            models.UniqueConstraint(
                fields=["resident"],
                condition=models.Q(status__in=["suspected", "confirmed", "asymptomatic"]),
                name="epi_case_one_open_per_person",
            )
        ]
        indexes = [models.Index(fields=["path"], name="epi_case_path_like", opclasses=PATH_INDEX_OPCLASS)]

    def __str__(self) -> str:
        return _("Case #{id}").format(id=self.pk)

    def audit_label(self) -> str:
        """How the audit trail names a case (read with its resident): the person and the status."""
        return f"{self.resident.name} · {self.get_status_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_CASE_STATUSES


class CaseStatusChange(models.Model):
    """Every status change of a case, with who and when."""

    case = models.ForeignKey(Case, verbose_name=_("case"), related_name="changes", on_delete=models.CASCADE)
    from_status = models.CharField(_("from"), max_length=12, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=CaseStatus.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("case status change")
        verbose_name_plural = _("case status changes")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} → {self.to_status}"


class LockdownScope(models.TextChoices):
    UNIT = "unit", _("Unit")
    BUILDING = "building", _("Building")
    COMPOUND = "compound", _("Compound")


class LockdownStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("lockdown status", "Active")
    LIFTED = "lifted", _("Lifted")


class Lockdown(ScopedModel):
    """A sealed unit, building or compound (封控) from `start` to `ends_on` (inclusive)."""

    scope = ScopeRule(roles=STAFF_SCOPE, grid=None)

    scope_kind = models.CharField(_("what is sealed"), max_length=10, choices=LockdownScope.choices)
    unit = models.ForeignKey(
        "places.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    building = models.ForeignKey(
        "places.Building",
        verbose_name=_("building"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    compound = models.ForeignKey(
        "places.Compound", verbose_name=_("compound"), on_delete=models.PROTECT, related_name="lockdowns"
    )
    label = models.CharField(_("label"), max_length=120)
    start = models.DateField(_("from"))
    days = models.PositiveSmallIntegerField(_("days"))
    ends_on = models.DateField(_("last day"))
    status = models.CharField(
        _("status"), max_length=10, choices=LockdownStatus.choices, default=LockdownStatus.ACTIVE
    )
    case = models.ForeignKey(
        Case,
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lockdowns",
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    households = models.PositiveIntegerField(_("households"), default=0)
    residents = models.PositiveIntegerField(_("residents"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sealed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lifted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lift_reason = models.CharField(_("reason for lifting"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("lockdown")
        verbose_name_plural = _("lockdowns")
        ordering = ["-start", "-id"]
        indexes = [
            models.Index(fields=["compound", "status"], name="epi_lockdown_compound"),
            models.Index(fields=["path"], name="epi_lockdown_path_like", opclasses=PATH_INDEX_OPCLASS),
        ]

    def __str__(self) -> str:
        return self.label


class ContactStatus(models.TextChoices):
    CONFIRMED = "confirmed", pgettext_lazy("contact decision", "Confirmed")
    DISMISSED = "dismissed", _("Dismissed")


class ContactReason(models.TextChoices):
    HOUSEHOLD = "household", _("Same household")
    UNIT = "unit", _("Same unit")
    GATE = "gate", _("At the gate at the same time")
    SECONDARY = "secondary", _("Household of a close contact")


class Contact(ScopedModel):
    """A candidate contact of a case that a person decided on (confirmed or dismissed). Candidates
    themselves are computed from the registry and the gate log on demand (epi/contacts.py)."""

    scope = ScopeRule(roles=STAFF_SCOPE, grid="case__grid")

    case = models.ForeignKey(Case, verbose_name=_("case"), related_name="contacts", on_delete=models.CASCADE)
    resident = models.ForeignKey(
        "people.Resident", verbose_name=_("person"), related_name="contact_of", on_delete=models.CASCADE
    )
    degree = models.PositiveSmallIntegerField(_("degree"), default=1, help_text=_("1 close, 2 secondary."))
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    via = models.ForeignKey(
        "self",
        verbose_name=_("through contact"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="secondaries",
    )
    status = models.CharField(_("decision"), max_length=10, choices=ContactStatus.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), default=timezone.now)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["degree", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "resident"], name="epi_contact_once_per_case")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.resident_id} ({self.status})"

    def audit_label(self) -> str:
        return f"{self.resident.name} · {self.get_status_display()}"


class Facility(models.Model):
    """A centralized quarantine site (集中隔离点), e.g. a requisitioned hotel."""

    scope = ScopeRule(
        roles={Role.COMMAND: "path", Role.COMMUNITY: "path", Role.HEALTH: "path"}, path="area__path"
    )

    area = models.ForeignKey(
        "places.Area", verbose_name=_("area"), related_name="facilities", on_delete=models.PROTECT
    )
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("quarantine facility")
        verbose_name_plural = _("quarantine facilities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Room(models.Model):
    scope = ScopeRule(
        roles={Role.COMMAND: "path", Role.COMMUNITY: "path", Role.HEALTH: "path"}, path="facility__area__path"
    )

    facility = models.ForeignKey(
        Facility, verbose_name=_("facility"), related_name="rooms", on_delete=models.CASCADE
    )
    number = models.CharField(_("room"), max_length=20)
    capacity = models.PositiveSmallIntegerField(_("beds"), default=1)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["facility_id", "number"]
        constraints = [models.UniqueConstraint(fields=["facility", "number"], name="epi_room_unique_number")]

    def __str__(self) -> str:
        return f"{self.facility.name} {self.number}"


class QuarantineKind(models.TextChoices):
    HOME = "home", _("Home quarantine")
    FACILITY = "facility", _("Facility quarantine")


class QuarantineReason(models.TextChoices):
    LOCKDOWN = "lockdown", _("Sealed area")
    CONTACT = "contact", _("Close contact")
    SECONDARY = "secondary", _("Secondary contact")
    CASE = "case", _("Suspected case")
    TRAVEL = "travel", _("Returned from a risk area")
    OTHER = "other", _("Other")


class QuarantineStatus(models.TextChoices):
    ACTIVE = "active", _("In quarantine")
    RELEASED = "released", _("Released")
    LIFTED = "lifted", _("Ended with the lockdown")
    BECAME_CASE = "became_case", _("Ended: became a case")


class Quarantine(GridScopedModel):
    """One person's quarantine, at home or in a facility room, from `start` to `planned_end` (inclusive)."""

    scope = ScopeRule(roles={**STAFF_SCOPE, Role.RESIDENT: "household"}, grid="grid", household="household")

    resident = models.ForeignKey(
        "people.Resident", verbose_name=_("person"), related_name="quarantines", on_delete=models.CASCADE
    )
    household = models.ForeignKey(
        "places.Household",
        verbose_name=_("household"),
        null=True,
        blank=True,
        related_name="quarantines",
        on_delete=models.SET_NULL,
    )
    kind = models.CharField(_("kind"), max_length=10, choices=QuarantineKind.choices)
    reason = models.CharField(_("reason"), max_length=10, choices=QuarantineReason.choices)
    lockdown = models.ForeignKey(
        Lockdown,
        verbose_name=_("lockdown"),
        null=True,
        blank=True,
        related_name="quarantines",
        on_delete=models.CASCADE,
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        null=True,
        blank=True,
        related_name="quarantines",
        on_delete=models.SET_NULL,
    )
    case = models.ForeignKey(
        Case,
        verbose_name=_("case"),
        null=True,
        blank=True,
        related_name="quarantines",
        on_delete=models.SET_NULL,
    )
    room = models.ForeignKey(
        Room,
        verbose_name=_("room"),
        null=True,
        blank=True,
        related_name="quarantines",
        on_delete=models.PROTECT,
    )
    start = models.DateField(_("from"))
    planned_end = models.DateField(_("last day"))
    status = models.CharField(
        _("status"), max_length=12, choices=QuarantineStatus.choices, default=QuarantineStatus.ACTIVE
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_note = models.CharField(_("reason"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("quarantine")
        verbose_name_plural = _("quarantines")
        ordering = ["planned_end", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "lockdown"],
                condition=models.Q(lockdown__isnull=False),
                name="epi_quarantine_once_per_lockdown",
            ),
            models.CheckConstraint(
                condition=models.Q(planned_end__gte=models.F("start")), name="epi_quarantine_end_after_start"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "planned_end"], name="epi_quarantine_due"),
            models.Index(fields=["household", "status"], name="epi_quarantine_household"),
            models.Index(fields=["path"], name="epi_quarantine_path_like", opclasses=PATH_INDEX_OPCLASS),
        ]

    def __str__(self) -> str:
        return f"{self.resident} {self.get_kind_display()}"

    @property
    def days(self) -> int:
        return (self.planned_end - self.start).days + 1

    def day_number(self, today: datetime.date | None = None) -> int:
        """Day N of `days`: from dates, never from a counter."""
        today = today or timezone.localdate()
        return (today - self.start).days + 1


class QuarantineChange(models.Model):
    """Extensions, shortenings, room moves and endings of a quarantine, with who, when and why."""

    class Kind(models.TextChoices):
        START = "start", _("Started")
        EXTEND = "extend", _("Extended")
        SHORTEN = "shorten", _("Shortened")
        MOVE = "move", _("Moved room")
        END = "end", _("Ended")

    quarantine = models.ForeignKey(
        Quarantine, verbose_name=_("quarantine"), related_name="changes", on_delete=models.CASCADE
    )
    kind = models.CharField(_("change"), max_length=10, choices=Kind.choices)
    old_end = models.DateField(_("old last day"), null=True, blank=True)
    new_end = models.DateField(_("new last day"), null=True, blank=True)
    room = models.ForeignKey(
        Room, verbose_name=_("room"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("reason"), max_length=200, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("quarantine change")
        verbose_name_plural = _("quarantine changes")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.new_end or ''}"


class Symptom(models.TextChoices):
    FEVER = "fever", _("Fever")
    COUGH = "cough", _("Cough")
    FATIGUE = "fatigue", _("Fatigue")
    SORE_THROAT = "sore_throat", _("Sore throat")
    BREATHING = "breathing", _("Short of breath")
    DIARRHOEA = "diarrhoea", _("Diarrhoea")
    TASTE = "taste", _("Loss of taste or smell")


class CheckSource(models.TextChoices):
    HEALTH_WORKER = "health", _("Health worker")
    SELF = "self", _("Self-reported")
    CARE_CALL = "call", _("Care call")


class HealthCheck(GridScopedModel):
    """One temperature/symptom reading of one person."""

    scope = ScopeRule(roles={**STAFF_SCOPE, Role.RESIDENT: "household"}, grid="grid", household="household")

    resident = models.ForeignKey(
        "people.Resident", verbose_name=_("person"), related_name="health_checks", on_delete=models.CASCADE
    )
    household = models.ForeignKey(
        "places.Household",
        verbose_name=_("household"),
        null=True,
        blank=True,
        related_name="health_checks",
        on_delete=models.SET_NULL,
    )
    quarantine = models.ForeignKey(
        Quarantine,
        verbose_name=_("quarantine"),
        null=True,
        blank=True,
        related_name="checks",
        on_delete=models.SET_NULL,
    )
    date = models.DateField(_("date"))
    temperature = models.DecimalField(_("temperature"), max_digits=3, decimal_places=1, null=True, blank=True)
    symptoms = models.CharField(
        _("symptoms"), max_length=120, blank=True, help_text=_("Space-separated codes.")
    )
    abnormal = models.BooleanField(_("abnormal"), default=False)
    source = models.CharField(_("source"), max_length=8, choices=CheckSource.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("health check")
        verbose_name_plural = _("health checks")
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["resident", "recorded_at"], name="epi_check_person_time")]

    def __str__(self) -> str:
        return f"{self.date} {self.temperature or ''}"

    def audit_label(self) -> str:
        return f"{self.resident.name} · {self.date:%m-%d}"

    def symptom_list(self) -> list[str]:
        return self.symptoms.split()
