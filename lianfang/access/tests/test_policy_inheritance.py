"""Outing policies are inherited down the area tree; the nearest wins; none means the defaults."""

from lianfang.access.models import OutingPolicy
from lianfang.access.policy import DEFAULT, clear_cache, policy_for_path


def test_defaults_are_the_article_rule(world):
    p = policy_for_path(world.compound_a.path)
    assert (p.exits_per_period, p.period_days, str(p.fever_line)) == (1, 2, "37.3")
    assert p == DEFAULT


def test_city_policy_reaches_every_community(world):
    OutingPolicy.objects.create(area=world.city, exits_per_period=1, period_days=3)
    assert policy_for_path(world.community_a.path).period_days == 3
    assert policy_for_path(world.community_b.path).period_days == 3


def test_nearest_policy_wins(world):
    OutingPolicy.objects.create(area=world.city, period_days=3)
    OutingPolicy.objects.create(area=world.district, period_days=4)
    OutingPolicy.objects.create(area=world.community_a, period_days=1)
    clear_cache()
    assert policy_for_path(world.community_a.path).period_days == 1
    assert policy_for_path(world.community_b.path).period_days == 4
    assert policy_for_path(world.community_b.path).source_area == world.district.code


def test_saving_a_policy_clears_the_cache(world):
    assert policy_for_path(world.community_a.path).period_days == 2
    OutingPolicy.objects.create(area=world.street, period_days=5)
    assert policy_for_path(world.community_a.path).period_days == 5
