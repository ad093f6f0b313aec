"""respond_minutes_at: the response times of many paths in one query, each from the deepest policy on its
path (as respond_minutes, which uses it), else the kind's default."""

from lianfang.core.alerts import DEFAULT_RESPOND_MINUTES, respond_minutes_at
from lianfang.core.models import AlertKind, AlertPolicy


def test_each_path_takes_its_deepest_policy_in_one_query(world, django_assert_num_queries):
    AlertPolicy.objects.create(area=world.city, kind=AlertKind.EARLY_WARNING, respond_minutes=90)
    AlertPolicy.objects.create(area=world.community_a, kind=AlertKind.EARLY_WARNING, respond_minutes=20)
    AlertPolicy.objects.create(area=world.community_b, kind=AlertKind.FEVER, respond_minutes=5)
    paths = [world.community_a.path, f"{world.community_a.path}g7.", world.community_b.path, "999999."]
    with django_assert_num_queries(1):
        minutes = respond_minutes_at(paths, AlertKind.EARLY_WARNING)
    assert minutes == {
        world.community_a.path: 20,
        f"{world.community_a.path}g7.": 20,
        world.community_b.path: 90,  # B's own policy is for another kind: the city's
        "999999.": DEFAULT_RESPOND_MINUTES[AlertKind.EARLY_WARNING],
    }
