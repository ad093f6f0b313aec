"""Who may be given an alert: an active user whose role handles alerts (command, community, health, grid)
and whose scope covers it (grid workers: its grid). Everybody else is refused by name, the assign form
offers exactly the others."""

from __future__ import annotations

import pytest

from lianfang.accounts.models import User
from lianfang.core.errors import DomainError
from lianfang.core.models import Alert, AlertStatus
from lianfang.core.roles import Role
from lianfang.watch.inbox import assign_alert, assignee_candidates, may_take
from lianfang.watch.tests.inbox_helpers import make_user, raise_in


@pytest.fixture
def others(world):
    """The users the world's personas lack: a street commander, grid A2's worker, a volunteer of A, and a
    health worker of A whose account is switched off."""
    return {
        "street_leader": make_user("street_leader", Role.COMMAND, area=world.street),
        "grid_a2_worker": make_user("grid_a2", Role.GRID, grid=world.grid_a2),
        "volunteer_a": make_user("volunteer_a", Role.VOLUNTEER, area=world.community_a),
        "retired_health": make_user("retired", Role.HEALTH, area=world.community_a, is_active=False),
    }


def test_an_alert_of_grid_a1_goes_to_the_staff_above_it_and_grid_a1s_worker(world, others):
    alert = raise_in(world, household=world.household_a1)
    names = set(assignee_candidates(alert).values_list("username", flat=True))
    assert names == {"commander", "street_leader", "staff_a", "health_a", "grid_a1"}
    # The form's list and the service's rule agree on every user there is.
    for user in User.objects.all():
        assert may_take(user, alert) == (user.username in names), user.username


def test_an_alert_without_a_grid_goes_to_no_grid_worker(world, others):
    alert = raise_in(world, household=None, path=world.community_a.path)
    names = set(assignee_candidates(alert).values_list("username", flat=True))
    assert names == {"commander", "street_leader", "staff_a", "health_a"}


@pytest.mark.parametrize(
    "who", ["staff_b", "guard_a", "resident_a", "grid_a2_worker", "volunteer_a", "retired_health"]
)
def test_assigning_to_someone_who_may_not_take_it_is_refused_by_name(world, others, who):
    alert = raise_in(world)
    person = others.get(who) or getattr(world, who)
    with pytest.raises(DomainError) as err:
        assign_alert(user=world.staff_a, alert=alert, assignee=person)
    assert (err.value.code, err.value.field) == ("assignee_not_allowed", "assignee")
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN and alert.assigned_to is None and alert.events.count() == 1


def test_an_assignee_is_given_by_id_and_an_unknown_id_is_refused_like_an_outsider(world):
    alert = raise_in(world)
    assign_alert(user=world.staff_a, alert=alert, assignee=world.health_a.pk)
    assert Alert.objects.get(pk=alert.pk).assigned_to == world.health_a
    for bad in (world.staff_b.pk, 987654321, None, "health_a"):
        with pytest.raises(DomainError) as err:
            assign_alert(user=world.staff_a, alert=alert, assignee=bad)
        assert err.value.code == "assignee_not_allowed"
        assert str(world.staff_b.name) not in str(err.value.message)
