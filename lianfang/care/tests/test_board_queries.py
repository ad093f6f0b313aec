"""The worker's board: overdue calls first, due calls, open and own errands, counts — in a fixed number
of queries whether the grid has 1 or 30 households in quarantine."""

from __future__ import annotations

import pytest

from lianfang.accounts.models import User
from lianfang.care.models import CallWindow
from lianfang.care.queries import worker_board
from lianfang.care.services import assign_errand, raise_errand, record_call
from lianfang.care.tests.conftest import make_user
from lianfang.core.roles import Role

# The grid (scope), policies, the windows with their teams, households, errand counts, errands, mine (read).
BOARD_QUERIES = 7


def seal_building_3(world, today, households: int) -> list:
    """Building 3 of 阳光小区 (grid A1) with `households` households (household_a1 and more), sealed."""
    from lianfang.epi.services import apply_lockdown
    from lianfang.people.services import ResidentData, create_resident
    from lianfang.places.services import ensure_household

    for n in range(households - 1):
        h = ensure_household(compound=world.compound_a, building="3", unit="2", room=str(101 + n))
        create_resident(user=world.staff_a, household=h, data=ResidentData(name=f"住户{n}"))
    apply_lockdown(
        user=world.health_a,
        scope="building",
        target_id=world.household_a1.unit.building_id,
        start=today,
        days=14,
    )
    return list(world.household_a1.unit.building.units.values_list("households", flat=True))


@pytest.mark.parametrize("households", [1, 30])
def test_the_board_costs_the_same_queries_for_1_or_30_households(
    world, leader, today, at, households, django_assert_num_queries
):
    seal_building_3(world, today, households)
    errand = raise_errand(
        user=world.staff_a, household=world.household_a1, category="vegetables", details="菜", now=at(9)
    )
    assign_errand(user=world.staff_a, errand=errand, assignee=world.grid_a1_worker, now=at(9))
    worker = User.objects.get(pk=world.grid_a1_worker.pk)  # nothing cached
    with django_assert_num_queries(BOARD_QUERIES):
        board = worker_board(worker, now=at(13))
        [str(s.household) for s in board["overdue_calls"]]
        [(str(e.household), e.assignee) for e in [*board["open_errands"], *board["my_errands"]]]
    assert board["counts"] == {
        "households": households,
        "overdue_calls": households,
        "due_calls": 0,
        "my_overdue_calls": households,
        "open_errands": 1,
        "overdue_errands": 0,
        "my_errands": 1,
    }
    assert len(board["overdue_calls"]) == households
    assert [e.pk for e in board["my_errands"]] == [errand.pk]


def test_overdue_calls_come_first_oldest_first_and_recorded_ones_leave(world, held_a1, at):
    h = held_a1.household
    board = worker_board(world.grid_a1_worker, now=at(15, days=1))
    assert [(s.date, s.window, s.overdue) for s in board["overdue_calls"]] == [
        (at(0).date(), CallWindow.MORNING, True),
        (at(0).date(), CallWindow.AFTERNOON, True),
        (at(0, days=1).date(), CallWindow.MORNING, True),
    ]
    assert [(s.window, s.overdue) for s in board["due_calls"]] == [(CallWindow.AFTERNOON, False)]
    record_call(
        user=world.grid_a1_worker,
        household=h,
        date=at(0).date(),
        window="am",
        reached=True,
        now=at(15, days=1),
    )
    board = worker_board(world.grid_a1_worker, now=at(15, days=1))
    assert board["counts"]["overdue_calls"] == 2


def test_late_errands_come_first(world, held_a1, at):
    soon = raise_errand(
        user=world.staff_a,
        household=held_a1.household,
        category="bill",
        details="电费",
        due_at=at(10),
        now=at(9),
    )
    later = raise_errand(
        user=world.staff_a, household=held_a1.household, category="parcel", details="快递", now=at(9)
    )
    board = worker_board(world.staff_a, now=at(11))
    assert [(e.pk, e.late) for e in board["open_errands"]] == [(soon.pk, True), (later.pk, False)]
    assert board["counts"]["overdue_errands"] == 1


def test_another_grids_worker_sees_none_of_it(world, held_a1, at):
    raise_errand(user=world.staff_a, household=held_a1.household, category="bill", details="电费", now=at(9))
    a2 = make_user("grid_a2", Role.GRID, grid=world.grid_a2)
    for user in (a2, world.staff_b):
        board = worker_board(user, now=at(13))
        assert board["overdue_calls"] == board["due_calls"] == board["open_errands"] == []
        assert board["counts"]["households"] == 0


def test_a_team_member_sees_their_households_as_mine(world, held_a1, at):
    board = worker_board(world.staff_a, now=at(13))
    assert [s.mine for s in board["overdue_calls"]] == [True]
    other = make_user("staff_a2", Role.COMMUNITY, area=world.community_a)
    assert [s.mine for s in worker_board(other, now=at(13))["overdue_calls"]] == [False]
