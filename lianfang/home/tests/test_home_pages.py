import pytest
from django.conf import settings
from django.urls import reverse

from lianfang.accounts.models import User
from lianfang.core.roles import Role


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def home(login, user) -> str:
    response = login(user).get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def test_anonymous_is_sent_to_login(db, client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_commanders_home_is_the_dashboard_with_the_areas_below_and_no_registry_counts(world, login):
    page = home(login, world.commander)
    assert 'data-test="dashboard"' in page
    assert reverse("dashboard:area", args=["340403"]) in page  # the district, to drill down
    assert "田家庵区" in page
    assert 'data-test="children"' in page
    assert "Areas under you" not in page  # the old table of registry counts


def test_community_staff_see_their_compounds_only(world, login):
    page = home(login, world.staff_a)
    assert "阳光小区" in page
    assert "春晖园" not in page
    assert reverse("core:audit-list") in page


def test_community_b_staff_see_their_own_compound(world, login):
    page = home(login, world.staff_b)
    assert "春晖园" in page
    assert "阳光小区" not in page


def test_health_worker_sees_the_compounds_of_their_community(world, login):
    page = home(login, world.health_a)
    assert "阳光小区" in page
    assert "春晖园" not in page


def test_grid_worker_sees_vulnerable_residents_and_households_of_their_grid(world, login):
    page = home(login, world.grid_a1_worker)
    assert "张三" in page
    assert "Chronic illness" in page
    assert "3栋1单元101" in page
    assert "李四" not in page
    assert "5栋1单元201" not in page


def test_grid_workers_home_links_each_household_and_vulnerable_resident_to_their_pages(world, login):
    page = home(login, world.grid_a1_worker)
    h, zs = world.household_a1, world.zhang_san
    assert f'<a href="{reverse("people:resident-detail", args=[zs.pk])}">张三</a>' in page
    assert f'<a href="{reverse("places:household-detail", args=[h.pk])}">阳光小区 3栋1单元101</a>' in page
    assert f'<a href="{reverse("people:visit-create", args=[h.pk])}">Record a visit</a>' in page
    assert page.count(f'href="{reverse("places:household-detail", args=[h.pk])}"') == 2  # resident, row


def test_gate_duty_sees_their_gate_and_a_way_to_the_checkpoint(world, login):
    page = home(login, world.guard_a)
    assert "东门" in page
    assert "/access/checkpoint/" in page
    assert "张三" not in page


def test_volunteer_sees_their_community(world, login):
    volunteer = User.objects.create_user(
        username="vol_a", password="x", role=Role.VOLUNTEER, area=world.community_a
    )
    page = home(login, volunteer)
    assert "A社区" in page
    assert "阳光小区" in page
    assert "张三" not in page


def test_resident_sees_own_household_members_masked_and_without_id(world, login):
    page = login(world.resident_a).get(reverse("home"), follow=True).content.decode()
    assert "3栋1单元101" in page
    assert "张*" in page
    assert "张三" not in page
    assert world.zhang_san.id_prefix not in page
    assert world.zhang_san.full_id() not in page
    assert "13955401234" not in page
    assert "李四" not in page
