"""A missing day (None: statistics never computed) never counts as zero: a day whose window holds one has
no upper bound and no alarm, a missing day itself no alarm; the rest of the series is unaffected."""

from __future__ import annotations

from lianfang.watch import ears

FLAT = [2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3]


def with_gap(at: int) -> list[float | None]:
    values: list[float | None] = list(FLAT)
    values[at] = None
    return values


def test_c1_has_no_bound_for_the_7_days_after_a_missing_day_and_a_bound_again_on_the_8th() -> None:
    signals = ears.c1(with_gap(5))
    assert [signals[t].upper is None for t in range(6, 14)] == [True] * 7 + [False]
    assert signals[13].alarm is False


def test_the_missing_day_itself_has_its_bound_but_no_alarm() -> None:
    signals = ears.c1(with_gap(10))
    assert signals[10].observed is None
    assert signals[10].upper == ears.c1(FLAT)[10].upper
    assert signals[10].alarm is None and signals[10].statistic is None


def test_c2_skips_the_two_days_before_so_a_gap_there_does_not_matter() -> None:
    signals = ears.c2(with_gap(12))
    assert signals[13].upper is not None and signals[14].upper is not None  # day 12 is t-1, t-2 of them
    assert signals[15].upper is None  # day 12 is in the baseline of day 15 (t-3)


def test_c3_needs_the_figures_of_the_two_days_before() -> None:
    signals = ears.c3(with_gap(12))
    assert signals[13].upper is None and signals[14].upper is None
    assert signals[13].expected is not None  # day 13's own C2 baseline is complete
    assert signals[13].alarm is None


def test_a_missing_day_is_not_read_as_zero() -> None:
    as_zero = ears.c1([0 if v is None else v for v in with_gap(5)])
    assert as_zero[8].upper is not None and ears.c1(with_gap(5))[8].upper is None
