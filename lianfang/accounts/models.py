from __future__ import annotations

import hashlib
import secrets
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from lianfang.core.roles import AREA_ROLES, Role
from lianfang.core.scoping import ScopedQuerySet, ScopeRule


class ScopedUserManager(UserManager.from_queryset(ScopedQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    """A staff member, volunteer or resident. Role says what; area/grid/gate/household says where."""

    scope = ScopeRule(
        roles={Role.COMMAND: "path", Role.COMMUNITY: "path"},
        path="scope_path_cache",
    )

    name = models.CharField(_("full name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.RESIDENT)
    area = models.ForeignKey(
        "places.Area",
        verbose_name=_("area"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
    )
    grid = models.ForeignKey(
        "places.Grid",
        verbose_name=_("grid"),
        null=True,
        blank=True,
        related_name="workers",
        on_delete=models.PROTECT,
    )
    gate = models.ForeignKey(
        "places.Gate",
        verbose_name=_("gate"),
        null=True,
        blank=True,
        related_name="guards",
        on_delete=models.PROTECT,
    )
    household = models.ForeignKey(
        "places.Household",
        verbose_name=_("household"),
        null=True,
        blank=True,
        related_name="accounts",
        on_delete=models.PROTECT,
    )
    # The path of the scope, kept in step by save() so that users can be scoped like any model.
    scope_path_cache = models.CharField(_("scope path"), max_length=255, blank=True, editable=False)

    objects: ClassVar[ScopedUserManager] = ScopedUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.name or self.username

    @property
    def scope_path(self) -> str:
        """The materialized path this user's scope starts at ('' means no scope)."""
        if self.role in AREA_ROLES and self.area is not None:
            return self.area.path
        if self.role == Role.GRID and self.grid is not None:
            return self.grid.path
        if self.role == Role.GATE and self.gate is not None:
            return self.gate.path
        if self.role == Role.RESIDENT and self.household is not None:
            return self.household.path
        return ""

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.scope_path_cache = self.scope_path
        super().save(*args, **kwargs)

    @property
    def scope_label(self) -> str:
        if self.role in AREA_ROLES and self.area is not None:
            return self.area.name
        if self.role == Role.GRID and self.grid is not None:
            return f"{self.grid.community.name} {self.grid.name}"
        if self.role == Role.GATE and self.gate_id:
            return str(self.gate)
        if self.role == Role.RESIDENT and self.household_id:
            return str(self.household)
        return str(_("no scope"))


class ApiToken(models.Model):
    """A staff API token (`Authorization: Bearer lf_...`). Only its SHA-256 digest is stored."""

    PREFIX = "lf_"

    user = models.ForeignKey(
        User, verbose_name=_("user"), related_name="api_tokens", on_delete=models.CASCADE
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} {self.name}"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, name: str = "") -> tuple[ApiToken, str]:
        raw = cls.PREFIX + secrets.token_urlsafe(32)
        return cls.objects.create(user=user, name=name, digest=cls.hash(raw)), raw
