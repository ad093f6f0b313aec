"""What every scan reads about its gate, device and outing policy is kept in Django's cache `gate` (each
process's own memory) for a few seconds: a save empties it in its process at once; a change made by another
process (here an UPDATE, which sends no signal) is seen once the entries expire."""

import datetime

import time_machine

from lianfang.access import gatecache, policy
from lianfang.access.models import GateDevice, OutingPolicy
from lianfang.access.services import create_gate_device
from lianfang.places.models import Gate

NOON = datetime.datetime(2026, 3, 2, 12, 0, tzinfo=datetime.UTC)


def later(seconds: float) -> datetime.datetime:
    return NOON + datetime.timedelta(seconds=seconds)


def test_the_gate_cache_is_local_memory_never_a_shared_backend(settings):
    assert settings.CACHES[gatecache.CACHE]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_a_policy_read_once_is_not_read_again_until_it_expires(world, django_assert_num_queries):
    with time_machine.travel(NOON, tick=False) as clock:
        assert policy.policy_for_path(world.community_a.path).period_days == 2
        with django_assert_num_queries(0):
            policy.policy_for_path(world.community_a.path)
        clock.move_to(later(policy.CACHE_SECONDS + 1))
        with django_assert_num_queries(1):
            policy.policy_for_path(world.community_a.path)


def test_a_policy_changed_by_another_process_is_seen_within_its_seconds(world):
    set_here = OutingPolicy.objects.create(area=world.street, period_days=3)
    with time_machine.travel(NOON, tick=False) as clock:
        assert policy.policy_for_path(world.community_a.path).period_days == 3
        OutingPolicy.objects.filter(pk=set_here.pk).update(period_days=5)  # no signal, as elsewhere
        clock.move_to(later(policy.CACHE_SECONDS - 1))
        assert policy.policy_for_path(world.community_a.path).period_days == 3
        clock.move_to(later(policy.CACHE_SECONDS + 1))
        assert policy.policy_for_path(world.community_a.path).period_days == 5


def test_saving_a_policy_here_is_seen_at_once(world):
    with time_machine.travel(NOON, tick=False):
        assert policy.policy_for_path(world.community_a.path).period_days == 2
        OutingPolicy.objects.create(area=world.community_a, period_days=4)
        assert policy.policy_for_path(world.community_a.path).period_days == 4


def test_a_gate_closed_by_another_process_is_seen_within_its_seconds(world):
    with time_machine.travel(NOON, tick=False) as clock:
        assert gatecache.for_gate(world.gate_a.pk).is_open
        Gate.objects.filter(pk=world.gate_a.pk).update(is_open=False)
        clock.move_to(later(gatecache.CACHE_SECONDS - 1))
        assert gatecache.for_gate(world.gate_a.pk).is_open
        clock.move_to(later(gatecache.CACHE_SECONDS + 1))
        assert not gatecache.for_gate(world.gate_a.pk).is_open


def test_a_device_revoked_here_stops_at_once_and_an_unknown_token_is_remembered(
    world, django_assert_num_queries
):
    device, raw = create_gate_device(gate=world.gate_a, name="kiosk")
    with time_machine.travel(NOON, tick=False):
        assert gatecache.for_device_token(raw).device_id == device.pk
        device.revoked_at = NOON
        device.save()
        assert gatecache.for_device_token(raw) is None
        GateDevice.objects.filter(pk=device.pk).update(revoked_at=None)  # unrevoked by another process
        with django_assert_num_queries(0):
            assert gatecache.for_device_token(raw) is None  # the refusal is cached too
