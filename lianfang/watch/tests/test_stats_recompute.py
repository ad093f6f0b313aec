"""Computing a day twice gives the same rows; computing it again after the records changed replaces that
day's rows (nothing stale is left) and leaves the other days alone; `StatDay` says how many rows; a day in
the future is refused and writes nothing; a dry run stores nothing."""

from __future__ import annotations

import pytest
import time_machine

from lianfang.access.models import Passage
from lianfang.core.errors import DomainError
from lianfang.watch.models import DailyStat, StatDay
from lianfang.watch.stats import compute_day
from lianfang.watch.tests.conftest import DAY, TODAY, at, days, node, value
from lianfang.watch.tests.random_city import build_city

COLUMNS = ("path", "grid_id", "level", "day", "metric", "value")


def rows(day):
    return sorted(DailyStat.objects.filter(day=day).values_list(*COLUMNS))


@pytest.mark.parametrize("seed", [3, 5])
def test_a_day_computed_twice_gives_identical_rows(db, seed):
    with time_machine.travel(at(TODAY, 9), tick=False):
        build_city(seed, DAY)
        first_count = compute_day(day=DAY)
        first = rows(DAY)
        assert compute_day(day=DAY) == first_count == len(first)
        assert rows(DAY) == first
        assert StatDay.objects.get(day=DAY).rows == first_count


def test_a_day_computed_again_after_a_change_has_no_stale_row_and_other_days_stay(town):
    p = Passage.objects.create(
        gate=town.gate_a, household=town.household_a1, direction="out", decision="refused", code="quota_used",
        server_time=at(DAY, 9), path=town.gate_a.path,
    )  # fmt: skip
    compute_day(day=DAY)
    compute_day(day=DAY - days(1))
    before = rows(DAY - days(1))
    assert value(node(town.grid_a1), "refusal:quota_used") == 1
    p.delete()
    compute_day(day=DAY)
    assert not DailyStat.objects.filter(day=DAY, metric__in=["refusals", "refusal:quota_used"]).exists()
    assert rows(DAY - days(1)) == before
    assert StatDay.objects.count() == 2


def test_a_day_in_the_future_is_refused_and_nothing_is_written(town):
    with pytest.raises(DomainError) as refused:
        compute_day(day=TODAY + days(1))
    assert refused.value.code == "date_in_future"
    assert not DailyStat.objects.exists() and not StatDay.objects.exists()


def test_a_dry_run_counts_the_rows_and_stores_nothing(town):
    written = compute_day(day=DAY, dry_run=True)
    assert not DailyStat.objects.exists() and not StatDay.objects.exists()
    assert written == compute_day(day=DAY) == DailyStat.objects.count()
