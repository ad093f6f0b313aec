"""Mobilization (社区吹哨、党员报到): volunteers who report in to a community, calls for help they claim,
and the 24-hour gate roster with its gaps.

- `Volunteer`: one report-in of one person to one community (pending -> active / declined; active <-> paused;
  lapsed after the policy's months unless renewed). The ID number is kept as residents' are (core.idnumbers:
  keyed hash, ciphertext, region prefix and last four).
- `HelpCall` + `Claim`: a need posted by staff; volunteers claim until it is full, then wait.
- `RosterRule` (per gate) -> `Shift` rows for the next days -> `Assignment`s of volunteers to them. An
  assignment that ends (declined, swapped, no-show) stays as history; a new row takes its place.
- `LimitPolicy`: hours per 24 h and per 7 days and the minimum rest, inherited down the area tree.
- `HoursEntry`: hours typed by hand, counted once staff approve them.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianfang.core import idnumbers
from lianfang.core.models import PATH_INDEX_OPCLASS, ScopedModel
from lianfang.core.roles import MOBILIZE_SCOPE, ROSTER_SCOPE, Role
from lianfang.core.scoping import ScopedManager, ScopeRule


class VolunteerKind(models.TextChoices):
    PARTY_MEMBER = "party_member", _("Party member in post")
    VOLUNTEER = "volunteer", _("Volunteer")
    OFFICIAL = "official", _("Official sent down")


class VolunteerStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for acceptance")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    LAPSED = "lapsed", _("Lapsed")
    DECLINED = "declined", _("Declined")


class Skill(models.TextChoices):
    GATE = "gate", _("Gate duty")
    MEDICAL = "medical", _("Medical")
    DRIVING = "driving", _("Driving")
    DISINFECTION = "disinfection", _("Disinfection")
    PUBLICITY = "publicity", _("Publicity")
    TYPING = "typing", _("Registration and typing")
    DIALECT = "dialect", _("Local dialect")


class Volunteer(ScopedModel):
    """A person's report-in (报到) to a community, and once accepted, the volunteer."""

    scope = ScopeRule(roles=MOBILIZE_SCOPE)

    community = models.ForeignKey(
        "places.Area", verbose_name=_("community"), related_name="volunteers", on_delete=models.PROTECT
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        related_name="volunteerings",
        on_delete=models.SET_NULL,
    )
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20)
    id_hash = models.CharField(_("ID number hash"), max_length=64, editable=False)
    id_cipher = models.TextField(_("encrypted ID number"), editable=False)
    id_prefix = models.CharField(_("ID region"), max_length=6, editable=False)
    id_last4 = models.CharField(_("ID last four"), max_length=4, editable=False)
    kind = models.CharField(_("as"), max_length=15, choices=VolunteerKind.choices)
    employer = models.CharField(_("employer"), max_length=100, blank=True)
    skills = models.CharField(_("skills"), max_length=120, blank=True)
    availability = models.CharField(_("when I can serve"), max_length=200, blank=True)
    resident = models.ForeignKey(
        "people.Resident",
        verbose_name=_("resident"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=VolunteerStatus.choices, default=VolunteerStatus.PENDING
    )
    reported_at = models.DateTimeField(_("reported in"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    decline_reason = models.CharField(_("reason"), max_length=200, blank=True)
    lapses_on = models.DateField(_("lapses on"), null=True, blank=True)
    last_asked_at = models.DateTimeField(_("last asked"), null=True, blank=True)

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["path", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "id_hash"],
                condition=~models.Q(status="declined"),
                name="mobilize_volunteer_unique_person",
            ),
        ]
        indexes = [
            models.Index(fields=["path"], name="mobilize_volunteer_path_like", opclasses=PATH_INDEX_OPCLASS),
            models.Index(fields=["user", "status"], name="mobilize_volunteer_user"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_id(self) -> str:
        return idnumbers.mask(self.id_prefix, self.id_last4)

    @property
    def skill_list(self) -> list[str]:
        return [s for s in self.skills.split() if s]

    def skill_labels(self) -> list[str]:
        labels = dict(Skill.choices)
        return [str(labels.get(s, s)) for s in self.skill_list]


class LimitPolicy(models.Model):
    """Limits of an area, inherited down the tree (the nearest wins): hours per 24 h and per 7 days, the
    minimum rest between two duties, the months after which a report-in lapses unless renewed."""

    scope = ScopeRule(roles={Role.COMMAND: "path", Role.COMMUNITY: "path"}, path="area__path")

    area = models.OneToOneField(
        "places.Area", verbose_name=_("area"), related_name="limit_policy", on_delete=models.CASCADE
    )
    hours_per_day = models.PositiveSmallIntegerField(_("hours per 24 hours"), default=12)
    hours_per_week = models.PositiveSmallIntegerField(_("hours per 7 days"), default=48)
    min_rest_hours = models.PositiveSmallIntegerField(_("minimum rest (hours)"), default=8)
    lapse_months = models.PositiveSmallIntegerField(_("report-in lapses after (months)"), default=6)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("limit policy")
        verbose_name_plural = _("limit policies")

    def __str__(self) -> str:
        return str(self.area)


class CallKind(models.TextChoices):
    GATE = "gate", _("Gate duty")
    BUILDING = "building", _("Building watch")
    PATROL = "patrol", _("Patrol")
    DISINFECTION = "disinfection", _("Disinfection")
    PUBLICITY = "publicity", _("Publicity")
    ERRANDS = "errands", _("Errands")
    REGISTRATION = "registration", _("Registration")


class CallStatus(models.TextChoices):
    OPEN = "open", _("Open")
    FULL = "full", _("Full")
    ESCALATED = "escalated", _("Escalated to the street")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class HelpCall(ScopedModel):
    """A call for help (吹哨): staff of a community need `head_count` people for a task at a place and time.
    `audience_path` is who may claim it: the community's volunteers, or the whole street's."""

    scope = ScopeRule(roles=MOBILIZE_SCOPE)

    community = models.ForeignKey(
        "places.Area", verbose_name=_("community"), related_name="help_calls", on_delete=models.PROTECT
    )
    kind = models.CharField(_("kind"), max_length=15, choices=CallKind.choices)
    place = models.CharField(_("place"), max_length=100)
    details = models.CharField(_("details"), max_length=300, blank=True)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    head_count = models.PositiveSmallIntegerField(_("people needed"))
    skills = models.CharField(_("skills"), max_length=120, blank=True)
    deadline = models.DateTimeField(_("fill by"))
    audience_path = models.CharField(_("open to"), max_length=255)
    status = models.CharField(_("status"), max_length=10, choices=CallStatus.choices, default=CallStatus.OPEN)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("posted by"),
        null=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    posted_at = models.DateTimeField(_("posted"), default=timezone.now)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)

    class Meta:
        verbose_name = _("call for help")
        verbose_name_plural = _("calls for help")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="mobilize_helpcall_window"
            ),
            models.CheckConstraint(
                condition=models.Q(head_count__gte=1), name="mobilize_helpcall_head_count"
            ),
        ]
        indexes = [
            models.Index(fields=["path"], name="mobilize_helpcall_path_like", opclasses=PATH_INDEX_OPCLASS),
            models.Index(fields=["audience_path", "status"], name="mobilize_helpcall_audience"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.place}"

    @property
    def hours(self) -> Decimal:
        return Decimal(round((self.ends_at - self.starts_at).total_seconds() / 3600, 2))


class ClaimStatus(models.TextChoices):
    CLAIMED = "claimed", _("Claimed")
    WAITING = "waiting", _("On the wait list")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    ATTENDED = "attended", _("Attended")
    ABSENT = "absent", _("Absent")


# A claim that holds one of the call's places.
HOLDING_CLAIMS = (ClaimStatus.CLAIMED, ClaimStatus.ATTENDED)


class Claim(models.Model):
    scope = ScopeRule(roles=MOBILIZE_SCOPE, path="call__path")

    call = models.ForeignKey(
        HelpCall, verbose_name=_("call"), related_name="claims", on_delete=models.CASCADE
    )
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), related_name="claims", on_delete=models.CASCADE
    )
    status = models.CharField(_("status"), max_length=10, choices=ClaimStatus.choices)
    claimed_at = models.DateTimeField(_("claimed"), default=timezone.now)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["claimed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["call", "volunteer"], name="mobilize_claim_once"),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id}@{self.call_id} {self.status}"


class ShiftPattern(models.TextChoices):
    THREE_BY_EIGHT = "3x8", _("3 shifts of 8 hours")
    FOUR_BY_SIX = "4x6", _("4 shifts of 6 hours")


PATTERN_HOURS = {ShiftPattern.THREE_BY_EIGHT: 8, ShiftPattern.FOUR_BY_SIX: 6}


class RosterRule(ScopedModel):
    """How a gate is kept around the clock: people per shift, the shift pattern and the hour the first
    shift of a day starts (7 with 3x8: 07-15, 15-23, 23-07 across midnight), and the lead volunteer."""

    scope = ScopeRule(roles=ROSTER_SCOPE, gate="gate")

    gate = models.OneToOneField(
        "places.Gate", verbose_name=_("gate"), related_name="roster_rule", on_delete=models.CASCADE
    )
    people_per_shift = models.PositiveSmallIntegerField(_("people per shift"), default=2)
    pattern = models.CharField(
        _("shift pattern"), max_length=3, choices=ShiftPattern.choices, default=ShiftPattern.THREE_BY_EIGHT
    )
    first_hour = models.PositiveSmallIntegerField(_("first shift starts at (hour)"), default=0)
    lead = models.ForeignKey(
        Volunteer, verbose_name=_("lead"), null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("roster rule")
        verbose_name_plural = _("roster rules")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(first_hour__lt=24), name="mobilize_rosterrule_first_hour"
            ),
            models.CheckConstraint(
                condition=models.Q(people_per_shift__gte=1, people_per_shift__lte=20),
                name="mobilize_rosterrule_people",
            ),
        ]
        indexes = [
            models.Index(fields=["path"], name="mobilize_rosterrule_path_like", opclasses=PATH_INDEX_OPCLASS)
        ]

    def __str__(self) -> str:
        return str(self.gate)

    @property
    def hours(self) -> int:
        return PATTERN_HOURS[ShiftPattern(self.pattern)]


