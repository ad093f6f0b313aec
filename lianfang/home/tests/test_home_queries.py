from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lianfang.places.models import Area, AreaLevel, Compound
from lianfang.places.services import ensure_household


def add_district(world, code: str) -> None:
    district = Area.objects.create(
        code=code,
        name=f"区{code}",
        level=AreaLevel.DISTRICT,
        parent=world.city,
        path=Area.child_path(world.city, code),
    )
    community = Area.objects.create(
        code=code + "001001",
        name=f"社区{code}",
        level=AreaLevel.COMMUNITY,
        parent=district,
        path=Area.child_path(district, code + "001001"),
    )
    compound = Compound.objects.create(community=community, name=f"小区{code}", path=community.path)
    ensure_household(compound=compound, building="1", unit="1", room="101")


def count_home_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("home")).status_code == 200
    return len(ctx.captured_queries)


def test_command_home_costs_the_same_for_one_child_area_or_many(world, login):
    client = login(world.commander)
    one_child = count_home_queries(client)
    for code in ("340402", "340404", "340405", "340406", "340421"):
        add_district(world, code)
    six_children = count_home_queries(client)
    assert six_children == one_child


def test_command_home_query_budget(world, login, django_assert_max_num_queries):
    # The dashboard (home.dashboard): session, user, area, then eight reads (computed days, the city's
    # figures, open alerts, risk levels, reports missing, the districts and their figures, alarms).
    client = login(world.commander)
    with django_assert_max_num_queries(13):  # the dashboard's 11, the header's open alert count, the notices
        client.get(reverse("home"))


# Community, health and grid homes open with the care board (care.queries.worker_board: six queries
# whatever the number of households in care).
def test_community_home_query_budget(world, login, django_assert_max_num_queries):
    client = login(world.staff_a)
    with django_assert_max_num_queries(14):  # with the notices to the account
        client.get(reverse("home"))


def test_grid_home_query_budget(world, login, django_assert_max_num_queries):
    client = login(world.grid_a1_worker)
    with django_assert_max_num_queries(17):  # with the notices to the account and the door-to-door tasks
        client.get(reverse("home"))
