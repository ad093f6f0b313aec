"""The level in force of a target is chosen alike in Python (`levels_in_force_for`, which also finds since
when) and in SQL (`in_force_rows`, for the dashboard): the last approved assessment whose day has come, by
effective_from, then decided_at, then id. Random histories of approvals, same answers."""

import datetime
import random

import pytest

from lianfang.watch.models import RiskAssessment, RiskRule
from lianfang.watch.risk import in_force_rows, key_of, levels_in_force_for


@pytest.mark.parametrize("seed", range(6))
def test_python_and_sql_choose_the_same_level(world, seed):
    rng = random.Random(seed)
    rule, _new = RiskRule.objects.get_or_create(code="test-in-force", version=1, defaults={"kind": "feb2020"})
    today = datetime.date(2026, 3, 20)
    at = datetime.datetime(2026, 3, 1, 1, tzinfo=datetime.UTC)
    targets = [world.street, world.community_a, world.community_b, world.compound_a, world.compound_b]
    for _ in range(40):
        target = rng.choice(targets)
        is_compound = target in (world.compound_a, world.compound_b)
        RiskAssessment.objects.create(
            area=None if is_compound else target,
            compound=target if is_compound else None,
            path=target.path,
            rule=rule,
            day=today - datetime.timedelta(days=rng.randint(0, 20)),
            suggested="low",
            status=rng.choice(["approved", "approved", "dismissed", "suggested"]),
            level=rng.choice(["low", "medium", "high"]),
            effective_from=today + datetime.timedelta(days=rng.randint(-15, 3)),
            decided_at=at + datetime.timedelta(hours=rng.randint(0, 3)),
        )
    python = {key: found.level for key, found in levels_in_force_for(world.commander, day=today).items()}
    sql = {key_of(row): row.level for row in in_force_rows(world.commander, day=today, under=world.city.path)}
    assert python == sql and python
