"""Hand-built case histories for the risk-level tests: cases of residents of a household, of people without
a household (they count for their community, never for a compound, and share no household or unit), and
the helpers that run one rule on one target."""

from __future__ import annotations

import datetime
import importlib
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps

from lianfang.epi.models import Case, CaseSource, CaseStatus, Contact, ContactStatus
from lianfang.people.models import Resident
from lianfang.places.models import Area, Compound, Household
from lianfang.watch.models import RiskRule
from lianfang.watch.risk_rules import Target, Verdict, evaluator_for, gather_facts

D = datetime.date(2026, 3, 20)  # the day assessed in most tests


def restore_shipped_rules() -> None:
    """The rules of migration watch 0002, made again where they are missing (by the migration's own
    function): a transactional test's flush empties every table, also of the test database that
    --reuse-db keeps for the next run."""
    migration = importlib.import_module("lianfang.watch.migrations.0003_risk_default_rules")
    migration.create_rules(apps, None)


@pytest.fixture
def shipped_risk_rules(db) -> None:
    """Use in every risk test: `pytestmark = pytest.mark.usefixtures("shipped_risk_rules")`."""
    restore_shipped_rules()


def days_before(n: int, day: datetime.date = D) -> datetime.date:
    return day - datetime.timedelta(days=n)


def person(
    *, household: Household | None = None, community: Area | None = None, name: str = "病例"
) -> Resident:
    path = household.path if household is not None else community.path  # type: ignore[union-attr]
    return Resident.objects.create(
        name=name, household=household, path=path, grid_id=household.grid_id if household else None
    )


def case(
    *,
    day: datetime.date,
    household: Household | None = None,
    community: Area | None = None,
    resident: Resident | None = None,
    status: str = CaseStatus.CONFIRMED,
) -> Case:
    """One case reported on `day`: of `resident`, or of a new person in `household` (or, without one,
    registered under `community`)."""
    resident = resident or person(household=household, community=community)
    return Case.objects.create(
        resident=resident,
        household=resident.household,
        status=status,
        source=CaseSource.OTHER,
        report_date=day,
        path=resident.path,
        grid_id=resident.grid_id,
    )


def cases_without_household(
    community: Area, n: int, *, day: datetime.date, status: str = CaseStatus.RECOVERED
) -> None:
    """`n` cases of people without a household (no two linked), reported on `day`."""
    people = Resident.objects.bulk_create([Resident(name=f"外来{i}", path=community.path) for i in range(n)])
    Case.objects.bulk_create(
        [
            Case(resident=r, status=status, source=CaseSource.OTHER, report_date=day, path=r.path)
            for r in people
        ]
    )


def contact(of: Case, person_: Resident, status: str = ContactStatus.CONFIRMED) -> Contact:
    return Contact.objects.create(case=of, resident=person_, status=status, path=of.path)


def rule(code: str) -> RiskRule:
    return RiskRule.objects.get(code=code, version=1)


def verdict(
    target: Area | Compound, *, day: datetime.date = D, code: str = "feb-2020", previous: Any = None
) -> Verdict:
    """The rule's verdict on one target (what suggest_levels would decide for it)."""
    the_rule = rule(code)
    evaluator, params = evaluator_for(the_rule)
    t = Target.of_compound(target) if isinstance(target, Compound) else Target.of_area(target)
    window, cluster = evaluator.windows(params)
    facts = gather_facts([t], day=day, window_days=window, cluster_days=cluster)
    return evaluator.decide(facts[t.key], params, previous)


def local(day: datetime.date, hour: int = 10) -> datetime.datetime:
    """`hour` o'clock of `day` in Asia/Shanghai."""
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo("Asia/Shanghai"))
