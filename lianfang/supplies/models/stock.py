"""Items, stores, lots, balances and the ledger (see the package's docstring)."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianfang.core.errors import DomainError
from lianfang.core.models import PATH_INDEX_OPCLASS, ScopedModel
from lianfang.core.roles import SUPPLY_SCOPE
from lianfang.core.scoping import ScopedManager, ScopedQuerySet, ScopeRule

QTY_MAX = 10_000_000  # one movement; a city's whole stock of an item fits a bigint balance
ID_MAX = 2**62  # an id typed into a form or a query: beyond any row, within a bigint


class ItemCategory(models.TextChoices):
    PROTECTIVE = "protective", _("Protective")
    MEDICAL = "medical", _("Medical")
    FOOD = "food", _("Food")
    DISINFECTION = "disinfection", _("Disinfection")
    OTHER = "other", _("Other")


class Item(models.Model):
    """An article of the city's catalogue (口罩, 大米...). A scarce item has a limit per household per
    period."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    unit = models.CharField(_("unit"), max_length=10, help_text=_("What one counts: 只, 盒, 袋, 瓶..."))
    category = models.CharField(_("category"), max_length=15, choices=ItemCategory.choices)
    household_limit = models.PositiveIntegerField(
        _("limit per household"),
        null=True,
        blank=True,
        help_text=_("Scarce items: at most this many to one household per period (empty: no limit)."),
    )
    limit_days = models.PositiveSmallIntegerField(_("limit period (days)"), default=7)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["category", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(limit_days__gte=1, limit_days__lte=366),
                name="%(app_label)s_%(class)s_period",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class LocationKind(models.TextChoices):
    CITY_WAREHOUSE = "city", _("City warehouse")
    DISTRICT_WAREHOUSE = "district", _("District warehouse")
    COMMUNITY_STORE = "community", _("Community store")
    CHECKPOINT = "checkpoint", _("Checkpoint")


class Location(ScopedModel):
    """A place that holds stock: a warehouse of the city or a district, a community's store, a checkpoint
    (its gate). `path` is its area's path (a checkpoint: its gate's)."""

    scope = ScopeRule(roles=SUPPLY_SCOPE, gate="gate")

    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=12, choices=LocationKind.choices)
    area = models.ForeignKey(
        "places.Area", verbose_name=_("area"), related_name="stock_locations", on_delete=models.PROTECT
    )
    gate = models.ForeignKey(
        "places.Gate",
        verbose_name=_("gate"),
        null=True,
        blank=True,
        related_name="stock_locations",
        on_delete=models.PROTECT,
    )
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("store")
        verbose_name_plural = _("stores")
        ordering = ["path", "kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="checkpoint", gate__isnull=False)
                | (~models.Q(kind="checkpoint") & models.Q(gate__isnull=True)),
                name="%(app_label)s_%(class)s_gate_iff_checkpoint",
            ),
            models.UniqueConstraint(fields=["area", "name"], name="%(app_label)s_%(class)s_unique_name"),
        ]
        indexes = [
            models.Index(fields=["path"], name="supplies_location_path_like", opclasses=PATH_INDEX_OPCLASS)
        ]

    def __str__(self) -> str:
        return self.name


