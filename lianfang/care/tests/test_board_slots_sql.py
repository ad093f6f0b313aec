"""The call windows computed in SQL (calls.board_slots: the board, call_slots, the overdue alerts) are
exactly those of the Python oracle (slots_oracle.slots_of over annotated_teams): same windows, same order,
same bounds and `mine` flags, same counts, on random households, teams, calls, policies up and down the area
tree and times of day."""

from __future__ import annotations

import datetime
import random

import pytest
from django.utils import timezone

from lianfang.care.calls import board_slots, call_slots
from lianfang.care.models import CallWindow, CareCall, CarePolicy, CareTeam, CareTeamMember, TeamRole
from lianfang.care.policy import care_policies, care_rules_resolver
from lianfang.care.tests.slots_oracle import annotated_teams, slots_of
from lianfang.places.services import ensure_household

# A few start and end times only, so that windows of different policies often end together (ties).
MORNINGS = [(7, 0), (8, 0), (8, 30), (12, 0)]
UNTILS = [(11, 0), (12, 0), (12, 30)]
AFTERNOONS = [(13, 0), (14, 0)]
EVENINGS = [(17, 0), (18, 0), (20, 30)]


def t(hm: tuple[int, int]) -> datetime.time:
    return datetime.time(*hm)


def random_city(world, rnd: random.Random, today: datetime.date) -> None:
    """Households of both communities (with labels shared across compounds), teams begun yesterday or
    today (some ended, some households no longer held), calls of random windows, staff_a in some teams,
    and policies on a random set of areas."""
    yesterday = today - datetime.timedelta(days=1)
    households = []
    for _n in range(rnd.randint(4, 14)):
        compound = rnd.choice([world.compound_a, world.compound_b])
        room = str(101 + rnd.randint(0, 5))
        households.append(ensure_household(compound=compound, building="3", unit="1", room=room))
    for h in {h.pk: h for h in households}.values():
        held = rnd.random() < 0.85
        h.exits_held_until = today + datetime.timedelta(days=rnd.randint(0, 10) if held else -1)
        h.save(update_fields=["exits_held_until"])
        team = CareTeam.objects.create(
            household=h,
            path=h.path,
            started=rnd.choice([yesterday, yesterday, today, today - datetime.timedelta(days=5)]),
            ended=today if rnd.random() < 0.1 else None,
        )
        if rnd.random() < 0.5:
            CareTeamMember.objects.create(team=team, user=world.staff_a, role=TeamRole.SECRETARY)
        for day in (yesterday, today):
            for window in CallWindow.values:
                if rnd.random() < 0.35:
                    CareCall.objects.create(
                        household=h, team=team, date=day, window=window, reached=True, path=h.path
                    )
    areas = [world.city, world.district, world.street, world.community_a, world.community_b]
    for area in rnd.sample(areas, rnd.randint(0, len(areas))):
        CarePolicy.objects.create(
            area=area,
            morning_from=t(rnd.choice(MORNINGS[:3])),
            morning_until=t(rnd.choice(UNTILS)),
            afternoon_from=t(rnd.choice(AFTERNOONS)),
            afternoon_until=t(rnd.choice(EVENINGS)),
        )


def times_of_day(rnd: random.Random, today: datetime.date) -> list[datetime.datetime]:
    """Window edges exactly (a window is overdue once now == end), a minute before, and random times."""
    edges = {hm for group in (MORNINGS, UNTILS, AFTERNOONS, EVENINGS) for hm in group}
    moments = [datetime.time(h, m) for h, m in edges] + [
        (datetime.datetime.combine(today, datetime.time(h, m)) - datetime.timedelta(minutes=1)).time()
        for h, m in edges
    ]
    moments += [datetime.time(rnd.randint(0, 23), rnd.randint(0, 59)) for _ in range(4)]
    picked = rnd.sample(moments, 8) + [datetime.time(0, 0), datetime.time(23, 59)]
    return [timezone.make_aware(datetime.datetime.combine(today, m)) for m in picked]


def python_board(user, base, now):
    overdue, due = slots_of(list(annotated_teams(base, now, user)), now, care_rules_resolver(user.scope_path))
    return overdue, due


def as_rows(slots) -> list[tuple]:
    return [(s.team.pk, s.date, s.window, s.starts_at, s.ends_at, s.overdue, s.mine) for s in slots]


@pytest.mark.parametrize("seed", range(12))
def test_the_sql_windows_have_the_same_order_bounds_and_counts_as_the_python_oracle(world, seed):
    rnd = random.Random(seed)
    today = timezone.localdate()
    random_city(world, rnd, today)
    users = [world.commander, world.staff_a, world.grid_a1_worker, world.staff_b, world.health_a]
    compared = 0
    for now in times_of_day(rnd, today):
        for user in users:
            base = CareTeam.objects.visible_to(user)
            overdue, due = python_board(user, base, now)
            for limit in (1, 3, 100):
                sql = board_slots(base, now, care_policies(user.scope_path), user, limit)
                assert as_rows(sql.overdue) == as_rows(overdue[:limit]), (seed, now, user, limit)
                assert as_rows(sql.due) == as_rows(due[:limit]), (seed, now, user, limit)
                assert (sql.n_overdue, sql.n_due, sql.n_my_overdue) == (
                    len(overdue),
                    len(due),
                    sum(1 for s in overdue if s.mine),
                ), (seed, now, user, limit)
            # call_slots: every window of the scope (limit=None)
            assert tuple(map(as_rows, call_slots(user, now))) == (as_rows(overdue), as_rows(due))
            compared += len(overdue) + len(due)
        # The overdue alerts: every overdue window of the city, under every policy.
        everyone = CareTeam.objects.all()
        city = board_slots(everyone, now, care_policies(None), None, None)
        overdue, due = slots_of(list(annotated_teams(everyone, now)), now, care_rules_resolver(None))
        assert (as_rows(city.overdue), as_rows(city.due)) == (as_rows(overdue), as_rows(due)), (seed, now)
    assert compared > 0  # the seed made something to compare


def test_a_household_shown_on_the_board_comes_with_its_compound_without_more_queries(
    world, held_a1, at, django_assert_num_queries
):
    base = CareTeam.objects.visible_to(world.grid_a1_worker)
    policies = care_policies(world.grid_a1_worker.scope_path)
    with django_assert_num_queries(1):  # the windows with the teams shown
        slots = board_slots(base, at(13), policies, world.grid_a1_worker, 20)
        assert [f"{s.household.compound.name} {s.household.label}" for s in slots.overdue] == [
            "阳光小区 3栋1单元101"
        ]
