"""Notices and letters (通告, 公开信, 倡议书) and who has read them.

A `Notice` is written as a draft with its audience (an area × who × tags), approved by a role that may
publish, then published: its recipient list is frozen into `Recipient` rows (one per household, or one per
person), written by one INSERT … SELECT, so that moves after publishing change nothing. Each recipient's
delivered, read and acknowledged times are kept on its row; the board of a grid reads them.

Deliveries over other channels (e-mail, SMS, webhooks) are `OutboxMessage` rows, one per delivery, each with a
unique idempotency key: the sender (notices.outbox) retries with back-off, respects the `ChannelPolicy` of its
channel (rates, quiet hours) and never sends one twice. A `PrintedSlip` is the tear-off slip of a printed
letter that the grid worker brought back: its delivery counts as the household's acknowledgement.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianfang.core.models import PATH_INDEX_OPCLASS, GridScopedModel, ScopedModel
from lianfang.core.roles import STAFF_SCOPE, Role
from lianfang.core.scoping import ScopedManager, ScopeRule


class NoticeKind(models.TextChoices):
    NOTICE = "notice", _("Notice (通告)")
    LETTER = "letter", _("Open letter / appeal (公开信·倡议书)")
    REMINDER = "reminder", _("Reminder")


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")


class AckUnit(models.TextChoices):
    HOUSEHOLD = "household", _("One acknowledgement per household")
    PERSON = "person", _("One acknowledgement per person")


class Audience(models.TextChoices):
    """Who in the area receives a notice. Households are reached through their page (the secret link and
    the resident's login); the other groups are user accounts of the area."""

    HOUSEHOLDS = "households", _("Residents (households)")
    STAFF = "staff", _("Community staff")
    GRID = "grid", _("Grid workers")
    VOLUNTEERS = "volunteers", _("Volunteers and party members")


AUDIENCE_ROLES = {
    Audience.STAFF: (Role.COMMUNITY, Role.HEALTH, Role.COMMAND),
    Audience.GRID: (Role.GRID,),
    Audience.VOLUNTEERS: (Role.VOLUNTEER,),
}


class AudienceTag(models.TextChoices):
    """Narrow the households: any of the tags chosen (none chosen: every household)."""

    QUARANTINED = "quarantined", _("In quarantine or sealed")
    VULNERABLE = "vulnerable", _("With a vulnerable member")
    RETURNEES = "returnees", _("With a returnee (14 days)")


# Who reads notices and their recipients: the staff of the area (a grid worker, of their grid).
NOTICE_SCOPE = {Role.COMMAND: "path", Role.COMMUNITY: "path", Role.HEALTH: "path"}


class Notice(ScopedModel):
    """A notice, letter or reminder, and its audience. `path` is the path of the audience's area: staff
    of that area and above read and manage it."""

    scope = ScopeRule(roles=NOTICE_SCOPE)

    kind = models.CharField(_("kind"), max_length=10, choices=NoticeKind.choices, default=NoticeKind.NOTICE)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), help_text=_("Plain text; a blank line starts a paragraph, **bold**."))
    attachment = models.FileField(_("attachment"), upload_to="notices/%Y/%m/", blank=True)
    ack_unit = models.CharField(
        _("acknowledged by"), max_length=10, choices=AckUnit.choices, default=AckUnit.HOUSEHOLD
    )
    status = models.CharField(
        _("status"), max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.DRAFT
    )
    # The audience.
    area = models.ForeignKey(
        "places.Area", verbose_name=_("area"), related_name="+", on_delete=models.PROTECT
    )
    compound = models.ForeignKey(
        "places.Compound",
        verbose_name=_("compound"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
    )
    audiences = models.CharField(_("who"), max_length=60, default=Audience.HOUSEHOLDS)
    tags = models.CharField(_("only households"), max_length=60, blank=True, default="")
    # The life of the notice.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["path"], name="notices_notice_path_like", opclasses=PATH_INDEX_OPCLASS)
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def audience_list(self) -> list[str]:
        return [a for a in self.audiences.split() if a]

    @property
    def tag_list(self) -> list[str]:
        return [t for t in self.tags.split() if t]

    def is_live(self, now: datetime.datetime | None = None) -> bool:
        """Published, not withdrawn, not past its expiry."""
        now = now or timezone.now()
        return self.status == NoticeStatus.PUBLISHED and (self.expires_at is None or self.expires_at > now)


class EscalationStep(models.IntegerChoices):
    APP = 0, _("In the app")
    SMS = 1, _("Text message")
    DOOR = 2, _("Door to door")


class AckVia(models.TextChoices):
    APP = "app", _("On the household's page")
    SLIP = "slip", _("Printed slip brought back")
    STAFF = "staff", _("In the app (staff)")


class Recipient(GridScopedModel):
    """One recipient of a published notice: a household (with `resident` for a per-person notice) or a user
    account. Frozen at publishing: `path` and `grid` are the household's at that moment."""

    scope = ScopeRule(roles=STAFF_SCOPE, grid="grid", household="household")

    notice = models.ForeignKey(
        Notice, verbose_name=_("notice"), related_name="recipients", on_delete=models.CASCADE
    )
    household = models.ForeignKey(
        "places.Household",
        verbose_name=_("household"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.CASCADE,
    )
    resident = models.ForeignKey(
        "people.Resident",
        verbose_name=_("person"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.CASCADE,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.CASCADE,
    )
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    ack_via = models.CharField(_("acknowledged through"), max_length=6, choices=AckVia.choices, blank=True)
    reminded_at = models.DateTimeField(_("last reminded"), null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(_("reminders"), default=0)
    step = models.PositiveSmallIntegerField(
        _("escalation"), choices=EscalationStep.choices, default=EscalationStep.APP
    )
    stepped_at = models.DateTimeField(_("escalated"), null=True, blank=True)

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        ordering = ["notice_id", "id"]
        indexes = [
            # The board of a grid, and the door-to-door list of a grid worker.
            models.Index(fields=["grid", "notice"], name="notices_recipient_grid"),
            models.Index(
                fields=["notice", "path"],
                name="notices_recipient_path",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            ),
            models.Index(fields=["household"], name="notices_recipient_household"),
            models.Index(
                fields=["user"], name="notices_recipient_user", condition=models.Q(user__isnull=False)
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "household"],
                condition=models.Q(resident__isnull=True, user__isnull=True),
                name="notices_recipient_one_household",
            ),
            models.UniqueConstraint(
                fields=["notice", "resident"],
                condition=models.Q(resident__isnull=False),
                name="notices_recipient_one_person",
            ),
            models.UniqueConstraint(
                fields=["notice", "user"],
                condition=models.Q(user__isnull=False),
                name="notices_recipient_one_account",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.notice_id}:{self.household_id or self.user_id}"


class Channel(models.TextChoices):
    APP = "app", _("In the app")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("Text message")
    WEBHOOK = "webhook", _("Webhook")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutboxMessage(models.Model):
    """One delivery over one channel. `key` is unique: the same delivery queued twice is one row, and the
    gateway is given it too (an SMS or webhook retried after a lost answer is not sent twice)."""

    scope = ScopeRule(roles=NOTICE_SCOPE, path="notice__path")

    key = models.CharField(_("idempotency key"), max_length=100, unique=True)
    notice = models.ForeignKey(
        Notice, verbose_name=_("notice"), null=True, blank=True, related_name="+", on_delete=models.CASCADE
    )
    recipient = models.ForeignKey(
        Recipient,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.CASCADE,
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    address = models.CharField(_("address"), max_length=300)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    status = models.CharField(
        _("status"), max_length=8, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_try = models.DateTimeField(_("next try"), default=timezone.now)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    provider_id = models.CharField(_("provider's id"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("queued"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["next_try"],
                name="notices_outbox_due",
                condition=models.Q(status__in=["pending", "sending"]),
            ),
            models.Index(
                fields=["address", "sent_at"],
                name="notices_outbox_address_sent",
                condition=models.Q(status="sent"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.address} {self.status}"


class ChannelPolicy(models.Model):
    """The limits of one channel: how many messages a second leave in all, how many one address may get
    a minute and a day (carriers: about 15 and 50 per number), the quiet hours (local time; none when
    both are equal), and how often "remind the rest" and each escalation step may come."""

    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, unique=True)
    per_second = models.PositiveIntegerField(_("messages a second"), default=1000)
    per_address_minute = models.PositiveIntegerField(_("per address a minute"), default=15)
    per_address_day = models.PositiveIntegerField(_("per address a day"), default=50)
    quiet_from = models.TimeField(_("quiet from"), default=datetime.time(22, 0))
    quiet_until = models.TimeField(_("quiet until"), default=datetime.time(7, 0))
    remind_minutes = models.PositiveIntegerField(_("remind at most every (minutes)"), default=240)
    escalate_minutes = models.PositiveIntegerField(_("next escalation step after (minutes)"), default=1440)
    max_attempts = models.PositiveSmallIntegerField(_("attempts"), default=6)

    class Meta:
        verbose_name = _("channel policy")
        verbose_name_plural = _("channel policies")

    def __str__(self) -> str:
        return self.channel

    def is_quiet(self, at: datetime.datetime) -> bool:
        t = timezone.localtime(at).time()
        if self.quiet_from == self.quiet_until:
            return False
        if self.quiet_from < self.quiet_until:
            return self.quiet_from <= t < self.quiet_until
        return t >= self.quiet_from or t < self.quiet_until

    def quiet_ends(self, at: datetime.datetime) -> datetime.datetime:
        """The first moment after `at` outside the quiet hours."""
        local = timezone.localtime(at)
        end = local.replace(
            hour=self.quiet_until.hour, minute=self.quiet_until.minute, second=0, microsecond=0
        )
        return end if end > local else end + datetime.timedelta(days=1)


class Reminder(models.Model):
    """One "remind the rest" of a notice (for a grid, or for the whole audience): at most one per channel
    policy's interval."""

    notice = models.ForeignKey(
        Notice, verbose_name=_("notice"), related_name="reminders", on_delete=models.CASCADE
    )
    grid = models.ForeignKey(
        "places.Grid",
        verbose_name=_("grid"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.CASCADE,
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, related_name="+", on_delete=models.SET_NULL
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    reached = models.PositiveIntegerField(_("reached"), default=0)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.notice_id} {self.at:%Y-%m-%d %H:%M}"


class PrintedSlip(models.Model):
    """The tear-off slip of a printed letter, signed by the household and brought back by the grid
    worker: one per notice and household; recording it acknowledges for the household."""

    scope = ScopeRule(roles=STAFF_SCOPE, path="recipient__path", grid="recipient__grid")

    recipient = models.OneToOneField(
        Recipient, verbose_name=_("recipient"), related_name="slip", on_delete=models.CASCADE
    )
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("brought back by"),
        null=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    delivered_at = models.DateTimeField(_("brought back"), default=timezone.now)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("printed slip")
        verbose_name_plural = _("printed slips")

    def __str__(self) -> str:
        return str(self.recipient_id)
