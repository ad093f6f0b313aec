"""The JSON API of the watch app's risk part (added to /api/v1/ by lianfang/api.py): the streets,
communities and compounds in the caller's scope with their level in force and any suggestion waiting.
Scoped like the pages (an `area` out of scope answers 404, like one that does not exist)."""

from __future__ import annotations

import datetime
from typing import Any

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from lianfang.core.roles import READ_RISK_LEVELS
from lianfang.places.models import Area
from lianfang.watch import risk
from lianfang.watch.models import RiskAssessment, RiskLevelChoice, RiskRule
from lianfang.watch.risk_rules import Target, TargetKind, explain

router = Router(tags=["watch"])

MAX_ROWS = 5000


class RuleOut(Schema):
    code: str
    version: int
    name: str


class SuggestionOut(Schema):
    id: int
    day: datetime.date = Field(..., description="The day assessed.")
    suggested: str = Field(..., description="low, medium or high.")
    rule: RuleOut
    basis: dict[str, Any] = Field(..., description="The figures the rule read (new cases, cumulative, ...).")
    explanation: str


class RiskLevelOut(Schema):
    kind: str = Field(..., description="street, community or compound.")
    id: int = Field(..., description="The area's or the compound's id.")
    code: str | None = Field(..., description="The area's code; null for a compound.")
    name: str
    community: str | None = Field(..., description="A compound's community (its code); null for an area.")
    level: str | None = Field(..., description="The level in force: low, medium, high, or null (not rated).")
    since: datetime.date | None = Field(..., description="First day of the level in force.")
    rule: RuleOut | None = Field(..., description="The rule of the approved assessment in force.")
    pending: SuggestionOut | None = Field(..., description="A suggestion waiting for a decision, if any.")


class RiskFilters(Schema):
    area: str | None = Field(None, max_length=12, description="An area's code: only it and what is under it.")
    level: str | None = Field(
        None, pattern="^(low|medium|high|none)$", description="low, medium, high, or none (not rated)."
    )
    kind: TargetKind | None = Field(None, description="street, community or compound.")
    limit: int = Field(1000, ge=1, le=MAX_ROWS)
    offset: int = Field(0, ge=0, le=10_000_000)


def _rule_out(rule: RiskRule) -> RuleOut:
    return RuleOut(code=rule.code, version=rule.version, name=rule.name)


def _pending_out(a: RiskAssessment) -> SuggestionOut:
    return SuggestionOut(
        id=a.pk,
        day=a.day,
        suggested=a.suggested,
        rule=_rule_out(a.rule),
        basis=a.basis if isinstance(a.basis, dict) else {},
        explanation=explain(a.basis),
    )


def _row(t: Target, f: risk.InForce | None, pending: RiskAssessment | None, codes: dict[str, str]) -> Any:
    return RiskLevelOut(
        kind=t.kind,
        id=t.pk,
        code=t.code or None,
        name=t.name,
        community=codes.get(t.path) if not t.is_area else None,
        level=f.level if f else None,
        since=f.since if f else None,
        rule=_rule_out(f.rule) if f else None,
        pending=_pending_out(pending) if pending is not None else None,
    )


@router.get(
    "/risk-levels",
    response=list[RiskLevelOut],
    summary="Streets, communities and compounds in your scope with their risk level in force",
)
def list_risk_levels(request: Any, filters: Query[RiskFilters]) -> list[Any]:
    user = request.user
    if not READ_RISK_LEVELS.allows(user):
        return []  # a role that does not read risk levels sees no row, like an empty scope
    under = None
    if filters.area:
        under = get_object_or_404(Area.objects.visible_to(user), code=filters.area)
    today = timezone.localdate()
    targets = risk.targets_in_scope(user, kinds=[filters.kind] if filters.kind else None, under=under)
    in_force = risk.levels_in_force_for(user, day=today)
    if filters.level:
        wanted = None if filters.level == "none" else RiskLevelChoice(filters.level)
        targets = [t for t in targets if (in_force[t.key].level if t.key in in_force else None) == wanted]
    targets = targets[filters.offset : filters.offset + filters.limit]
    waiting = risk.pending_suggestions(user, under_path=under.path if under else "").select_related("rule")
    pending = {risk.key_of(a): a for a in waiting.order_by("day", "id")}
    codes = dict(
        Area.objects.visible_to(user)
        .filter(path__in={t.path for t in targets if not t.is_area})
        .values_list("path", "code")
    )
    return [_row(t, in_force.get(t.key), pending.get(t.key), codes) for t in targets]
