"""Residents and what is known about them: household membership (with history), travel, visits."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianfang.core import idnumbers
from lianfang.core.models import PATH_INDEX_OPCLASS, GridScopedModel, ScopedModel
from lianfang.core.roles import PEOPLE_SCOPE, Role
from lianfang.core.scoping import ScopedManager, ScopeRule
from lianfang.places.models import Household


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Relation(models.TextChoices):
    HEAD = "head", _("Household head")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    GRANDCHILD = "grandchild", _("Grandchild")
    GRANDPARENT = "grandparent", _("Grandparent")
    SIBLING = "sibling", _("Sibling")
    TENANT = "tenant", _("Tenant")
    OTHER = "other", _("Other")


class Tag(models.TextChoices):
    """Vulnerable groups that staff must look after first."""

    ELDERLY_ALONE = "elderly_alone", _("Elderly living alone")
    DISABLED = "disabled", _("Disabled")
    PREGNANT = "pregnant", _("Pregnant")
    CHRONIC = "chronic", _("Chronic illness")
    INFANT = "infant", _("Infant")


class Resident(GridScopedModel):
    scope = ScopeRule(roles=PEOPLE_SCOPE, grid="grid", household="household")

    name = models.CharField(_("name"), max_length=50)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    # The ID number: keyed hash for matching, ciphertext for roles that need it, prefix/last4 for masks.
    id_hash = models.CharField(_("ID number hash"), max_length=64, null=True, blank=True, editable=False)
    id_cipher = models.TextField(_("encrypted ID number"), blank=True, editable=False)
    id_prefix = models.CharField(_("ID region"), max_length=6, blank=True, editable=False)
    id_last4 = models.CharField(_("ID last four"), max_length=4, blank=True, editable=False)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    phone_last4 = models.CharField(_("phone last four"), max_length=4, blank=True, editable=False)
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        null=True,
        blank=True,
        related_name="residents",
        on_delete=models.SET_NULL,
    )
    relation = models.CharField(
        _("relation to the household head"), max_length=12, choices=Relation.choices, default=Relation.OTHER
    )
    tags = models.CharField(_("tags"), max_length=120, blank=True, help_text=_("Vulnerable-group tags."))
    notes = models.TextField(_("notes"), blank=True)
    name_pinyin = models.CharField(_("pinyin"), max_length=200, blank=True, editable=False)
    name_initials = models.CharField(_("pinyin initials"), max_length=50, blank=True, editable=False)
    # Copied from the household for scoping (kept in step by services); empty while in no household.
    path = models.CharField(_("path"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["household_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["id_hash"], name="people_resident_unique_id"),
        ]
        indexes = [
            models.Index(fields=["path"], name="people_resident_path_like", opclasses=PATH_INDEX_OPCLASS),
            models.Index(fields=["name"], name="people_resident_name_like", opclasses=PATH_INDEX_OPCLASS),
            models.Index(
                fields=["name_initials"], name="people_resident_ini_like", opclasses=PATH_INDEX_OPCLASS
            ),
            models.Index(
                fields=["name_pinyin"], name="people_resident_py_like", opclasses=PATH_INDEX_OPCLASS
            ),
            models.Index(fields=["phone_last4"], name="people_resident_phone4"),
            models.Index(fields=["id_last4"], name="people_resident_id4"),
            models.Index(fields=["grid", "name"], name="people_resident_grid_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_id(self) -> str:
        return idnumbers.mask(self.id_prefix, self.id_last4)

    def full_id(self) -> str:
        """Decrypt the ID number. Callers audit the view (see people.services.reveal_id_number)."""
        return idnumbers.decrypt(self.id_cipher)

    @property
    def tag_list(self) -> list[str]:
        return [t for t in self.tags.split() if t]

    def tag_labels(self) -> list[str]:
        labels = dict(Tag.choices)
        return [str(labels.get(t, t)) for t in self.tag_list]

    def age(self, today: datetime.date | None = None) -> int | None:
        if not self.birth_date:
            return None
        today = today or timezone.localdate()
        b = self.birth_date
        return today.year - b.year - ((today.month, today.day) < (b.month, b.day))


class Membership(models.Model):
    """A resident's stay in a household; moves end one membership and open another."""

    scope = ScopeRule(
        roles=PEOPLE_SCOPE, path="household__path", grid="household__grid", household="household"
    )

    resident = models.ForeignKey(
        Resident, verbose_name=_("resident"), related_name="memberships", on_delete=models.CASCADE
    )
    household = models.ForeignKey(
        Household, verbose_name=_("household"), related_name="memberships", on_delete=models.PROTECT
    )
    relation = models.CharField(
        _("relation"), max_length=12, choices=Relation.choices, default=Relation.OTHER
    )
    started = models.DateField(_("from"), default=datetime.date.today)
    ended = models.DateField(_("until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("household membership")
        verbose_name_plural = _("household memberships")
        ordering = ["resident_id", "started", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident"],
                condition=models.Q(ended__isnull=True),
                name="people_membership_one_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resident_id}@{self.household_id}"


class TravelSource(models.TextChoices):
    SELF_REPORT = "self", _("Self-reported")
    VISIT = "visit", _("Door-to-door visit")
    NOTICE = "notice", _("Notice from higher level")
    GATE = "gate", _("Registered at the gate")
    OTHER = "other", _("Other")


class TravelRecord(models.Model):
    """A returnee record (返乡人员): where from, when."""

    scope = ScopeRule(
        roles=PEOPLE_SCOPE, path="resident__path", grid="resident__grid", household="resident__household"
    )

    resident = models.ForeignKey(
        Resident, verbose_name=_("resident"), related_name="travels", on_delete=models.CASCADE
    )
    origin = models.CharField(_("returned from"), max_length=100)
    arrival_date = models.DateField(_("arrival date"))
    source = models.CharField(
        _("source"), max_length=10, choices=TravelSource.choices, default=TravelSource.VISIT
    )
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("travel record")
        verbose_name_plural = _("travel records")
        ordering = ["-arrival_date", "-id"]

    def __str__(self) -> str:
        return f"{self.origin} {self.arrival_date}"


class Visit(models.Model):
    """A door-to-door visit (走访摸排) of a household."""

    scope = ScopeRule(
        roles=PEOPLE_SCOPE, path="household__path", grid="household__grid", household="household"
    )

    household = models.ForeignKey(
        Household, verbose_name=_("household"), related_name="visits", on_delete=models.CASCADE
    )
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("visited by"), null=True, on_delete=models.SET_NULL
    )
    visited_at = models.DateTimeField(_("visited at"), default=timezone.now)
    findings = models.TextField(_("findings"), blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_at", "-id"]

    def __str__(self) -> str:
        return f"{self.household_id} {self.visited_at:%Y-%m-%d}"


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    PREVIEWED = "previewed", _("Checked, waiting for your choice")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportAction(models.TextChoices):
    PREVIEW = "preview", _("Check only")
    COMMIT_ALL = "all", _("Commit all (only if no errors)")
    COMMIT_VALID = "valid", _("Commit valid rows only")


class ImportJob(ScopedModel):
    """An uploaded resident file: checked first (the report), written only on an explicit choice."""

    scope = ScopeRule(roles={Role.COMMUNITY: "path"})

    community = models.ForeignKey(
        "places.Area", verbose_name=_("community"), related_name="+", on_delete=models.PROTECT
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    filename = models.CharField(_("file name"), max_length=200)
    status = models.CharField(
        _("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    action = models.CharField(
        _("action"), max_length=8, choices=ImportAction.choices, default=ImportAction.PREVIEW
    )
    progress = models.PositiveIntegerField(_("rows done"), default=0)
    total = models.PositiveIntegerField(_("rows"), default=0)
    report = models.JSONField(_("report"), default=dict, blank=True)
    message = models.CharField(_("message"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("resident import")
        verbose_name_plural = _("resident imports")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["path"], name="people_importjob_path_like", opclasses=PATH_INDEX_OPCLASS)
        ]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if not self.total:
            return 0
        return min(100, self.progress * 100 // self.total)

    @property
    def is_busy(self) -> bool:
        return self.status in (ImportStatus.PENDING, ImportStatus.RUNNING)