class Shift(ScopedModel):
    """One duty period at a gate, generated from its rule (`needed` copied from it).

    `n_covering`, `n_invited`, `n_checked_in` count its live assignments (accepted or checked in or out;
    invited; checked in or out). They are kept by PostgreSQL itself: statement triggers on the assignments
    add the difference each INSERT, UPDATE or DELETE makes (migration 0002), so that no writer can forget
    them and two concurrent changes of one shift both count (`n = n + delta` under the row's lock). The gap
    view reads them instead of counting a city's assignments on every request."""

    scope = ScopeRule(roles=ROSTER_SCOPE, gate="gate")

    gate = models.ForeignKey(
        "places.Gate", verbose_name=_("gate"), related_name="shifts", on_delete=models.CASCADE
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    needed = models.PositiveSmallIntegerField(_("people needed"))
    n_covering = models.PositiveSmallIntegerField(
        _("people confirmed"), default=0, db_default=0, editable=False
    )
    n_invited = models.PositiveSmallIntegerField(_("people invited"), default=0, db_default=0, editable=False)
    n_checked_in = models.PositiveSmallIntegerField(
        _("people checked in"), default=0, db_default=0, editable=False
    )

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["starts_at", "gate_id"]
        constraints = [
            models.UniqueConstraint(fields=["gate", "starts_at"], name="mobilize_shift_unique_start"),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="mobilize_shift_window"
            ),
        ]
        indexes = [
            models.Index(fields=["path"], name="mobilize_shift_path_like", opclasses=PATH_INDEX_OPCLASS),
            models.Index(fields=["starts_at"], name="mobilize_shift_starts"),
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return f"{self.gate_id} {local:%m-%d %H:%M}"

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600


class AssignmentStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    CHECKED_IN = "checked_in", _("Checked in")
    CHECKED_OUT = "checked_out", _("Checked out")
    NO_SHOW = "no_show", _("No-show")
    DROPPED = "dropped", _("Dropped")
    SWAPPED = "swapped", _("Swapped")


# Statuses that take the volunteer's time (overlap and limits count them) ...
LIVE_ASSIGNMENTS = (
    AssignmentStatus.INVITED,
    AssignmentStatus.ACCEPTED,
    AssignmentStatus.CHECKED_IN,
    AssignmentStatus.CHECKED_OUT,
)
# ... and those that cover the shift (the gap view).
COVERING_ASSIGNMENTS = (AssignmentStatus.ACCEPTED, AssignmentStatus.CHECKED_IN, AssignmentStatus.CHECKED_OUT)


class Assignment(models.Model):
    """A volunteer on a shift. Rows are never deleted: a decline, a drop, a swap or a no-show ends the row
    (with who and why) and a new row takes the place."""

    scope = ScopeRule(roles=ROSTER_SCOPE, path="shift__path", gate="shift__gate")

    shift = models.ForeignKey(
        Shift, verbose_name=_("shift"), related_name="assignments", on_delete=models.CASCADE
    )
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), related_name="assignments", on_delete=models.CASCADE
    )
    status = models.CharField(_("status"), max_length=12, choices=AssignmentStatus.choices)
    is_lead = models.BooleanField(_("lead"), default=False)
    invited_at = models.DateTimeField(_("invited"), default=timezone.now)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ended by"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    end_reason = models.CharField(_("reason"), max_length=200, blank=True)
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("takes the place of"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["shift_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shift", "volunteer"],
                condition=models.Q(status__in=["invited", "accepted", "checked_in", "checked_out"]),
                name="mobilize_assignment_once",
            ),
        ]
        indexes = [
            models.Index(fields=["shift", "status"], name="mobilize_assignment_shift"),
            models.Index(fields=["volunteer", "status"], name="mobilize_assignment_volunteer"),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id}@{self.shift_id} {self.status}"

    @property
    def hours(self) -> float:
        if self.checked_in_at and self.checked_out_at:
            return round((self.checked_out_at - self.checked_in_at).total_seconds() / 3600, 2)
        return 0.0


class HoursStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class HoursEntry(ScopedModel):
    """Hours a volunteer typed by hand (work outside a shift or a call); counted once staff approve."""

    scope = ScopeRule(roles=MOBILIZE_SCOPE)

    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), related_name="hours_entries", on_delete=models.CASCADE
    )
    day = models.DateField(_("day"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    note = models.CharField(_("what was done"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=HoursStatus.choices, default=HoursStatus.PENDING
    )
    entered_at = models.DateTimeField(_("entered"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("hours entry")
        verbose_name_plural = _("hours entries")
        ordering = ["-day", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours__gt=0, hours__lte=24), name="mobilize_hoursentry_hours"
            ),
        ]
        indexes = [
            models.Index(fields=["path"], name="mobilize_hoursentry_path_like", opclasses=PATH_INDEX_OPCLASS)
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id} {self.day} {self.hours}"


def local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(0, 0)))
