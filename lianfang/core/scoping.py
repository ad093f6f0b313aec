"""The one scoping rule, for reads and writes.

Reads: every read of a scoped model goes through `visible_to(user)`. A scoped model declares how each
role reaches it (the maps of `core.roles`) and uses the scoped manager (`core.models.ScopedModel` brings
both the manager and the `path` column):

    class Resident(ScopedModel):
        scope = ScopeRule(roles=PEOPLE_SCOPE, grid="grid", household="household")

Modes: "path" — the row's materialized area path starts with the user's scope path;
"grid" — the row belongs to the user's grid; "household" — the user's own household;
"gate" — the user's gate. A role absent from `roles` sees nothing; so does a user without a scope.
Out of scope is treated exactly like "does not exist" (404) by views and the API.

Writes: every service calls `authorize_write(user, action=..., obj=... or path=...)` before it writes:
the role first (403), then the scope by the same rule as the reads (404).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from lianfang.core.errors import DomainError
from lianfang.core.roles import AREA_ROLES, Action

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

    def covers(self, user: User | Any, obj: models.Model) -> bool:
        """Whether `obj` is a row that `visible_to(user)` returns, decided on the object in hand (following
        the foreign keys the rule names, e.g. `household__grid`), so that a service can check a row it is
        about to create as well as one it read."""
        if self.q_for(user) is None:
            return False
        if user.is_superuser:
            return True
        mode = self.roles[user.role]
        field = {"path": self.path, "grid": self.grid, "household": self.household, "gate": self.gate}[mode]
        value = _value(obj, field or "")
        if mode == "path":
            return isinstance(value, str) and value.startswith(user.scope_path)
        own = {"grid": user.grid_id, "household": user.household_id, "gate": user.gate_id}[mode]
        return value is not None and value == own


def _value(obj: Any, lookup: str) -> Any:
    """The value of a lookup such as `household__grid` on an instance (a foreign key gives its id)."""
    *relations, name = lookup.split("__")
    for relation in relations:
        obj = getattr(obj, relation)
        if obj is None:
            return None
    return getattr(obj, obj._meta.get_field(name).attname)


def not_found() -> DomainError:
    """Out of scope, worded exactly like a row that does not exist."""
    return DomainError("not_found", _("Not found."), status=404)


def authorize_write(
    user: User | Any, *, action: Action, obj: models.Model | None = None, path: str | None = None
) -> None:
    """The check every service makes before it writes. The role first: a user whose role may not do
    `action` gets 403 `forbidden` with the action's message (so gate duty learns nothing about where a
    person lives). Then the scope, refused as 404 `not_found` exactly like a row that does not exist:

    - `obj`: the row to change, or the place a new row goes under (a household, a compound), must be
      one that `visible_to(user)` returns under its model's ScopeRule — the rule the reads use;
    - `path`: an area path (an area, a compound) must lie in the user's area subtree; only roles whose
      scope is an area pass (a grid worker's rows are checked by `obj`, through their grid).

    With neither, only the role is checked: the service then reads the row through
    `visible_to(user)` (404 when it is not there) before it writes.
    """
    if not action.allows(user):
        raise DomainError("forbidden", action.refused, status=403)
    if user.is_superuser:
        return
    if obj is not None:
        if not type(obj).scope.covers(user, obj):  # type: ignore[attr-defined]
            raise not_found()
    elif path is not None:
        scope = user.scope_path if user.role in AREA_ROLES else ""
        if not scope or not path.startswith(scope):
            raise not_found()


class ScopedQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> ScopedQuerySet:
        rule: ScopeRule = self.model.scope
        q = rule.q_for(user)
        if q is None:
            return self.none()
        return self.filter(q)


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):  # type: ignore[misc]
    pass
