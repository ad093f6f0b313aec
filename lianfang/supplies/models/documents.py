"""Donations, requests and stock-takes: the documents behind movements."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianfang.core.models import PATH_INDEX_OPCLASS, ScopedModel
from lianfang.core.roles import SUPPLY_SCOPE
from lianfang.core.scoping import ScopeRule
from lianfang.supplies.models.stock import Item, Location, Lot


# ------------------------------------------------------------------ donations
class DonorKind(models.TextChoices):
    PERSON = "person", _("A person")
    COMPANY = "company", _("A company or organisation")
    ANONYMOUS = "anonymous", _("Anonymous")


class DonationStatus(models.TextChoices):
    PLEDGED = "pledged", _("Pledged")
    RECEIVED = "received", _("Received")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    CANCELLED = "cancelled", _("Cancelled")


class Donation(ScopedModel):
    """Goods given to a store: pledged, received (each line into a lot, a `receive` movement), then
    acknowledged with a receipt number and a thank-you receipt. The donor's name is public only if
    `name_public` (they agreed)."""

    scope = ScopeRule(roles=SUPPLY_SCOPE, gate="location__gate")

    location = models.ForeignKey(
        Location, verbose_name=_("store"), related_name="donations", on_delete=models.PROTECT
    )
    donor_kind = models.CharField(_("donor"), max_length=10, choices=DonorKind.choices)
    donor_name = models.CharField(_("donor's name"), max_length=100, blank=True, default="")
    donor_contact = models.CharField(_("donor's contact"), max_length=100, blank=True, default="")
    name_public = models.BooleanField(_("the donor agrees to be named in public"), default=False)
    status = models.CharField(
        _("status"), max_length=12, choices=DonationStatus.choices, default=DonationStatus.PLEDGED
    )
    note = models.CharField(_("note"), max_length=200, blank=True, default="")
    pledged_at = models.DateTimeField(_("pledged"), default=timezone.now)
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    receipt_number = models.CharField(_("receipt number"), max_length=30, null=True, blank=True, unique=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, related_name="+", on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        ordering = ["-pledged_at", "-id"]
        indexes = [
            models.Index(fields=["path"], name="supplies_donation_path_like", opclasses=PATH_INDEX_OPCLASS),
            models.Index(fields=["status", "received_at"], name="supplies_donation_status"),
        ]

    def __str__(self) -> str:
        return self.receipt_number or f"#{self.pk}"

    def donor_label(self) -> str:
        if self.donor_kind == DonorKind.ANONYMOUS or not self.donor_name:
            return str(_("Anonymous"))
        return self.donor_name


class DonationLine(models.Model):
    donation = models.ForeignKey(
        Donation, verbose_name=_("donation"), related_name="lines", on_delete=models.CASCADE
    )
    item = models.ForeignKey(Item, verbose_name=_("item"), related_name="+", on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField(_("quantity"))
    lot = models.ForeignKey(
        Lot, verbose_name=_("lot"), null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = _("donated item")
        verbose_name_plural = _("donated items")
        ordering = ["donation_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="%(app_label)s_%(class)s_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} × {self.quantity}"


# ------------------------------------------------------------------ requests
class RequestStatus(models.TextChoices):
    OPEN = "open", _("Asked")
    COMMITTED = "committed", _("Committed")
    SENT = "sent", _("Sent")
    PARTLY_RECEIVED = "partly", _("Partly received")
    RECEIVED = "received", _("Received")
    REFUSED = "refused", _("Refused")


class Request(ScopedModel):
    """A store asks the store above it (`supplier`) for items: the supplier commits what it can, sends it
    (`transfer_out`: in transit) and the requester receives it (`transfer_in`), partly or fully. A transfer
    without asking is a request made and committed by the sender. `path` is the requester's."""

    scope = ScopeRule(roles=SUPPLY_SCOPE, gate="requester__gate")

    requester = models.ForeignKey(
        Location, verbose_name=_("asked by"), related_name="requests", on_delete=models.PROTECT
    )
    supplier = models.ForeignKey(
        Location, verbose_name=_("asked of"), related_name="requests_in", on_delete=models.PROTECT
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    note = models.CharField(_("note"), max_length=200, blank=True, default="")
    created_at = models.DateTimeField(_("asked"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, related_name="+", on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["path"], name="supplies_request_path_like", opclasses=PATH_INDEX_OPCLASS),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"


class RequestLine(models.Model):
    request = models.ForeignKey(
        Request, verbose_name=_("request"), related_name="lines", on_delete=models.CASCADE
    )
    item = models.ForeignKey(Item, verbose_name=_("item"), related_name="+", on_delete=models.PROTECT)
    asked = models.PositiveIntegerField(_("asked"))
    committed = models.PositiveIntegerField(_("committed"), default=0)
    sent = models.PositiveIntegerField(_("sent"), default=0)
    received = models.PositiveIntegerField(_("received"), default=0)

    class Meta:
        verbose_name = _("requested item")
        verbose_name_plural = _("requested items")
        ordering = ["request_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "item"], name="%(app_label)s_%(class)s_unique"),
            models.CheckConstraint(condition=models.Q(asked__gt=0), name="%(app_label)s_%(class)s_positive"),
            models.CheckConstraint(
                condition=models.Q(received__lte=models.F("sent"), sent__lte=models.F("committed")),
                name="%(app_label)s_%(class)s_flow",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} × {self.asked}"

    @property
    def in_transit(self) -> int:
        return self.sent - self.received


# ------------------------------------------------------------------ stock-take
class StockTakeStatus(models.TextChoices):
    COUNTED = "counted", _("Counted, awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class StockTake(ScopedModel):
    """A count of a store against the book. Its differences are posted as adjustments when a second
    person approves it (never the one who counted)."""

    scope = ScopeRule(roles=SUPPLY_SCOPE, gate="location__gate")

    location = models.ForeignKey(
        Location, verbose_name=_("store"), related_name="stocktakes", on_delete=models.PROTECT
    )
    status = models.CharField(
        _("status"), max_length=10, choices=StockTakeStatus.choices, default=StockTakeStatus.COUNTED
    )
    counted_at = models.DateTimeField(_("counted"), default=timezone.now)
    counted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("counted by"),
        null=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    note = models.CharField(_("note"), max_length=200, blank=True, default="")

    class Meta:
        verbose_name = _("stock-take")
        verbose_name_plural = _("stock-takes")
        ordering = ["-counted_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk}"


class StockTakeLine(models.Model):
    stocktake = models.ForeignKey(
        StockTake, verbose_name=_("stock-take"), related_name="lines", on_delete=models.CASCADE
    )
    item = models.ForeignKey(Item, verbose_name=_("item"), related_name="+", on_delete=models.PROTECT)
    lot = models.ForeignKey(Lot, verbose_name=_("lot"), related_name="+", on_delete=models.PROTECT)
    book = models.BigIntegerField(_("book"))
    counted = models.BigIntegerField(_("counted"))

    class Meta:
        verbose_name = _("counted line")
        verbose_name_plural = _("counted lines")
        ordering = ["stocktake_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["stocktake", "lot"], name="%(app_label)s_%(class)s_unique"),
            models.CheckConstraint(
                condition=models.Q(counted__gte=0, book__gte=0), name="%(app_label)s_%(class)s_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lot_id}: {self.counted}"

    @property
    def difference(self) -> int:
        return int(self.counted) - int(self.book)
