"""What the risk rules read and how they decide (the services that store and approve levels are in
watch/risk.py; docs/watch.md says the same in words).

**Targets.** A rule rates streets, communities and/or compounds (`RiskRule.targets`). A street or
community is an `Area` (its own path); a compound is a `Compound` (the path of its community).

**Cases.** Counted from `epi.Case`: suspected, confirmed, asymptomatic and recovered count; excluded cases
do not. A case counts on its `report_date`, by its status now (a case excluded later leaves every count,
also of past days). It belongs to the areas whose path its own path starts with (the community of the
person at registration and every area above it), and to the compound of its household at registration
(`Case.household`); a case without a household belongs to no compound.

**Windows.** "In the last N days" on day D means reported on D − (N − 1) … D: 14 days are the day itself
and the 13 before it, so a case reported on D − 13 is inside, one on D − 14 is not.

**Cluster.** A target has a cluster on day D when two or more counted cases of *different people*, both
reported in the cluster window and both belonging to the target, are linked by
  - the same household (`Case.household`), or
  - the same building unit (the households' `unit`), or
  - a confirmed contact record (`epi.Contact`, status confirmed, of any degree) of one case naming the
    other case's person.
Links are direct (two cases sharing a unit are linked whatever else they share).

**Evaluators** (`RiskRule.kind`, numbers in `RiskRule.params`):
  - `feb2020` (params `window_days` 14, `cumulative_threshold` 50, `cluster_days` 14): no new case in the
    window → low; new cases and cumulative ≤ threshold → medium; cumulative > threshold without a cluster
    → medium; cumulative > threshold with a cluster → high. "Cumulative" counts every case reported on or
    before D.
  - `compound_stepdown` (params `quiet_days_to_medium` 7, `more_quiet_days_to_low` 3): let `quiet` be the
    days from the compound's last case to D (D − report date of its last case). No case ever → low;
    quiet < 7 (a case in the last 7 days) → high; 7 ≤ quiet < 10 → medium, except that a step down never
    raises: a compound whose level in force is low stays low; quiet ≥ 10 → low. The previous level is the
    level in force on D (approved, taken effect); none counts as not low.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Q, TextChoices
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianfang.core.errors import DomainError
from lianfang.epi.models import OPEN_CASE_STATUSES, Case, CaseStatus, Contact, ContactStatus
from lianfang.places.models import Area, Compound
from lianfang.watch.models import RiskLevelChoice, RiskRule

# The statuses that count as a case (excluded does not).
COUNTED_STATUSES = (*OPEN_CASE_STATUSES, CaseStatus.RECOVERED)
LEVEL_RANK: dict[str, int] = {RiskLevelChoice.LOW: 0, RiskLevelChoice.MEDIUM: 1, RiskLevelChoice.HIGH: 2}
MAX_WINDOW_DAYS = 366
MAX_CASE_COUNT = 10_000_000


class TargetKind(TextChoices):
    STREET = "street", gettext_lazy("Street / town")
    COMMUNITY = "community", gettext_lazy("Community / village")
    COMPOUND = "compound", gettext_lazy("Compound")


AREA_KINDS = (TargetKind.STREET, TargetKind.COMMUNITY)
TargetKey = tuple[str, int]  # ("area", id) or ("compound", id)


def area_key(pk: int) -> TargetKey:
    return ("area", pk)


def compound_key(pk: int) -> TargetKey:
    return ("compound", pk)


@dataclass(frozen=True)
class Target:
    """A street, community or compound that a rule rates. `code` is the area's code (a compound has
    none); `community` the name of a compound's community."""

    kind: str
    pk: int
    name: str
    path: str
    code: str = ""
    community: str = ""

    @property
    def key(self) -> TargetKey:
        return compound_key(self.pk) if self.kind == TargetKind.COMPOUND else area_key(self.pk)

    @property
    def kind_label(self) -> str:
        return str(TargetKind(self.kind).label) if self.kind in TargetKind.values else ""

    @property
    def is_area(self) -> bool:
        return self.kind != TargetKind.COMPOUND

    @classmethod
    def of_area(cls, area: Area) -> Target:
        return cls(kind=str(area.level), pk=area.pk, name=area.name, path=area.path, code=area.code)

    @classmethod
    def of_compound(cls, compound: Compound, community_name: str = "") -> Target:
        return cls(
            kind=TargetKind.COMPOUND,
            pk=compound.pk,
            name=compound.name,
            path=compound.path,
            community=community_name,
        )


