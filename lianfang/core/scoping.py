"""The one scoping rule: every read of a scoped model goes through `visible_to(user)`.

A scoped model declares how each role reaches it:

    class Resident(models.Model):
        scope = ScopeRule(path="path", grid="grid", household="household",
                          roles={Role.COMMAND: "path", Role.GRID: "grid", Role.RESIDENT: "household"})
        objects = ScopedManager()

Modes: "path" — the row's materialized area path starts with the user's scope path;
"grid" — the row belongs to the user's grid; "household" — the user's own household;
"gate" — the user's gate. A role absent from `roles` sees nothing; so does a user without a scope.
Out of scope is treated exactly like "does not exist" (404) by views and the API.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models

if TYPE_CHECKING:
    from lianfang.accounts.models import User


@dataclass(frozen=True)
class ScopeRule:
    roles: Mapping[Any, str]  # Role (a str enum) -> mode
    path: str | None = "path"
    grid: str | None = None
    household: str | None = None
    gate: str | None = None

    def q_for(self, user: User | Any) -> models.Q | None:
        """The filter for this user, or None when the user may see nothing."""
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return None
        if user.is_superuser:
            return models.Q()
        mode = self.roles.get(user.role)
        if mode == "path" and self.path:
            scope_path = user.scope_path
            return models.Q(**{f"{self.path}__startswith": scope_path}) if scope_path else None
        if mode == "grid" and self.grid and user.grid_id:
            return models.Q(**{self.grid: user.grid_id})
        if mode == "household" and self.household and user.household_id:
            return models.Q(**{self.household: user.household_id})
        if mode == "gate" and self.gate and user.gate_id:
            return models.Q(**{self.gate: user.gate_id})
        return None


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> ScopedQuerySet:
        rule: ScopeRule = self.model.scope  # type: ignore[attr-defined]
        q = rule.q_for(user)
        if q is None:
            return self.none()
        return self.filter(q)


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):  # type: ignore[misc]
    pass
