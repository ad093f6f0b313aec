"""The gap rule at its edges, time frozen: 15 minutes before a start, midnight, a shift across days."""

from __future__ import annotations

import pytest
import time_machine

from lianfang.core.models import Alert, AlertKind
from lianfang.mobilize.gaps import gap_rows, gap_view, raise_gap_alerts
from lianfang.mobilize.models import Assignment, AssignmentStatus
from lianfang.mobilize.tests.conftest import add_shift, local

pytestmark = pytest.mark.django_db


def status_of(world, shift, now):
    rows = {r.shift_id: r.gap for r in gap_rows(world.staff_a, now=now)}
    return rows.get(shift.pk)


def put(shift, volunteer, status):
    return Assignment.objects.create(shift=shift, volunteer=volunteer, status=status)


def test_an_empty_shift_is_uncovered_and_one_of_two_people_is_under_covered(world, volunteers):
    s = add_shift(world, local(2026, 3, 2, 8), needed=2)
    now = local(2026, 3, 2, 1)
    assert status_of(world, s, now) == "uncovered"
    put(s, volunteers[0], AssignmentStatus.ACCEPTED)
    assert status_of(world, s, now) == "under"
    put(s, volunteers[1], AssignmentStatus.INVITED)
    assert status_of(world, s, now) == "unconfirmed"


def test_a_confirmed_shift_turns_at_risk_exactly_15_minutes_before_its_start_when_nobody_checked_in(
    world, volunteers
):
    s = add_shift(world, local(2026, 3, 2, 8))
    a = put(s, volunteers[0], AssignmentStatus.ACCEPTED)
    assert status_of(world, s, local(2026, 3, 2, 7, 44)) == "ok"
    assert status_of(world, s, local(2026, 3, 2, 7, 45)) == "at_risk"
    a.status = AssignmentStatus.CHECKED_IN
    a.save()
    assert status_of(world, s, local(2026, 3, 2, 7, 45)) == "ok"


def test_a_shift_across_midnight_is_in_the_view_until_it_ends(world):
    s = add_shift(world, local(2026, 3, 2, 23), hours=8)  # 23:00 - 07:00 the next day
    assert status_of(world, s, local(2026, 3, 3, 0, 0)) == "uncovered"
    assert status_of(world, s, local(2026, 3, 3, 6, 59)) == "uncovered"
    assert status_of(world, s, local(2026, 3, 3, 7, 0)) is None


def test_the_view_reaches_72_hours_ahead_and_no_further(world):
    now = local(2026, 3, 2, 0)
    inside = add_shift(world, local(2026, 3, 4, 23, 59))
    outside = add_shift(world, local(2026, 3, 5, 0, 0))
    rows = {r.shift_id for r in gap_rows(world.staff_a, now=now)}
    assert inside.pk in rows and outside.pk not in rows


def test_other_communities_and_other_roles_see_no_shifts_of_a(world, volunteers):
    add_shift(world, local(2026, 3, 2, 8))
    now = local(2026, 3, 2, 1)
    assert gap_rows(world.staff_b, now=now) == []
    assert gap_rows(world.resident_a, now=now) == []
    assert len(gap_rows(world.guard_a, now=now)) == 1
    summary, rows = gap_view(world.commander, now=now, only_gaps=True)
    assert summary[world.community_a.path].counts == {"uncovered": 1} and len(rows) == 1


def test_the_city_view_counts_every_status_and_lists_only_the_gaps(world, volunteers):
    now = local(2026, 3, 2, 1)
    covered = add_shift(world, local(2026, 3, 2, 8))
    put(covered, volunteers[0], AssignmentStatus.ACCEPTED)
    gap = add_shift(world, local(2026, 3, 2, 16))
    summary, rows = gap_view(world.commander, now=now, only_gaps=True)
    assert summary[world.community_a.path].counts == {"ok": 1, "uncovered": 1}
    assert [r.shift_id for r in rows] == [gap.pk]
    _summary, everything = gap_view(world.staff_a, now=now)
    assert [r.shift_id for r in everything] == [covered.pk, gap.pk]


def test_a_gap_tonight_raises_one_alert_per_gate_in_the_afternoon(world, volunteers):
    add_shift(world, local(2026, 3, 2, 23))
    add_shift(world, local(2026, 3, 3, 7))  # tomorrow morning 07:00 is still tonight's window
    covered = add_shift(world, local(2026, 3, 2, 15))
    put(covered, volunteers[0], AssignmentStatus.ACCEPTED)
    with time_machine.travel(local(2026, 3, 2, 14), tick=False):
        assert raise_gap_alerts() == 1
        assert raise_gap_alerts() == 0  # the same gate and night: one alert
    alert = Alert.objects.get(kind=AlertKind.ROSTER_GAP)
    assert alert.path == world.community_a.path and "2" in alert.title