def rule_kinds(rule: RiskRule) -> list[str]:
    """The target kinds a rule rates (unknown words in `targets` are ignored: a rule with none rates
    nothing)."""
    words = set(str(rule.targets or "").split())
    return [kind for kind in TargetKind.values if kind in words]


# ------------------------------------------------------------------ the facts a rule reads
@dataclass
class CaseFacts:
    """One target's cases on day `day`: new in the window, cumulative, the last report date, and the ids
    of two linked cases when there is a cluster (empty: none)."""

    day: datetime.date
    new: int = 0
    cumulative: int = 0
    last_case: datetime.date | None = None
    cluster: list[int] = field(default_factory=list)


def _prefixes(path: str) -> list[str]:
    """'a.b.c.' -> ['a.', 'a.b.', 'a.b.c.']."""
    parts = path.rstrip(".").split(".") if path else []
    return [".".join(parts[: i + 1]) + "." for i in range(len(parts))]


def gather_facts(
    targets: Iterable[Target], *, day: datetime.date, window_days: int = 14, cluster_days: int = 14
) -> dict[TargetKey, CaseFacts]:
    """The case facts of every target on `day`, in three queries whatever the number of targets: the
    counts grouped by (path, compound), the cases of the cluster window, and the confirmed contacts
    between them."""
    targets = list(targets)
    by_path: dict[str, CaseFacts] = defaultdict(lambda: CaseFacts(day=day))
    by_compound: dict[int, CaseFacts] = defaultdict(lambda: CaseFacts(day=day))
    window_start = day - datetime.timedelta(days=window_days - 1)
    counted = Case.objects.filter(status__in=COUNTED_STATUSES, report_date__lte=day)
    rows = counted.values("path", "household__compound_id").annotate(
        total=Count("id"),
        recent=Count("id", filter=Q(report_date__gte=window_start)),
        last=Max("report_date"),
    )
    for row in rows:
        buckets = [by_path[p] for p in _prefixes(row["path"])]
        if row["household__compound_id"] is not None:
            buckets.append(by_compound[row["household__compound_id"]])
        for facts in buckets:
            facts.cumulative += row["total"]
            facts.new += row["recent"]
            if facts.last_case is None or row["last"] > facts.last_case:
                facts.last_case = row["last"]
    for where, case_ids in _clusters(counted, day=day, cluster_days=cluster_days).items():
        kind, value = where
        facts = by_path[str(value)] if kind == "path" else by_compound[int(value)]
        facts.cluster = case_ids
    return {
        t.key: (by_path.get(t.path) if t.is_area else by_compound.get(t.pk)) or CaseFacts(day=day)
        for t in targets
    }


