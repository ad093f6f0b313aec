"""EARS C1, C2 and C3 against the golden values R's surveillance::earsC gave (tests/fixtures/ears/), to 1e-6:
all zeros, a flat series, a spike, a slow rise, a sparse series (with and without minSigma), a series with
missing days and Poisson counts, each with five settings of alpha, baseline and minSigma. Each test takes
one series, method and setting, and lists every day that differs."""

from __future__ import annotations

import math
from itertools import groupby

import pytest

from lianfang.watch import ears
from lianfang.watch.tests.ears_fixtures import Row, load_rows, load_series, same
from lianfang.watch.tests.ears_r_c3 import r_c3

SERIES = load_series()
ROWS = load_rows()


def key(row: Row) -> tuple[str, str, float, int, float]:
    return (row.case, row.method, row.alpha, row.baseline, row.min_sigma)


GROUPS = [list(rows) for _, rows in groupby(ROWS, key=key)]


def label(rows: list[Row]) -> str:
    r = rows[0]
    return f"{r.case}-{r.method}-alpha{r.alpha}-baseline{r.baseline}-minsigma{r.min_sigma}"


def groups_of(*methods: str) -> list[list[Row]]:
    return [g for g in GROUPS if g[0].method in methods]


def ours(rows: list[Row], method: str | None = None) -> list[ears.DaySignal]:
    r = rows[0]
    options = ears.Options(method or r.method, baseline=r.baseline, alpha=r.alpha, min_sigma=r.min_sigma)
    return ears.detect(SERIES[r.case], options)


def test_the_fixtures_cover_every_series_method_and_setting() -> None:
    assert set(SERIES) == {"zeros", "flat", "spike", "slow_rise", "sparse", "gap", "poisson"}
    assert len(GROUPS) == 7 * 3 * 5
    assert sum(r.alarm is True for r in ROWS if r.method != "c3") > 20  # alarms are tested, not only quiet
    assert any(r.alarm is None for r in ROWS) and any(r.upperbound is None for r in ROWS)  # the gaps


@pytest.mark.parametrize("rows", groups_of("c1", "c2"), ids=label)
def test_c1_and_c2_give_earsc_s_expected_value_upper_bound_and_alarm(rows: list[Row]) -> None:
    signals = ours(rows)
    wrong = [
        (r.index + 1, signals[r.index], r)
        for r in rows
        if not (
            same(signals[r.index].observed, r.observed)
            and same(signals[r.index].expected, r.expected)
            and same(signals[r.index].upper, r.upperbound)
            and signals[r.index].alarm is r.alarm
        )
    ]
    assert wrong == []
    first = rows[0].index  # earsC's range starts on the first day with a whole baseline; ours too
    assert all(s.upper is None and s.alarm is None for s in signals[:first])


@pytest.mark.parametrize("rows", groups_of("c3"), ids=label)
def test_the_c2_statistic_is_earsc_s_and_its_0_over_0_is_no_excess(rows: list[Row]) -> None:
    signals = ours(rows, "c2")
    wrong = []
    for r in rows:
        statistic = signals[r.index].statistic
        if r.c2_statistic is not None and math.isnan(r.c2_statistic):
            # R's 0/0 (a flat baseline, minSigma 0, the count on the mean): ours says "no excess".
            ok = statistic == 0.0 and r.observed == r.expected
        else:
            ok = same(statistic, r.c2_statistic)
        if not ok:
            wrong.append((r.index + 1, statistic, r.c2_statistic))
    assert wrong == []


@pytest.mark.parametrize("rows", groups_of("c3"), ids=label)
def test_the_cdc_c3_statistic_and_alarm_agree_with_the_sum_computed_in_r(rows: list[Row]) -> None:
    signals = ours(rows)
    z = ears.Options("c3", alpha=rows[0].alpha).z
    wrong = []
    for r in rows:
        s = signals[r.index]
        if not same(s.expected, r.expected):
            wrong.append((r.index + 1, "expected", s.expected, r.expected))
        if r.c3_statistic is not None and math.isnan(r.c3_statistic):
            # R summed a 0/0: ours counts that day as no excess and gives a number.
            if s.statistic is None or math.isnan(s.statistic):
                wrong.append((r.index + 1, "statistic", s.statistic, r.c3_statistic))
            continue
        if not same(s.statistic, r.c3_statistic):
            wrong.append((r.index + 1, "statistic", s.statistic, r.c3_statistic))
        if s.alarm is not (None if r.c3_statistic is None else r.c3_statistic > z):
            wrong.append((r.index + 1, "alarm", s.alarm, r.c3_statistic))
    assert wrong == []


@pytest.mark.parametrize("rows", groups_of("c3"), ids=label)
def test_earsc_s_own_c3_is_reproduced_exactly_by_the_documented_formula(rows: list[Row]) -> None:
    r0 = rows[0]
    x = SERIES[r0.case]
    wrong = []
    for r in rows:
        upper, alarm = r_c3(x, r.index, baseline=r0.baseline, alpha=r0.alpha, min_sigma=r0.min_sigma)
        if not (same(upper, r.upperbound) and alarm is r.alarm):
            wrong.append((r.index + 1, upper, alarm, r.upperbound, r.alarm))
    assert wrong == []


def test_on_the_first_day_of_a_spike_the_cdc_c3_alarms_and_earsc_s_c3_does_not() -> None:
    (rows,) = [g for g in groups_of("c3") if g[0].case == "spike" and g[0].baseline == 3]
    by_day = {r.index: r for r in rows}
    signals = ours(rows)
    assert by_day[14].observed == 12
    assert by_day[14].alarm is False and signals[14].alarm is True  # R: day t's own excess never counts
    assert [by_day[d].alarm for d in (15, 16)] == [True, True]  # R alarms on the two days after it
    assert [signals[d].alarm for d in (15, 16)] == [True, True]
