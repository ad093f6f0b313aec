"""The demo city's care data (seed_demo, tiny scale): the grid worker's quarantined households with their
four-person teams, a morning call overdue in the afternoon (due in the morning), errands in every state
with one for the demo volunteer, disinfection red and green, kits waiting, and the household's link."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client

from lianfang.accounts.models import User
from lianfang.care.models import CareCall, CareTeam, Errand, ErrandStatus, KitDelivery, TeamRole
from lianfang.care.queries import worker_board
from lianfang.care.services import buildings_to_disinfect, households_waiting_for_kit, start_errand
from lianfang.demo.accounts import DEFAULT_PASSWORD
from lianfang.demo.seed import seed
from lianfang.places.models import Household

pytestmark = pytest.mark.django_db


def seed_tiny(now, reset: bool = False) -> dict[str, User]:
    seed(scale="tiny", password=DEFAULT_PASSWORD, now=now, reset=reset)
    return {u.username: u for u in User.objects.all()}


@pytest.fixture
def afternoon(at):
    return seed_tiny(at(15, 0))


def grid_teams(users):
    return CareTeam.objects.filter(ended__isnull=True, household__grid=users["grid"].grid)


def test_the_grid_worker_has_four_quarantined_households_each_with_a_four_person_team(afternoon):
    users = afternoon
    teams = list(grid_teams(users).prefetch_related("members__user"))

    assert len(teams) == 4
    for team in teams:
        members = {m.role: m.user.username for m in team.members.all()}
        assert members == {
            TeamRole.GRID: "grid",
            TeamRole.SECRETARY: "staff",
            TeamRole.HEALTH: "health",
            TeamRole.LEADER: "district",
        }
    assert users["resident"].household_id not in {t.household_id for t in teams}


def test_in_the_afternoon_a_missed_morning_call_comes_first_and_the_afternoon_calls_are_due(afternoon, at):
    board = worker_board(afternoon["grid"], now=at(15, 30))

    [overdue] = board["overdue_calls"]
    assert overdue.window == "am" and overdue.mine
    assert {s.window for s in board["due_calls"]} == {"pm"}
    assert len(board["due_calls"]) == 4
    # Today's calls (the days before have theirs: demo/history_care.py).
    calls = CareCall.objects.filter(date=at(15, 0).date())
    assert calls.filter(household__grid=afternoon["grid"].grid, window="am").count() == 3
    assert calls.filter(reached=False).count() == 1


def test_in_the_morning_the_missing_call_is_due_and_nothing_is_overdue(at):
    users = seed_tiny(at(9, 30))

    board = worker_board(users["grid"], now=at(9, 45))

    assert board["overdue_calls"] == []
    assert [s.window for s in board["due_calls"]] == ["am"]


def test_seeded_before_the_morning_window_no_call_is_recorded_and_every_morning_call_is_due_at_eight(at):
    users = seed_tiny(at(6, 30))

    board = worker_board(users["grid"], now=at(8, 5))

    assert not CareCall.objects.filter(date=at(6, 30).date()).exists()
    assert len(board["due_calls"]) == 4
    assert Errand.objects.filter(status=ErrandStatus.ASSIGNED, assignee=users["volunteer"]).count() == 1


def test_errands_are_in_every_state_and_one_of_them_is_overdue(afternoon, at):
    errands = Errand.objects.filter(household__grid=afternoon["grid"].grid)

    assert set(errands.values_list("status", flat=True)) == set(ErrandStatus.values)
    board = worker_board(afternoon["grid"], now=at(15, 30))
    assert board["counts"]["overdue_errands"] == 1
    confirmed = errands.get(status=ErrandStatus.CONFIRMED)
    assert confirmed.money_advanced == confirmed.money_repaid > 0
    assert errands.get(status=ErrandStatus.CANCELLED).cancel_reason
    assert all(e.events.exists() for e in errands)


def test_the_demo_volunteer_has_an_assigned_errand_and_can_set_off_with_it(afternoon, at):
    volunteer = afternoon["volunteer"]
    [errand] = worker_board(volunteer, now=at(15, 30))["my_errands"]

    started = start_errand(user=volunteer, errand=errand, now=at(15, 40))

    assert started.status == ErrandStatus.ON_THE_WAY
    assert errand.category == "vegetables" and errand.call_id is not None


def test_the_family_s_page_shows_its_delivered_errand_to_confirm_and_its_team_s_phones(afternoon):
    delivered = Errand.objects.get(status=ErrandStatus.DELIVERED)
    household = Household.objects.get(pk=delivered.household_id)

    response = Client().get(f"/access/h/{household.link_key}/")

    assert response.status_code == 200
    page = response.content.decode()
    assert f'data-errand="{delivered.pk}"' in page and 'data-test="confirm-form"' in page
    assert afternoon["grid"].phone and afternoon["grid"].phone in page


def test_demo_logins_prints_the_secret_links_of_the_quarantined_households(afternoon):
    out = io.StringIO()

    call_command("demo_logins", "--base-url", "http://demo.example", stdout=out)

    keys = (
        Household.objects.exclude(link_key="")
        .exclude(link_key__isnull=True)
        .values_list("link_key", flat=True)
    )
    assert len(keys) == 2
    for key in keys:
        assert f"http://demo.example/access/h/{key}/" in out.getvalue()


def test_the_grid_s_building_is_red_today_and_the_sealed_building_next_door_is_done(afternoon):
    [mine] = buildings_to_disinfect(afternoon["grid"])
    everything = buildings_to_disinfect(afternoon["commander"])

    assert mine.red and mine.building.disinfections.count() == 1
    assert sorted(b.done for b in everything) == [False, True]


def test_two_households_have_their_kit_and_two_are_waiting(afternoon):
    waiting = households_waiting_for_kit(afternoon["grid"])

    assert waiting.count() == 2
    delivered = KitDelivery.objects.filter(household__grid=afternoon["grid"].grid)
    assert delivered.count() == 2
    assert len(delivered.first().items.splitlines()) == 9


def test_reseeding_replaces_the_care_data(afternoon, at):
    before = (CareTeam.objects.count(), CareCall.objects.count(), Errand.objects.count())

    seed_tiny(at(15, 0), reset=True)

    assert (CareTeam.objects.count(), CareCall.objects.count(), Errand.objects.count()) == before