def _clusters(counted: Any, *, day: datetime.date, cluster_days: int) -> dict[tuple[str, Any], list[int]]:
    """Where there is a cluster: {("path", area path) or ("compound", id): [two linked case ids]}."""
    start = day - datetime.timedelta(days=cluster_days - 1)
    recent = list(
        counted.filter(report_date__gte=start).values(
            "id", "resident_id", "household_id", "household__unit_id", "household__compound_id", "path"
        )
    )
    if len(recent) < 2:
        return {}
    groups: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    for case in recent:
        if case["household_id"] is not None:
            groups[("household", case["household_id"])].append(case)
        if case["household__unit_id"] is not None:
            groups[("unit", case["household__unit_id"])].append(case)
    by_resident: dict[int, list[dict[str, Any]]] = defaultdict(list)
    by_id = {case["id"]: case for case in recent}
    for case in recent:
        by_resident[case["resident_id"]].append(case)
    contacts = Contact.objects.filter(
        status=ContactStatus.CONFIRMED, case_id__in=list(by_id), resident_id__in=list(by_resident)
    ).values_list("case_id", "resident_id")
    for n, (case_id, resident_id) in enumerate(contacts):
        for other in by_resident[resident_id]:
            groups[("contact", n)].extend([by_id[case_id], other])
    found: dict[tuple[str, Any], list[int]] = {}
    for members in groups.values():
        # Per place the group's cases belong to: the people among them, and the first case of each.
        people: dict[tuple[str, Any], dict[int, int]] = defaultdict(dict)
        for case in members:
            places: list[tuple[str, Any]] = [("path", p) for p in _prefixes(case["path"])]
            if case["household__compound_id"] is not None:
                places.append(("compound", case["household__compound_id"]))
            for place in places:
                people[place].setdefault(case["resident_id"], case["id"])
        for place, cases in people.items():
            if len(cases) >= 2 and place not in found:
                found[place] = sorted(cases.values())[:2]
    return found


# ------------------------------------------------------------------ the evaluators
@dataclass(frozen=True)
class Verdict:
    """A rule's answer for one target: the level and why (`basis`, stored with the suggestion; its
    `reason` is one of REASONS)."""

    level: str
    basis: dict[str, Any]


@dataclass(frozen=True)
class Evaluator:
    """An evaluator named by `RiskRule.kind`: the integer params it needs (name -> (min, max)), the case
    windows it reads, and the function."""

    params: Mapping[str, tuple[int, int]]
    decide: Callable[[CaseFacts, Mapping[str, int], str | None], Verdict]
    windows: Callable[[Mapping[str, int]], tuple[int, int]]


def _feb2020(facts: CaseFacts, params: Mapping[str, int], previous: str | None) -> Verdict:
    threshold = params["cumulative_threshold"]
    basis: dict[str, Any] = {
        "new_cases": facts.new,
        "cumulative": facts.cumulative,
        "window_days": params["window_days"],
        "threshold": threshold,
        "cluster_days": params["cluster_days"],
        "cluster_cases": facts.cluster,
        "last_case": facts.last_case.isoformat() if facts.last_case else None,
    }
    if facts.new == 0:
        return Verdict(RiskLevelChoice.LOW, {**basis, "reason": "no_new_cases"})
    if facts.cumulative <= threshold:
        return Verdict(RiskLevelChoice.MEDIUM, {**basis, "reason": "few_cases"})
    if not facts.cluster:
        return Verdict(RiskLevelChoice.MEDIUM, {**basis, "reason": "no_cluster"})
    return Verdict(RiskLevelChoice.HIGH, {**basis, "reason": "cluster"})


def _compound_stepdown(facts: CaseFacts, params: Mapping[str, int], previous: str | None) -> Verdict:
    to_medium = params["quiet_days_to_medium"]
    to_low = to_medium + params["more_quiet_days_to_low"]
    basis: dict[str, Any] = {
        "last_case": facts.last_case.isoformat() if facts.last_case else None,
        "to_medium_days": to_medium,
        "to_low_days": to_low,
        "previous": previous,
    }
    if facts.last_case is None:
        return Verdict(RiskLevelChoice.LOW, {**basis, "quiet_days": None, "reason": "no_cases"})
    quiet = (facts.day - facts.last_case).days
    basis["quiet_days"] = quiet
    if quiet < to_medium:
        return Verdict(RiskLevelChoice.HIGH, {**basis, "reason": "recent_case"})
    if quiet < to_low:
        if previous == RiskLevelChoice.LOW:
            return Verdict(RiskLevelChoice.LOW, {**basis, "reason": "never_raised"})
        return Verdict(RiskLevelChoice.MEDIUM, {**basis, "reason": "quiet_to_medium"})
    return Verdict(RiskLevelChoice.LOW, {**basis, "reason": "quiet_to_low"})


