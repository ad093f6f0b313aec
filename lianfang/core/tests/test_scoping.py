from lianfang.people.models import Resident
from lianfang.places.models import Household


def names(qs):
    return sorted(r.name for r in qs)


def test_commander_sees_the_whole_city(world):
    assert names(Resident.objects.visible_to(world.commander)) == ["张三", "李四", "王五"]


def test_community_staff_see_only_their_community(world):
    assert names(Resident.objects.visible_to(world.staff_a)) == ["张三", "李四"]
    assert names(Resident.objects.visible_to(world.staff_b)) == ["王五"]


def test_grid_worker_sees_only_their_grid(world):
    assert names(Resident.objects.visible_to(world.grid_a1_worker)) == ["张三"]
    assert list(Household.objects.visible_to(world.grid_a1_worker)) == [world.household_a1]


def test_gate_guard_sees_no_residents(world):
    assert Resident.objects.visible_to(world.guard_a).count() == 0


def test_resident_sees_only_own_household(world):
    assert names(Resident.objects.visible_to(world.resident_a)) == ["张三"]


def test_user_without_scope_sees_nothing(world):
    from lianfang.accounts.models import User
    from lianfang.core.roles import Role

    nobody = User.objects.create_user(username="nobody", password="x", role=Role.COMMUNITY)
    assert Resident.objects.visible_to(nobody).count() == 0
    assert Household.objects.visible_to(nobody).count() == 0


def test_anonymous_sees_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert Resident.objects.visible_to(AnonymousUser()).count() == 0
