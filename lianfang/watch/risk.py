"""Risk levels (低/中/高风险) of streets, communities and compounds: the system suggests, a commander
approves with the day the level takes effect, or dismisses; every row is kept as the history.

The rules themselves (which cases count, the windows, the cluster, the evaluators) are in
watch/risk_rules.py; docs/watch.md says all of it in words.

- **Level in force** of a target on day D: the approved assessment with the latest `effective_from` ≤ D
  (on the same day, the later decision wins). An approval that takes effect later is not in force yet.
  A target never approved has no level in force ("not rated"); for suggestions it counts as low, so that
  a new city is not asked to approve thousands of "low".
- **since**: the first day of the run of approvals of that same level that ends with the one in force.
- **Suggestions** (`suggest_levels`): for each target the rule rates, the verdict on day D; a suggestion
  is made when it differs from the level in force (or low). At most one suggestion per target and rule
  waits for a decision: a new verdict replaces a waiting one of another level (closed as dismissed, its
  basis saying `closed: superseded`), one that now equals the level in force closes it (`closed:
  in_force`), and the same verdict leaves it waiting. A target that already has an assessment of the rule
  for D (whatever its status) is skipped: running a day twice changes nothing.
- **Decisions**: `approve_level` (with a level, possibly another than suggested, and the day it takes
  effect: not before the assessment's day, at most 30 days after today) and `dismiss_suggestion`; command
  centre only (`APPROVE_RISK_LEVEL`), in scope (404 otherwise); a decided suggestion is never decided again.
- **Where a household stands** (`level_for_household`): its compound's level in force, else its
  community's, else its street's.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.core import audit
from lianfang.core.audit import AuditAction
from lianfang.core.bounds import DateWindow
from lianfang.core.errors import DomainError
from lianfang.core.roles import APPROVE_RISK_LEVEL
from lianfang.core.scoping import authorize_write, not_found
from lianfang.places.models import Area, AreaLevel, Compound, Household
from lianfang.watch.models import RiskAssessment, RiskLevelChoice, RiskRule, RiskStatus
from lianfang.watch.risk_rules import (
    AREA_KINDS,
    Target,
    TargetKey,
    TargetKind,
    area_key,
    compound_key,
    evaluator_for,
    gather_facts,
    rule_kinds,
)

EFFECTIVE_MAX_DAYS_AHEAD = 30
# The days a rule may assess: up to a year back (to catch up), never in the future.
ASSESS_WINDOW = DateWindow(days_ahead=0, days_back=366)
MAX_NOTE = 300


@dataclass(frozen=True)
class InForce:
    """The level of a target on a day: the approved assessment in force, since when its level holds, and
    which kind of target it was decided for (a household shows its compound's, community's or street's)."""

    level: str
    since: datetime.date
    assessment: RiskAssessment
    kind: str

    @property
    def rule(self) -> RiskRule:
        return self.assessment.rule

    @property
    def label(self) -> str:
        return str(RiskLevelChoice(self.level).label)

    @property
    def kind_label(self) -> str:
        """Whose level it is: the compound's, the community's or the street's."""
        return str(TargetKind(self.kind).label) if self.kind in TargetKind.values else ""


# ------------------------------------------------------------------ targets
def _area_targets(areas: Any) -> list[Target]:
    return [Target.of_area(a) for a in areas.filter(level__in=AREA_KINDS).order_by("path")]


def _compound_targets(compounds: Any) -> list[Target]:
    rows = compounds.select_related("community").order_by("path", "name")
    return [Target.of_compound(c, c.community.name) for c in rows]


def targets_in_scope(
    user: Any, *, kinds: Iterable[str] | None = None, under: Area | None = None
) -> list[Target]:
    """The streets, communities and compounds the user sees (of `kinds`; under an area), in two queries."""
    kinds = set(kinds if kinds is not None else TargetKind.values)
    areas = Area.objects.visible_to(user).filter(level__in=[k for k in AREA_KINDS if k in kinds])
    compounds = Compound.objects.visible_to(user)
    if under is not None:
        areas = areas.filter(path__startswith=under.path)
        compounds = compounds.filter(path__startswith=under.path)
    found = _area_targets(areas) if kinds & set(AREA_KINDS) else []
    if TargetKind.COMPOUND in kinds:
        found += _compound_targets(compounds)
    return found


def targets_of_rule(rule: RiskRule) -> list[Target]:
    """Every target (the whole city, not a user's scope) that the rule rates."""
    kinds = rule_kinds(rule)
    found: list[Target] = []
    area_levels = [k for k in AREA_KINDS if k in kinds]
    if area_levels:
        found += _area_targets(Area.objects.filter(level__in=area_levels))
    if TargetKind.COMPOUND in kinds:
        found += _compound_targets(Compound.objects.all())
    return found


def target_of(assessment: RiskAssessment, *, with_community: bool = False) -> Target:
    """The target an assessment rates (with a compound's community name when asked: load
    `compound__community` with it)."""
    if assessment.compound_id is not None:
        compound = assessment.compound
        assert compound is not None
        return Target.of_compound(compound, compound.community.name if with_community else "")
    assert assessment.area is not None
    return Target.of_area(assessment.area)


def key_of(obj: Area | Compound | Target | RiskAssessment) -> TargetKey:
    if isinstance(obj, Target):
        return obj.key
    if isinstance(obj, Compound):
        return compound_key(obj.pk)
    if isinstance(obj, RiskAssessment):
        return compound_key(obj.compound_id) if obj.compound_id else area_key(obj.area_id or 0)
    return area_key(obj.pk)


def _kind_of(row: RiskAssessment) -> str:
    if row.compound_id is not None:
        return TargetKind.COMPOUND
    return str(row.area.level) if row.area is not None else ""


# ------------------------------------------------------------------ levels in force
def _in_force_from(rows: Iterable[RiskAssessment]) -> dict[TargetKey, InForce]:
    """Rows ordered by (effective_from, decided_at, id) -> the last one per target, with the start of its
    run of the same level."""
    found: dict[TargetKey, InForce] = {}
    for row in rows:
        key = key_of(row)
        before = found.get(key)
        assert row.effective_from is not None
        since = before.since if before is not None and before.level == row.level else row.effective_from
        found[key] = InForce(level=row.level, since=since, assessment=row, kind=_kind_of(row))
    return found


def _approved(day: datetime.date) -> Any:
    return (
        RiskAssessment.objects.filter(status=RiskStatus.APPROVED, effective_from__lte=day)
        .select_related("rule", "area")
        .order_by("effective_from", "decided_at", "id")
    )


def levels_in_force(
    *, targets: Iterable[Area | Compound | Target], day: datetime.date | None = None
) -> dict[TargetKey, InForce]:
    """The level in force of many targets on `day` (default today), in one query; a target without one
    is absent from the answer. Keys: `key_of(target)`."""
    day = day or timezone.localdate()
    keys = {key_of(t) for t in targets}
    area_ids = [pk for kind, pk in keys if kind == "area"]
    compound_ids = [pk for kind, pk in keys if kind == "compound"]
    if not keys:
        return {}
    return _in_force_from(_approved(day).filter(Q(area_id__in=area_ids) | Q(compound_id__in=compound_ids)))


def levels_in_force_for(user: Any, *, day: datetime.date | None = None) -> dict[TargetKey, InForce]:
    """The levels in force of every target in the user's scope, in one query."""
    return _in_force_from(_approved(day or timezone.localdate()).filter(id__in=_visible_ids(user)))


def in_force_rows(user: Any, *, day: datetime.date, under: str) -> Any:
    """The assessment in force on `day` of every target in the user's scope under the path `under`, chosen
    in SQL (DISTINCT ON the target, the last by effective_from, decided_at, id: the rule `_in_force_from`
    applies in Python, where the start of a run of one level is needed too; test_risk_in_force_sql checks
    that both choose alike). For pages of many targets that need the level only (the dashboard)."""
    return (
        RiskAssessment.objects.visible_to(user)
        .filter(path__startswith=under, status=RiskStatus.APPROVED, effective_from__lte=day)
        .exclude(level="")
        .order_by("area_id", "compound_id", "-effective_from", "-decided_at", "-id")
        .distinct("area_id", "compound_id")
    )


def _visible_ids(user: Any) -> Any:
    return RiskAssessment.objects.visible_to(user).values("id")


def level_in_force(*, target: Area | Compound | Target, day: datetime.date | None = None) -> InForce | None:
    """The level in force of one street, community or compound on `day` (default today), or None."""
    return levels_in_force(targets=[target], day=day).get(key_of(target))


def level_for_household(household: Household, *, day: datetime.date | None = None) -> InForce | None:
    """The level a household lives under: its compound's level in force, else its community's, else its
    street's (one query; the household's `path` is its community's)."""
    day = day or timezone.localdate()
    community_path = household.path
    street_path = ".".join(community_path.rstrip(".").split(".")[:-1]) + "."
    rows = _approved(day).filter(
        Q(compound_id=household.compound_id)
        | Q(area__isnull=False, area__level=AreaLevel.COMMUNITY, path=community_path)
        | Q(area__isnull=False, area__level=AreaLevel.STREET, path=street_path)
    )
    found = _in_force_from(rows)
    by_kind = {f.kind: f for f in found.values()}
    for kind in (TargetKind.COMPOUND, TargetKind.COMMUNITY, TargetKind.STREET):
        if kind in by_kind:
            return by_kind[kind]
    return None


@dataclass(frozen=True)
class AreaRisk:
    """A row of `levels_by_area`: a street or community in scope and its level in force (None: not
    rated)."""

    kind: str
    id: int
    code: str
    name: str
    path: str
    level: str | None
    since: datetime.date | None


def levels_by_area(*, user: Any, day: datetime.date | None = None) -> list[AreaRisk]:
    """The streets and communities in the user's scope with their level in force on `day` (for the
    dashboard): two queries, ordered by path."""
    targets = targets_in_scope(user, kinds=AREA_KINDS)
    in_force = levels_in_force(targets=targets, day=day)
    rows = []
    for t in targets:
        f = in_force.get(t.key)
        rows.append(
            AreaRisk(
                kind=t.kind,
                id=t.pk,
                code=t.code,
                name=t.name,
                path=t.path,
                level=f.level if f else None,
                since=f.since if f else None,
            )
        )
    return rows


# ------------------------------------------------------------------ rules
def default_rule() -> RiskRule:
    rule = RiskRule.objects.filter(is_default=True).first()
    if rule is None:
        raise DomainError("risk_rule_missing", _("No risk rule is the default."))
    return rule


def current_rules() -> list[RiskRule]:
    """The latest version of each rule that rates something (the nightly run evaluates each)."""
    latest: dict[str, RiskRule] = {}
    for rule in RiskRule.objects.order_by("code", "-version"):
        latest.setdefault(rule.code, rule)
    return [r for r in latest.values() if rule_kinds(r)]


# ------------------------------------------------------------------ suggestions
@transaction.atomic
def suggest_levels(*, day: datetime.date, rule: RiskRule | None = None) -> int:
    """Evaluate `rule` (default: the default rule) for every target it rates on `day` and store a
    suggestion where the verdict differs from the level in force; returns how many were made (the module
    docstring says when a waiting one is replaced or closed). Runs of the same rule are serialized."""
    day = ASSESS_WINDOW.check(day, field="day")
    rule = rule or default_rule()
    rule = RiskRule.objects.select_for_update().get(pk=rule.pk)
    evaluator, params = evaluator_for(rule)
    targets = targets_of_rule(rule)
    window_days, cluster_days = evaluator.windows(params)
    facts = gather_facts(targets, day=day, window_days=window_days, cluster_days=cluster_days)
    in_force = levels_in_force(targets=targets, day=day)
    mine = RiskAssessment.objects.filter(rule=rule)
    done = {key_of(a) for a in mine.filter(day=day).only("area_id", "compound_id")}
    waiting: dict[TargetKey, RiskAssessment] = {}
    for a in mine.filter(status=RiskStatus.SUGGESTED).order_by("day", "id"):
        waiting[key_of(a)] = a  # the latest wins (there is one)
    now = timezone.now()
    new: list[RiskAssessment] = []
    closed: list[RiskAssessment] = []
    for target in targets:
        if target.key in done:
            continue
        current = in_force.get(target.key)
        verdict = evaluator.decide(facts[target.key], params, current.level if current else None)
        baseline = current.level if current else RiskLevelChoice.LOW
        pending = waiting.get(target.key)
        if pending is not None:
            if pending.day > day:
                continue  # a later day was assessed: an older day does not overrule it
            if pending.suggested == verdict.level and verdict.level != baseline:
                continue  # the same suggestion is already waiting
            pending.status = RiskStatus.DISMISSED
            pending.decided_at = now
            pending.basis = {
                **(pending.basis if isinstance(pending.basis, dict) else {}),
                "closed": "in_force" if verdict.level == baseline else "superseded",
                "closed_on": day.isoformat(),
            }
            closed.append(pending)
        if verdict.level != baseline:
            new.append(
                RiskAssessment(
                    area_id=target.pk if target.is_area else None,
                    compound_id=None if target.is_area else target.pk,
                    path=target.path,
                    rule=rule,
                    day=day,
                    suggested=verdict.level,
                    basis=verdict.basis,
                    status=RiskStatus.SUGGESTED,
                )
            )
    if closed:
        RiskAssessment.objects.bulk_update(closed, ["status", "decided_at", "basis"])
    RiskAssessment.objects.bulk_create(new, batch_size=1000)
    return len(new)


def suggest_all(*, day: datetime.date) -> int:
    """Every current rule on `day` (the nightly run); returns how many suggestions were made."""
    return sum(suggest_levels(day=day, rule=rule) for rule in current_rules())


# ------------------------------------------------------------------ decisions
def _locked_assessment(user: Any, assessment: RiskAssessment) -> RiskAssessment:
    """The assessment, locked: the role first (403), then the scope (404), then undecided."""
    authorize_write(user, action=APPROVE_RISK_LEVEL)
    found = (
        RiskAssessment.objects.visible_to(user)
        .select_for_update(of=("self",))
        .select_related("rule", "area", "compound")
        .filter(pk=assessment.pk)
        .first()
    )
    if found is None:
        raise not_found()
    authorize_write(user, action=APPROVE_RISK_LEVEL, obj=found)
    if found.status == RiskStatus.APPROVED:
        raise DomainError("risk_already_approved", _("This risk level was already approved."))
    if found.status == RiskStatus.DISMISSED:
        raise DomainError("risk_dismissed", _("This suggestion was dismissed; it cannot be decided again."))
    return found


def _note(note: Any) -> str:
    text = str(note or "").strip()
    if len(text) > MAX_NOTE:
        raise DomainError(
            "note_too_long", _("The note is longer than {n} characters.").format(n=MAX_NOTE), field="note"
        )
    return text


@transaction.atomic
def approve_level(
    *,
    user: Any,
    assessment: RiskAssessment,
    level: str,
    effective_from: datetime.date | None,
    note: str = "",
    today: datetime.date | None = None,
) -> RiskAssessment:
    """A commander approves a suggestion with a level (the suggested one or another) that takes effect on
    `effective_from`: not before the assessment's day, at most 30 days after today."""
    row = _locked_assessment(user, assessment)
    if level not in RiskLevelChoice.values:
        raise DomainError("risk_level_invalid", _("Choose low, medium or high."), field="level")
    today = today or timezone.localdate()
    last = today + datetime.timedelta(days=EFFECTIVE_MAX_DAYS_AHEAD)
    if not isinstance(effective_from, datetime.date) or isinstance(effective_from, datetime.datetime):
        raise DomainError("date_invalid", _("Enter a valid date."), field="effective_from")
    if effective_from < row.day:
        raise DomainError(
            "risk_effective_too_early",
            _("A level cannot take effect before the day it was assessed ({day}).").format(
                day=row.day.isoformat()
            ),
            field="effective_from",
        )
    if effective_from > last:
        raise DomainError(
            "risk_effective_too_late",
            _("A level takes effect at most {n} days ahead (by {last}).").format(
                n=EFFECTIVE_MAX_DAYS_AHEAD, last=last.isoformat()
            ),
            field="effective_from",
        )
    row.note = _note(note)
    row.status = RiskStatus.APPROVED
    row.level = level
    row.effective_from = effective_from
    row.decided_by = user
    row.decided_at = timezone.now()
    row.save(update_fields=["status", "level", "effective_from", "decided_by", "decided_at", "note"])
    audit.log(
        user=user,
        action=AuditAction.CHANGE,
        obj=row,
        summary=audit.because(
            _("Risk level set: {level} from {day} (suggested: {suggested})").format(
                level=RiskLevelChoice(level).label,
                day=effective_from.isoformat(),
                suggested=RiskLevelChoice(row.suggested).label,
            ),
            row.note,
        ),
    )
    return row


@transaction.atomic
def dismiss_suggestion(*, user: Any, assessment: RiskAssessment, note: str = "") -> RiskAssessment:
    """A commander dismisses a suggestion: the level in force stays as it is."""
    row = _locked_assessment(user, assessment)
    row.note = _note(note)
    row.status = RiskStatus.DISMISSED
    row.decided_by = user
    row.decided_at = timezone.now()
    row.save(update_fields=["status", "decided_by", "decided_at", "note"])
    audit.log(
        user=user,
        action=AuditAction.CHANGE,
        obj=row,
        summary=audit.because(
            _("Suggestion dismissed: {level}").format(level=RiskLevelChoice(row.suggested).label), row.note
        ),
    )
    return row


# ------------------------------------------------------------------ reads for the pages and the API
def pending_suggestions(user: Any, *, under_path: str = "") -> Any:
    """The suggestions waiting for a decision in the user's scope, highest level first."""
    qs = RiskAssessment.objects.visible_to(user).filter(status=RiskStatus.SUGGESTED)
    if under_path:
        qs = qs.filter(path__startswith=under_path)
    return qs


def pending_by_target(rows: Iterable[RiskAssessment]) -> dict[TargetKey, list[RiskAssessment]]:
    found: dict[TargetKey, list[RiskAssessment]] = defaultdict(list)
    for row in rows:
        found[key_of(row)].append(row)
    return found


def history_of(user: Any, target: Area | Compound) -> Any:
    """Every assessment of one target in the user's scope, newest first."""
    qs = RiskAssessment.objects.visible_to(user).select_related("rule", "decided_by", "area", "compound")
    if isinstance(target, Compound):
        return qs.filter(compound=target).order_by("-day", "-id")
    return qs.filter(area=target).order_by("-day", "-id")
