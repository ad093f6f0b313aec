"""The gate's figures from the passage log by the local day of `server_time` (Asia/Shanghai): the people let
through in and out, refusals in all and per code (`refusal:<code>`), fevers (referred), and the hourly flow
`flow_in:HH` / `flow_out:HH` at community level and above only. A passage counts at the gate's community, in
the grid of its household when that household lives there, else in the community's g0 node."""

from __future__ import annotations

from lianfang.access.models import Passage
from lianfang.watch.models import DailyStat
from lianfang.watch.stats import compute_day
from lianfang.watch.tests.conftest import DAY, at, days, g0, node, value


def passage(town, household, direction, decision, code, when, gate=None):
    gate = gate or town.gate_a
    return Passage.objects.create(
        gate=gate, household=household, direction=direction, decision=decision, code=code, server_time=when,
        path=gate.path,
    )  # fmt: skip


def test_passages_refusals_and_fevers_of_the_local_day(town):
    h1 = town.household_a1
    passage(town, h1, "out", "allowed", "exit_allowed", at(DAY, 0, 0))  # the day's first instant
    passage(town, h1, "in", "allowed", "entry_allowed", at(DAY, 23, 59, 59))
    passage(town, h1, "out", "allowed", "exit_allowed", at(DAY + days(1), 0, 0))  # the next day
    passage(town, h1, "out", "allowed", "exit_allowed", at(DAY - days(1), 23, 59, 59))  # the day before
    passage(town, h1, "out", "refused", "quota_used", at(DAY, 9))
    passage(town, h1, "out", "refused", "quota_used", at(DAY, 10))
    passage(town, town.household_a2, "out", "refused", "quarantined", at(DAY, 11))
    passage(town, town.household_a2, "in", "referred", "fever", at(DAY, 12))
    compute_day(day=DAY)
    a1, a2, a = node(town.grid_a1), node(town.grid_a2), town.community_a.path
    assert (value(a1, "passages_out"), value(a1, "passages_in")) == (1, 1)
    assert value(a1, "refusals") == 2
    assert value(a1, "refusal:quota_used") == 2
    assert value(a2, "refusal:quarantined") == 1
    assert value(a2, "fevers") == 1
    assert value(a2, "passages_in") == 0  # a fever is referred, not let through
    assert value(a, "refusals") == 3
    assert value(town.city.path, "refusal:quota_used") == 2
    assert value(town.city.path, "fevers") == 1


def test_a_household_of_another_community_counts_in_the_gate_community_g0_node(town):
    passage(town, town.household_b, "out", "refused", "wrong_compound", at(DAY, 9))
    passage(town, None, "in", "refused", "pass_unknown", at(DAY, 9))
    compute_day(day=DAY)
    assert value(g0(town.community_a), "refusals") == 2
    assert value(g0(town.community_b), "refusals") == 0
    assert value(town.community_a.path, "refusal:wrong_compound") == 1


def test_hourly_flow_by_local_hour_at_community_level_and_above_only(town):
    h1 = town.household_a1
    passage(town, h1, "out", "allowed", "exit_allowed", at(DAY, 8, 0))
    passage(town, h1, "out", "allowed", "exit_exempt", at(DAY, 8, 59))
    passage(town, h1, "in", "allowed", "entry_allowed", at(DAY, 23, 30))
    passage(town, h1, "out", "refused", "quota_used", at(DAY, 8, 30))  # refused: not flow
    compute_day(day=DAY)
    a = town.community_a.path
    assert value(a, "flow_out:08") == 2  # local hours: 08:00 in Shanghai is 00:00 UTC
    assert value(a, "flow_in:23") == 1
    assert value(town.city.path, "flow_out:08") == 2
    assert not DailyStat.objects.filter(day=DAY, level="grid", metric__startswith="flow_").exists()
    flow_out = DailyStat.objects.filter(day=DAY, path=a, metric__startswith="flow_out:")
    assert sum(r.value for r in flow_out) == value(a, "passages_out") == 2
