"""Care teams (四包一): proposed when a home quarantine starts, ended when it ends, changed by staff."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lianfang.care.models import CareTeam, CareTeamMember, TeamRole
from lianfang.care.services import set_team_member, sync_care_teams, team_members
from lianfang.care.tests.conftest import make_user, quarantine_home
from lianfang.core.errors import DomainError
from lianfang.core.roles import Role


def members(team) -> dict[str, str]:
    return {m.role: m.user.username for m in team_members(team)}


def test_a_home_quarantine_opens_a_team_of_four_from_the_households_area(world, held_a1, today):
    team = held_a1.team
    assert (team.started, team.ended, team.path) == (today, None, world.household_a1.path)
    assert members(team) == {
        TeamRole.LEADER: "leader_street",
        TeamRole.SECRETARY: "staff_a",
        TeamRole.GRID: "grid_a1",
        TeamRole.HEALTH: "health_a",
    }


def test_missing_roles_are_simply_absent(world, today):
    quarantine_home(world, world.li_si, today)  # grid A2 has no worker; the street no leader
    team = CareTeam.objects.get(household=world.household_a2)
    assert members(team) == {TeamRole.SECRETARY: "staff_a", TeamRole.HEALTH: "health_a"}


def test_the_nearest_health_worker_wins_then_the_lowest_id(world, today):
    make_user("health_city", Role.HEALTH, area=world.city)
    make_user("health_a_second", Role.HEALTH, area=world.community_a)
    quarantine_home(world, world.zhang_san, today)
    assert members(CareTeam.objects.get(household=world.household_a1))[TeamRole.HEALTH] == "health_a"


def test_a_district_commander_leads_when_the_street_has_none(world, today):
    make_user("leader_district", Role.COMMAND, area=world.district)
    quarantine_home(world, world.zhang_san, today)
    assert members(CareTeam.objects.get(household=world.household_a1))[TeamRole.LEADER] == "leader_district"


def test_a_second_quarantine_in_the_household_keeps_the_one_team(world, held_a1, today):
    from lianfang.people.services import ResidentData, create_resident

    wife = create_resident(user=world.staff_a, household=world.household_a1, data=ResidentData(name="张妻"))
    quarantine_home(world, wife, today, days=20)
    assert CareTeam.objects.filter(household=world.household_a1).count() == 1


def test_releasing_the_quarantine_ends_the_team_today(world, held_a1, today):
    from lianfang.epi.services import release_quarantine

    release_quarantine(
        user=world.health_a, quarantine=held_a1.quarantine, today=today, override_reason="negative"
    )
    held_a1.team.refresh_from_db()
    assert held_a1.team.ended == today
    quarantine_home(world, world.zhang_san, today)  # a new quarantine: a new team
    assert CareTeam.objects.filter(household=world.household_a1, ended__isnull=True).count() == 1
    assert CareTeam.objects.filter(household=world.household_a1).count() == 2


def test_a_unit_lockdown_opens_a_team_per_household_in_a_fixed_number_of_statements(world, leader, today):
    from lianfang.epi.services import apply_lockdown
    from lianfang.people.services import ResidentData, create_resident
    from lianfang.places.models import Household
    from lianfang.places.services import ensure_household

    for room in ("102", "201", "202"):
        h = ensure_household(compound=world.compound_a, building="3", unit="1", room=room)
        create_resident(user=world.staff_a, household=h, data=ResidentData(name=f"住户{room}"))
    apply_lockdown(
        user=world.health_a, scope="unit", target_id=world.household_a1.unit_id, start=today, days=14
    )
    unit = Household.objects.filter(unit=world.household_a1.unit)
    assert CareTeam.objects.filter(household__in=unit, ended__isnull=True).count() == 4
    assert CareTeamMember.objects.filter(team__household__in=unit).count() == 16
    assert not CareTeam.objects.exclude(household__in=unit).exists()

    # The receiver's statements do not grow with the number of households.
    CareTeam.objects.all().delete()
    with CaptureQueriesContext(connection) as one:
        sync_care_teams([world.household_a1.pk], today=today)
    CareTeam.objects.all().delete()
    with CaptureQueriesContext(connection) as four:
        sync_care_teams(unit.values("pk"), today=today)
    assert len(one) == len(four) == 3
    assert CareTeam.objects.count() == 4


def test_staff_change_a_member_to_another_worker_of_the_grid(world, held_a1):
    other = make_user("grid_a1_second", Role.GRID, grid=world.grid_a1)
    set_team_member(user=world.staff_a, team=held_a1.team, role=TeamRole.GRID, member=other)
    assert members(held_a1.team)[TeamRole.GRID] == "grid_a1_second"
    set_team_member(user=world.staff_a, team=held_a1.team, role=TeamRole.LEADER, member=None)
    assert TeamRole.LEADER not in members(held_a1.team)


@pytest.mark.parametrize(
    ("who", "code"),
    [("grid_a1_worker", "forbidden"), ("health_a", "forbidden"), ("staff_b", "not_found")],
)
def test_only_community_staff_of_the_area_change_a_team(world, held_a1, who, code):
    other = make_user("grid_a1_second", Role.GRID, grid=world.grid_a1)
    with pytest.raises(DomainError) as err:
        set_team_member(user=getattr(world, who), team=held_a1.team, role=TeamRole.GRID, member=other)
    assert err.value.code == code
    assert members(held_a1.team)[TeamRole.GRID] == "grid_a1"


def test_a_member_of_the_wrong_role_or_another_grid_is_refused_nothing_changed(world, held_a1):
    a2 = make_user("grid_a2", Role.GRID, grid=world.grid_a2)
    for role, member, code in [
        (TeamRole.GRID, a2, "member_out_of_scope"),
        (TeamRole.GRID, world.staff_a, "member_wrong_role"),
        (TeamRole.SECRETARY, world.staff_b, "member_out_of_scope"),
        ("boss", world.staff_a, "bad_team_role"),
    ]:
        with pytest.raises(DomainError) as err:
            set_team_member(user=world.staff_a, team=held_a1.team, role=role, member=member)
        assert err.value.code == code
    assert members(held_a1.team)[TeamRole.GRID] == "grid_a1"
    assert members(held_a1.team)[TeamRole.SECRETARY] == "staff_a"


def test_each_worker_sees_the_teams_of_their_scope_only(world, held_a1, today):
    quarantine_home(world, world.wang_wu, today, by=world.staff_b)  # community B
    assert list(CareTeam.objects.visible_to(world.grid_a1_worker)) == [held_a1.team]
    assert CareTeam.objects.visible_to(world.staff_b).get().household == world.household_b
    assert CareTeam.objects.visible_to(world.staff_a).get() == held_a1.team
    assert not CareTeam.objects.visible_to(world.guard_a).exists()
