"""However the gate log is read — gate by gate (a narrow scope), household by household (an address), in one
ordered scan (a wide scope, refusal filters) or through the grid's households (a grid worker) — a page is
exactly the passages a plain reading of the rules gives: the user's scope, the filter, the window, newest
first by (server_time, id), before the cursor. Random passages and filters, compared with a Python oracle."""

from __future__ import annotations

import datetime
import random

import pytest

from lianfang.access import passages as log
from lianfang.access.passages import Cursor, PassageFilter
from lianfang.access.tests.gatelog import NOW, make, passage
from lianfang.places.models import Gate

CODES = ["exit_allowed", "entry_allowed", "exit_allowed", "quota_used", "fever", "closed_hours"]


def visible(user, row, grid_of) -> bool:
    """The scope rule of Passage, said plainly."""
    if user.role == "grid":
        return row.household_id is not None and grid_of[row.household_id] == user.grid_id
    return row.path.startswith(user.scope_path)


def oracle(user, f: PassageFilter, before, rows, grid_of) -> list[int]:
    start, end = f.window()
    kept = [
        p
        for p in rows
        if visible(user, p, grid_of)
        and start <= p.server_time < end
        and (f.gates is None or p.gate_id in f.gates)
        and (f.households is None or p.household_id in f.households)
        and (not f.direction or p.direction == f.direction)
        and (not f.decision or p.decision == f.decision)
        and (not f.code or p.code == f.code)
        and (before is None or (p.server_time, p.pk) < (before.server_time, before.id))
    ]
    return [p.pk for p in sorted(kept, key=lambda p: (p.server_time, p.pk), reverse=True)]


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("fanout", [log.FANOUT, 1])
def test_every_plan_gives_the_rows_of_the_rules(world, monkeypatch, seed, fanout):
    # 1: every scope is "wide" (a grid worker's too), read in one ordered scan
    monkeypatch.setattr(log, "FANOUT", fanout)
    monkeypatch.setattr(log, "FANOUT_HOUSEHOLDS", fanout)
    rng = random.Random(seed)
    west = Gate.objects.get(compound=world.compound_a, name="西门")
    north = Gate.objects.create(compound=world.compound_b, name="北门", path=world.compound_b.path)
    gates = [world.gate_a, west, north]
    homes = {world.gate_a.pk: [world.household_a1, world.household_a2, None], west.pk: [world.household_a2],
             north.pk: [world.household_b, None]}  # fmt: skip
    grid_of = {world.household_a1.pk: world.grid_a1.pk, world.household_a2.pk: world.grid_a2.pk,
               world.household_b.pk: None}  # fmt: skip
    rows = []
    for _ in range(400):
        gate = rng.choice(gates)
        when = NOW - datetime.timedelta(minutes=rng.randrange(0, 4 * 24 * 60, 7))  # ties on purpose
        rows.append(passage(gate, when, household=rng.choice(homes[gate.pk]), code=rng.choice(CODES),
                            direction=rng.choice(["in", "out"])))  # fmt: skip
    rows = make(rows)
    users = [world.staff_a, world.commander, world.grid_a1_worker, world.health_a, world.staff_b]
    for _ in range(40):
        user = rng.choice(users)
        end = NOW.date() - datetime.timedelta(days=rng.choice([0, 0, 1]))
        f = PassageFilter(
            start=end - datetime.timedelta(days=rng.choice([0, 1, 3])),
            end=end,
            gates=rng.choice([None, None, (world.gate_a.pk,), (world.gate_a.pk, west.pk), (north.pk,), ()]),
            households=rng.choice([None, None, None, (world.household_a1.pk,),
                                   (world.household_a1.pk, world.household_b.pk), ()]),
            direction=rng.choice(["", "", "in"]),
            decision=rng.choice(["", "", "allowed", "refused", "referred"]),
            code=rng.choice(["", "", "", "quota_used", "fever"]),
        )  # fmt: skip
        expected = oracle(user, f, None, rows, grid_of)
        limit = rng.choice([1, 5, 51])
        found = log.newest(user, f, limit=limit)
        assert [pk for pk, _t in found] == expected[:limit], (user.username, f)
        if found:
            pk, when = rng.choice(found)
            before = Cursor(when, pk)
            found = log.newest(user, f, before, limit=limit)
            assert [pk for pk, _t in found] == oracle(user, f, before, rows, grid_of)[:limit]
        assert log.count_upto(user, f, 7) == min(len(expected), 7)


def test_a_narrow_scope_is_read_gate_by_gate_and_a_wide_one_in_one_scan(
    world, monkeypatch, django_assert_num_queries
):
    make([passage(world.gate_a, NOW)])
    f = PassageFilter(start=NOW.date(), end=NOW.date())
    with django_assert_num_queries(2) as queries:  # the scope's gates, then one LATERAL statement
        assert len(log.newest(world.staff_a, f, limit=5)) == 1
    assert "LATERAL" in queries.captured_queries[-1]["sql"]
    monkeypatch.setattr(log, "FANOUT", 1)
    with django_assert_num_queries(2) as queries:
        assert len(log.newest(world.staff_a, f, limit=5)) == 1
    assert "LATERAL" not in queries.captured_queries[-1]["sql"]