class Lot(models.Model):
    """A batch of one item with its code and expiry date. Stock received without either goes to the item's
    lot with an empty code and no expiry."""

    item = models.ForeignKey(Item, verbose_name=_("item"), related_name="lots", on_delete=models.PROTECT)
    code = models.CharField(_("lot"), max_length=40, blank=True, default="")
    expires_on = models.DateField(_("expires"), null=True, blank=True)

    class Meta:
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        ordering = ["item_id", models.F("expires_on").asc(nulls_last=True), "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "code", "expires_on"],
                name="%(app_label)s_%(class)s_unique",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        label = self.code or str(_("no lot"))
        return f"{label} ({self.expires_on:%Y-%m-%d})" if self.expires_on else label

    def expired(self, today: datetime.date) -> bool:
        return self.expires_on is not None and self.expires_on < today


class Balance(models.Model):
    """The stock of one lot of an item at a location: written only by the ledger, never below zero."""

    scope = ScopeRule(roles=SUPPLY_SCOPE, path="location__path", gate="location__gate")

    location = models.ForeignKey(
        Location, verbose_name=_("store"), related_name="balances", on_delete=models.PROTECT, db_index=False
    )
    item = models.ForeignKey(
        Item, verbose_name=_("item"), related_name="+", on_delete=models.PROTECT, db_index=False
    )
    lot = models.ForeignKey(
        Lot, verbose_name=_("lot"), related_name="balances", on_delete=models.PROTECT, db_index=False
    )
    quantity = models.BigIntegerField(_("quantity"), default=0)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("balance")
        verbose_name_plural = _("balances")
        ordering = ["location_id", "item_id", "lot_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["location", "item", "lot"], name="%(app_label)s_%(class)s_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=0), name="%(app_label)s_%(class)s_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.location_id}/{self.item_id}/{self.lot_id}: {self.quantity}"


class MovementKind(models.TextChoices):
    RECEIVE = "receive", _("Received")
    TRANSFER_OUT = "transfer_out", _("Sent (in transit)")
    TRANSFER_IN = "transfer_in", _("Received from transit")
    ISSUE = "issue", _("Issued")
    ADJUST = "adjust", _("Adjusted")
    WRITE_OFF = "write_off", _("Written off")
    RETURN = "return", _("Returned")
    REVERSAL = "reversal", _("Reversal")


# The direction of each kind: +1 adds to the balance, -1 takes from it; 0: either (an adjustment says which,
# a reversal goes against the movement it reverses).
KIND_DIRECTION: dict[str, int] = {
    MovementKind.RECEIVE: 1,
    MovementKind.TRANSFER_IN: 1,
    MovementKind.RETURN: 1,
    MovementKind.TRANSFER_OUT: -1,
    MovementKind.ISSUE: -1,
    MovementKind.WRITE_OFF: -1,
    MovementKind.ADJUST: 0,
    MovementKind.REVERSAL: 0,
}


class IssueTo(models.TextChoices):
    HOUSEHOLD = "household", _("A household")
    CHECKPOINT = "checkpoint", _("A checkpoint")
    CARE_TEAM = "care_team", _("A care team")
    OTHER = "other", _("Other")


class LedgerIsAppendOnly(DomainError):
    def __init__(self) -> None:
        super().__init__(
            "movement_immutable",
            _("A posted movement is never changed or deleted: post a reversing movement instead."),
            status=409,
        )


class MovementQuerySet(ScopedQuerySet):
    def update(self, **kwargs: Any) -> int:
        raise LedgerIsAppendOnly

    def delete(self) -> Any:
        raise LedgerIsAppendOnly


class MovementManager(ScopedManager.from_queryset(MovementQuerySet)):  # type: ignore[misc]
    pass


class Movement(ScopedModel):
    """One line of the ledger: `quantity` (> 0) of a lot in or out of a location (`direction` +1 / -1).
    Posted by `ledger.post_movements` only; never changed or deleted."""

    scope = ScopeRule(roles=SUPPLY_SCOPE, gate="location__gate")

    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(_("kind"), max_length=12, choices=MovementKind.choices)
    location = models.ForeignKey(
        Location, verbose_name=_("store"), related_name="movements", on_delete=models.PROTECT, db_index=False
    )
    item = models.ForeignKey(
        Item, verbose_name=_("item"), related_name="movements", on_delete=models.PROTECT, db_index=False
    )
    lot = models.ForeignKey(
        Lot, verbose_name=_("lot"), related_name="movements", on_delete=models.PROTECT, db_index=False
    )
    quantity = models.BigIntegerField(_("quantity"))
    direction = models.SmallIntegerField(_("direction"))
    at = models.DateTimeField(_("time"), default=timezone.now)
    effective_day = models.DateField(_("day"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        related_name="+",
        on_delete=models.PROTECT,
        db_index=False,
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True, default="")
    issued_to = models.CharField(
        _("issued to"), max_length=12, choices=IssueTo.choices, blank=True, default=""
    )
    household = models.ForeignKey(
        "places.Household",
        verbose_name=_("household"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
        db_index=False,
    )
    counterpart = models.ForeignKey(
        Location,
        verbose_name=_("other store"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
        db_index=False,
    )
    request = models.ForeignKey(
        "supplies.Request",
        verbose_name=_("request"),
        null=True,
        blank=True,
        related_name="movements",
        on_delete=models.PROTECT,
        db_index=False,
    )
    donation = models.ForeignKey(
        "supplies.Donation",
        verbose_name=_("donation"),
        null=True,
        blank=True,
        related_name="movements",
        on_delete=models.PROTECT,
        db_index=False,
    )
    stocktake = models.ForeignKey(
        "supplies.StockTake",
        verbose_name=_("stock-take"),
        null=True,
        blank=True,
        related_name="movements",
        on_delete=models.PROTECT,
        db_index=False,
    )
    reverses = models.ForeignKey(
        "self",
        verbose_name=_("reverses"),
        null=True,
        blank=True,
        related_name="reversed_by",
        on_delete=models.PROTECT,
        db_index=False,
    )
    # What a posting was for, as text ("kit:<delivery id>"), for movements of upper apps.
    reference = models.CharField(_("reference"), max_length=40, blank=True, default="")

    # The scoped manager, whose querysets refuse update() and delete() (mypy: a narrower manager than the
    # base's).
    objects = MovementManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("movement")
        verbose_name_plural = _("movements")
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="%(app_label)s_%(class)s_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(direction__in=[1, -1]), name="%(app_label)s_%(class)s_direction"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["receive", "transfer_in", "return"], direction=1)
                | models.Q(kind__in=["transfer_out", "issue", "write_off"], direction=-1)
                | models.Q(kind__in=["adjust", "reversal"]),
                name="%(app_label)s_%(class)s_kind_direction",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="reversal", reverses__isnull=False)
                | (~models.Q(kind="reversal") & models.Q(reverses__isnull=True)),
                name="%(app_label)s_%(class)s_reversal_names_its_movement",
            ),
            # A movement is reversed once (a partial index: the ledger's other rows carry no entry).
            models.UniqueConstraint(
                fields=["reverses"],
                condition=models.Q(reverses__isnull=False),
                name="%(app_label)s_%(class)s_reversed_once",
            ),
        ]
        # The foreign keys carry no index of their own (each is one more write per movement): the lookups
        # the app makes have these, partial where most rows have no value.
        indexes = [
            models.Index(fields=["path"], name="supplies_movement_path_like", opclasses=PATH_INDEX_OPCLASS),
            models.Index(fields=["location", "item", "at"], name="supplies_movement_loc_item_at"),
            models.Index(
                fields=["household", "item", "at"],
                name="supplies_movement_household",
                condition=models.Q(household__isnull=False),
            ),
            models.Index(
                fields=["reference"], name="supplies_movement_reference", condition=~models.Q(reference="")
            ),
            models.Index(
                fields=["request"],
                name="supplies_movement_request",
                condition=models.Q(request__isnull=False),
            ),
            models.Index(
                fields=["donation"],
                name="supplies_movement_donation",
                condition=models.Q(donation__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.direction * self.quantity} {self.item_id}@{self.location_id}"

    @property
    def reversible(self) -> bool:
        """A reversal is not reversed (post the movement again), nor is one side of a transfer: its request
        would still say the stock is on its way, and the same stock would be counted twice."""
        return self.kind not in (MovementKind.REVERSAL, MovementKind.TRANSFER_OUT, MovementKind.TRANSFER_IN)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise LedgerIsAppendOnly
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise LedgerIsAppendOnly

    @property
    def delta(self) -> int:
        return int(self.direction) * int(self.quantity)


class Threshold(models.Model):
    """The minimum stock of an item at a location, and optionally the days of cover it must hold at the
    rate of the last 7 days' issues. `low_since` is set when the stock crossed below (one alert per crossing)
    and cleared when it rose back to the level (the alert is armed again)."""

    scope = ScopeRule(roles=SUPPLY_SCOPE, path="location__path", gate="location__gate")

    location = models.ForeignKey(
        Location, verbose_name=_("store"), related_name="thresholds", on_delete=models.CASCADE
    )
    item = models.ForeignKey(Item, verbose_name=_("item"), related_name="+", on_delete=models.CASCADE)
    minimum = models.PositiveIntegerField(_("minimum"), default=0)
    days_of_cover = models.PositiveSmallIntegerField(_("days of cover"), null=True, blank=True)
    low_since = models.DateTimeField(_("low since"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("minimum stock")
        verbose_name_plural = _("minimum stock")
        constraints = [
            models.UniqueConstraint(fields=["location", "item"], name="%(app_label)s_%(class)s_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.location_id}/{self.item_id} ≥ {self.minimum}"


class KitComponent(models.Model):
    """One line of a kit's bill of materials: `quantity` of `item` in every kit of care's template. A kit
    delivered to a household issues each component from the community's store (`ledger.issue_kit`)."""

    template = models.ForeignKey(
        "care.KitTemplate", verbose_name=_("kit"), related_name="components", on_delete=models.CASCADE
    )
    item = models.ForeignKey(Item, verbose_name=_("item"), related_name="+", on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        verbose_name = _("kit component")
        verbose_name_plural = _("kit components")
        ordering = ["template_id", "item__name"]
        constraints = [
            models.UniqueConstraint(fields=["template", "item"], name="%(app_label)s_%(class)s_unique"),
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="%(app_label)s_%(class)s_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} × {self.quantity}"
