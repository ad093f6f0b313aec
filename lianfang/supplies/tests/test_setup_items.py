"""The city's catalogue of items, set up by community staff and the command centre: an item added (audited),
a name used twice refused whatever its case and spacing, numbers out of bounds refused with nothing written,
an item's limit changed or taken out of use; grid workers, gate duty and volunteers refused (403)."""

from __future__ import annotations

import pytest

from lianfang.accounts.models import User
from lianfang.care.tests.conftest import make_user
from lianfang.core.errors import DomainError
from lianfang.core.models import AuditLog
from lianfang.core.roles import Role
from lianfang.supplies.models import Item
from lianfang.supplies.setup import change_item, create_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def volunteer(world):
    return User.objects.create_user(
        username="volunteer_a", password="x-Passw0rd!", role=Role.VOLUNTEER, area=world.community_a
    )


def refused(code, **kw):
    with pytest.raises(DomainError) as err:
        create_item(**kw)
    assert err.value.code == code
    return err.value


def test_community_staff_add_an_item_with_a_limit_per_household_and_it_is_audited(world):
    item = create_item(
        user=world.staff_a,
        name="  N95   口罩 ",
        unit="只",
        category="protective",
        household_limit=10,
        limit_days=14,
    )
    item.refresh_from_db()
    assert (item.name, item.unit, item.household_limit, item.limit_days, item.is_active) == (
        "N95 口罩",
        "只",
        10,
        14,
        True,
    )
    entry = AuditLog.objects.get(object_type="item", object_id=str(item.pk))
    assert entry.user == world.staff_a and "N95 口罩" in entry.summary


def test_the_command_centre_adds_an_item_without_a_limit(world):
    item = create_item(user=world.commander, name="大米", unit="袋", category="food")
    assert (item.household_limit, item.limit_days) == (None, 7)


@pytest.mark.parametrize("name", ["Masks", "masks", " MASKS ", "masks\u3000"])
def test_a_name_already_in_the_catalogue_is_refused_whatever_its_case_and_spaces(world, name):
    create_item(user=world.staff_a, name="Masks", unit="box", category="protective")
    err = refused("item_exists", user=world.staff_b, name=name, unit="box", category="protective")
    assert err.field == "name"
    assert Item.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"name": ""}, "name_required"),
        ({"name": "   "}, "name_required"),
        ({"name": "口" * 61}, "name_too_long"),
        ({"unit": ""}, "unit_invalid"),
        ({"unit": "u" * 11}, "unit_invalid"),
        ({"category": "weapons"}, "category_invalid"),
        ({"household_limit": 0}, "limit_invalid"),
        ({"household_limit": -5}, "limit_invalid"),
        ({"household_limit": 10_000_001}, "limit_invalid"),
        ({"household_limit": "lots"}, "limit_invalid"),
        ({"household_limit": 2.5}, "limit_invalid"),
        ({"household_limit": True}, "limit_invalid"),
        ({"limit_days": 0}, "limit_days_invalid"),
        ({"limit_days": 367}, "limit_days_invalid"),
        ({"limit_days": "a week"}, "limit_days_invalid"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(world, change, code):
    data = {"name": "口罩", "unit": "只", "category": "protective", "household_limit": 20, "limit_days": 7}
    refused(code, user=world.staff_a, **{**data, **change})
    assert not Item.objects.exists()
    assert not AuditLog.objects.filter(object_type="item").exists()


def test_the_bounds_themselves_are_accepted(world):
    item = create_item(
        user=world.staff_a,
        name="口" * 60,
        unit="u" * 10,
        category="other",
        household_limit=10_000_000,
        limit_days=366,
    )
    assert (item.household_limit, item.limit_days) == (10_000_000, 366)


@pytest.mark.parametrize("who", ["grid_a1_worker", "guard_a", "health_a", "resident_a"])
def test_other_roles_may_not_add_items(world, who):
    err = refused("forbidden", user=getattr(world, who), name="口罩", unit="只", category="protective")
    assert err.status == 403
    assert not Item.objects.exists()


def test_a_volunteer_may_not_add_or_change_items(world, volunteer):
    assert refused("forbidden", user=volunteer, name="口罩", unit="只", category="protective").status == 403
    item = create_item(user=world.staff_a, name="口罩", unit="只", category="protective")
    with pytest.raises(DomainError) as err:
        change_item(user=volunteer, item=item, household_limit=None, limit_days=7, is_active=False)
    assert err.value.status == 403
    item.refresh_from_db()
    assert item.is_active


def test_an_items_limit_changes_and_it_goes_out_of_use_and_back(world):
    item = create_item(user=world.staff_a, name="口罩", unit="只", category="protective")
    change_item(user=world.commander, item=item, household_limit=20, limit_days=7, is_active=True)
    item.refresh_from_db()
    assert (item.household_limit, item.limit_days, item.is_active) == (20, 7, True)
    change_item(user=world.commander, item=item.pk, household_limit=None, limit_days=3, is_active=False)
    item.refresh_from_db()
    assert (item.household_limit, item.limit_days, item.is_active) == (None, 3, False)
    change_item(user=world.commander, item=item.pk, household_limit="", limit_days=3, is_active=True)
    item.refresh_from_db()
    assert item.is_active
    assert AuditLog.objects.filter(object_type="item", action="change").count() == 3


@pytest.mark.parametrize(
    ("limit", "days", "code"),
    [(0, 7, "limit_invalid"), (5, 0, "limit_days_invalid"), (5, 400, "limit_days_invalid")],
)
def test_a_change_out_of_bounds_is_refused_and_changes_nothing(world, limit, days, code):
    item = create_item(user=world.staff_a, name="口罩", unit="只", category="protective", household_limit=20)
    with pytest.raises(DomainError) as err:
        change_item(user=world.commander, item=item, household_limit=limit, limit_days=days, is_active=False)
    assert err.value.code == code
    item.refresh_from_db()
    assert (item.household_limit, item.limit_days, item.is_active) == (20, 7, True)


def test_changing_an_item_that_does_not_exist_is_refused(world):
    with pytest.raises(DomainError) as err:
        change_item(user=world.commander, item=999_999, household_limit=None, limit_days=7, is_active=True)
    assert err.value.code == "item_unknown"


def test_only_the_citys_command_centre_changes_an_item_of_the_whole_city(world):
    """A community's staff (who may add items) or a district's command centre changing the masks' limit
    would change it for every household of the city: refused, nothing changed."""
    item = create_item(user=world.staff_a, name="口罩", unit="只", category="protective", household_limit=20)
    district_chief = make_user("district_chief", Role.COMMAND, area=world.district)
    for user in (world.staff_a, district_chief):
        with pytest.raises(DomainError) as err:
            change_item(user=user, item=item, household_limit=100, limit_days=7, is_active=False)
        assert (err.value.code, err.value.status) == ("forbidden", 403)
    item.refresh_from_db()
    assert (item.household_limit, item.is_active) == (20, True)
