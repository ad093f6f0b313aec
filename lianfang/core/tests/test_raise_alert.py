"""Raising alerts (core.alerts): the same signal is one alert, each new alert has its 'raised' step and the
response time of its kind from the nearest policy on its path."""

import datetime

from lianfang.core.alerts import DEFAULT_RESPOND_MINUTES, new_alert, raise_alert, raise_alerts
from lianfang.core.models import Alert, AlertEventKind, AlertKind, AlertPolicy


def fever(world, key="fever:1:2026-02-10", **more):
    return dict(kind=AlertKind.FEVER, title="发热", path=world.community_a.path, dedup_key=key, **more)


def test_the_same_signal_twice_is_one_alert(world):
    first = raise_alert(**fever(world))
    again = raise_alert(**fever(world))
    assert first is not None and again is None
    assert Alert.objects.count() == 1
    assert list(first.events.values_list("kind", flat=True)) == [AlertEventKind.RAISED]


def test_a_batch_saves_each_new_key_once_and_alerts_without_a_key_always(world):
    raise_alert(**fever(world, key="k1"))
    saved = raise_alerts(
        [
            new_alert(**fever(world, key="k1")),
            new_alert(**fever(world, key="k2")),
            new_alert(**fever(world, key="k2")),
            new_alert(**fever(world, key=None)),
            new_alert(**fever(world, key=None)),
        ]
    )
    assert sorted(str(a.dedup_key) for a in saved) == ["None", "None", "k2"]
    assert Alert.objects.count() == 4


def test_response_time_comes_from_the_nearest_policy_on_the_path(world):
    at = datetime.datetime(2026, 2, 10, 1, 0, tzinfo=datetime.UTC)
    default = raise_alert(**fever(world, key="a", created_at=at))
    assert default.respond_by == at + datetime.timedelta(minutes=DEFAULT_RESPOND_MINUTES[AlertKind.FEVER])
    assert default.handler_path == world.community_a.path

    AlertPolicy.objects.create(area=world.city, kind=AlertKind.FEVER, respond_minutes=90)
    AlertPolicy.objects.create(area=world.street, kind=AlertKind.FEVER, respond_minutes=15)
    AlertPolicy.objects.create(area=world.community_b, kind=AlertKind.FEVER, respond_minutes=5)
    street = raise_alert(**fever(world, key="b", created_at=at))
    assert street.respond_by == at + datetime.timedelta(minutes=15)
    other_kind = raise_alert(**{**fever(world, key="c", created_at=at), "kind": AlertKind.CASE})
    assert other_kind.respond_by == at + datetime.timedelta(minutes=DEFAULT_RESPOND_MINUTES[AlertKind.CASE])


def test_a_signal_raised_again_with_a_note_is_a_step_of_the_first_alert(world):
    first = raise_alert(**fever(world), again_note="11:30 38.4 °C")
    assert raise_alert(**fever(world), again_note="14:00 38.9 °C") is None
    assert raise_alert(**fever(world)) is None  # without a note: nothing at all
    steps = list(first.events.values_list("kind", "note"))
    assert steps == [(AlertEventKind.RAISED, ""), (AlertEventKind.REPEATED, "14:00 38.9 °C")]


def test_raising_costs_one_statement_and_a_policy_change_applies_at_once(world, django_assert_num_queries):
    raise_alert(**fever(world, key="warm"))  # reads the response times into the cache
    with django_assert_num_queries(1):
        alert = raise_alert(**fever(world, key="k"))
    assert alert.respond_by - alert.created_at == datetime.timedelta(minutes=30)
    policy = AlertPolicy.objects.create(area=world.street, kind=AlertKind.FEVER, respond_minutes=12)
    alert = raise_alert(**fever(world, key="k2"))
    assert alert.respond_by - alert.created_at == datetime.timedelta(minutes=12)
    policy.delete()
    alert = raise_alert(**fever(world, key="k3"))
    assert alert.respond_by - alert.created_at == datetime.timedelta(minutes=30)
