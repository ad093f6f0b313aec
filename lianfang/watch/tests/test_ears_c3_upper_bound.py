"""The CDC's C3 upper bound is the largest count that does not alarm: a day alarms exactly when its count is
above it, and a count on it gives the statistic z; when the two days before already sum above z, every
count alarms and there is no bound."""

from __future__ import annotations

import math

import pytest

from lianfang.watch import ears
from lianfang.watch.tests.ears_fixtures import load_series

SETTINGS = [(0.001, 7, 0.0), (0.025, 3, 0.0), (0.01, 5, 1.0), (0.05, 7, 0.5)]


@pytest.mark.parametrize("case", sorted(load_series()))
@pytest.mark.parametrize(("alpha", "baseline", "min_sigma"), SETTINGS)
def test_a_day_alarms_exactly_when_its_count_is_above_the_upper_bound(
    case: str, alpha: float, baseline: int, min_sigma: float
) -> None:
    values = load_series()[case]
    options = ears.Options("c3", baseline=baseline, alpha=alpha, min_sigma=min_sigma)
    for t, s in enumerate(ears.detect(values, options)):
        if s.alarm is None:
            continue
        if s.upper is None:
            assert s.alarm is True
        else:
            assert s.alarm is (s.observed > s.upper), t  # type: ignore[operator]
            at_bound = list(values)
            at_bound[t] = s.upper
            statistic = ears.signal_on(at_bound, t, options).statistic
            assert statistic is not None
            assert statistic <= options.z + 1e-9
            if s.upper > s.expected + 1e-9:  # type: ignore[operator]
                assert math.isclose(statistic, options.z, abs_tol=1e-9)


def test_after_two_days_far_above_the_baseline_even_a_zero_alarms() -> None:
    values = [2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 20, 20, 0]
    s = ears.c3(values, alpha=0.025)[-1]
    assert s.upper is None and s.alarm is True and s.observed == 0