EVALUATORS: dict[str, Evaluator] = {
    "feb2020": Evaluator(
        params={
            "window_days": (1, MAX_WINDOW_DAYS),
            "cumulative_threshold": (0, MAX_CASE_COUNT),
            "cluster_days": (1, MAX_WINDOW_DAYS),
        },
        decide=_feb2020,
        windows=lambda p: (p["window_days"], p["cluster_days"]),
    ),
    "compound_stepdown": Evaluator(
        params={"quiet_days_to_medium": (1, MAX_WINDOW_DAYS), "more_quiet_days_to_low": (1, MAX_WINDOW_DAYS)},
        decide=_compound_stepdown,
        windows=lambda p: (1, 1),
    ),
}


def evaluator_for(rule: RiskRule) -> tuple[Evaluator, dict[str, int]]:
    """The rule's evaluator and its checked params; `risk_rule_invalid` when the kind is unknown or a
    param is missing, not an integer, or out of its bounds."""
    evaluator = EVALUATORS.get(rule.kind)
    if evaluator is None:
        raise DomainError(
            "risk_rule_invalid", _("The risk rule {rule} has an unknown evaluator.").format(rule=rule.code)
        )
    raw = rule.params if isinstance(rule.params, dict) else {}
    params: dict[str, int] = {}
    for name, (low, high) in evaluator.params.items():
        value = raw.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise DomainError(
                "risk_rule_invalid",
                _("The risk rule {rule} needs the parameter {name} between {low} and {high}.").format(
                    rule=rule.code, name=name, low=low, high=high
                ),
            )
        params[name] = value
    return evaluator, params


# ------------------------------------------------------------------ in words
# The names of the rules Lianfang ships (watch migration 0002), by code: a rule's stored name is data in one
# language; these follow the reader's.
RULE_NAMES = {
    "feb-2020": gettext_lazy("February 2020 rule (streets and communities)"),
    "compound-stepdown": gettext_lazy("Compound step-down rule"),
}


def rule_name(rule: RiskRule) -> str:
    """'February 2020 rule (streets and communities) v1'."""
    return f"{RULE_NAMES.get(rule.code, rule.name)} v{rule.version}"


REASONS = {
    "no_new_cases": gettext_lazy("No new case in the last {window_days} days."),
    "few_cases": gettext_lazy(
        "{new_cases} new case(s) in the last {window_days} days; {cumulative} in all (at most {threshold})."
    ),
    "no_cluster": gettext_lazy(
        "{new_cases} new case(s) in the last {window_days} days; {cumulative} in all (over {threshold}), "
        "no cluster in {cluster_days} days."
    ),
    "cluster": gettext_lazy(
        "{new_cases} new case(s) in the last {window_days} days; {cumulative} in all (over {threshold}), "
        "and a cluster in {cluster_days} days."
    ),
    "no_cases": gettext_lazy("No case in this compound."),
    "recent_case": gettext_lazy("Last case on {last_case}: fewer than {to_medium_days} days without one."),
    "quiet_to_medium": gettext_lazy("Last case on {last_case}: {quiet_days} days without a new case."),
    "never_raised": gettext_lazy(
        "Last case on {last_case}: {quiet_days} days without a new case; low in force stays low."
    ),
    "quiet_to_low": gettext_lazy("Last case on {last_case}: {quiet_days} days without a new case."),
}


def explain(basis: Any) -> str:
    """A suggestion's basis in words (empty for a basis this code does not know)."""
    if not isinstance(basis, dict):
        return ""
    text = REASONS.get(str(basis.get("reason", "")))
    if text is None:
        return ""
    try:
        return str(text).format(**basis)
    except (KeyError, IndexError, ValueError):
        return ""
