"""`manage.py backfill_stats --from --to` rebuilds each day of a range (at most 366 days, in order, not in the
future) and `manage.py compute_stats [--day]` one day (today by default). Bad input is refused with the
reason in Chinese and English, and nothing is written."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lianfang.watch.models import DailyStat, StatDay
from lianfang.watch.stats import check_range
from lianfang.watch.tests.conftest import DAY, TODAY, days


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_backfill_computes_every_day_of_the_range(town):
    out = run("backfill_stats", "--from", str(DAY - days(2)), "--to", str(DAY))
    assert sorted(StatDay.objects.values_list("day", flat=True)) == [DAY - days(2), DAY - days(1), DAY]
    assert out.splitlines()[0].startswith(f"{DAY - days(2)} ")
    assert "3 days" in out
    assert DailyStat.objects.filter(day=DAY, path=town.city.path, metric="households").get().value == 3


@pytest.mark.parametrize(
    ("start", "end", "code", "english"),
    [
        (str(DAY), str(DAY - days(1)), "stats_range_reversed", "is after the last day"),
        (str(TODAY - days(366)), str(TODAY), "stats_range_too_long", "At most 366 days at a time"),
        (str(TODAY), str(TODAY + days(1)), "date_in_future", "is in the future"),
        ("2026-02-30", str(DAY), "date_invalid", "Enter a valid date."),
        ("yesterday", str(DAY), "date_invalid", "Enter a valid date."),
        ("1899-12-31", str(DAY), "date_out_of_range", "The date must be between"),
    ],
)
def test_backfill_refuses_a_bad_range_in_both_languages_and_writes_nothing(town, start, end, code, english):
    with pytest.raises(CommandError) as refused:
        run("backfill_stats", "--from", start, "--to", end)
    message = str(refused.value)
    assert message.startswith(f"[{code}] ")
    assert english in message
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message)  # and in Chinese
    assert not DailyStat.objects.exists() and not StatDay.objects.exists()


def test_backfill_of_exactly_366_days_is_accepted(town):
    assert len(check_range(TODAY - days(365), TODAY, TODAY)) == 366


def test_compute_stats_computes_today_by_default_and_a_given_day(town):
    assert run("compute_stats").startswith(f"{TODAY} ")
    run("compute_stats", "--day", str(DAY))
    assert set(StatDay.objects.values_list("day", flat=True)) == {TODAY, DAY}


def test_compute_stats_refuses_a_day_in_the_future_and_writes_nothing(town):
    with pytest.raises(CommandError, match="date_in_future"):
        run("compute_stats", "--day", str(TODAY + days(1)))
    assert not StatDay.objects.exists()
