"""Options out of range are refused by name, before any series is read."""

from __future__ import annotations

import math

import pytest
from django.utils import translation

from lianfang.core.errors import DomainError
from lianfang.watch import ears

SERIES = [1, 2, 1, 3, 2, 1, 2, 4, 2, 3, 1, 2, 9]


@pytest.mark.parametrize("alpha", [0, 1, -0.1, 1.5, math.nan])
def test_alpha_outside_0_and_1_is_refused(alpha: float) -> None:
    with pytest.raises(DomainError) as refused:
        ears.c1(SERIES, alpha=alpha)
    assert refused.value.code == "alpha_out_of_range"
    assert refused.value.field == "alpha"


@pytest.mark.parametrize("method", ["c1", "c2", "c3"])
def test_a_baseline_under_3_days_is_refused_for_every_ears_method(method: str) -> None:
    with pytest.raises(DomainError) as refused:
        ears.detect(SERIES, ears.Options(method, baseline=2))
    assert refused.value.code == "baseline_too_short"
    assert "3" in str(refused.value.message)


def test_a_baseline_of_3_days_is_the_shortest_accepted() -> None:
    signals = ears.c1(SERIES, baseline=3)
    assert signals[3].upper is not None and signals[2].upper is None


def test_a_baseline_over_a_year_is_refused() -> None:
    with pytest.raises(DomainError) as refused:
        ears.c2(SERIES, baseline=367)
    assert refused.value.code == "baseline_too_long"


@pytest.mark.parametrize("min_sigma", [-0.5, math.inf, math.nan])
def test_a_negative_or_endless_minimum_sigma_is_refused(min_sigma: float) -> None:
    with pytest.raises(DomainError) as refused:
        ears.c3(SERIES, min_sigma=min_sigma)
    assert refused.value.code == "min_sigma_negative"


def test_a_fixed_threshold_needs_a_value_above_0() -> None:
    with pytest.raises(DomainError) as missing:
        ears.detect(SERIES, ears.Options("threshold"))
    assert missing.value.code == "threshold_missing"
    with pytest.raises(DomainError) as zero:
        ears.threshold(SERIES, limit=0)
    assert zero.value.code == "threshold_not_positive"


def test_an_unknown_method_is_refused() -> None:
    with pytest.raises(DomainError) as refused:
        ears.detect(SERIES, ears.Options("farrington"))
    assert refused.value.code == "method_unknown"


def test_the_refusals_are_worded_in_chinese_by_default(settings) -> None:
    # The default language of the site (a request of an earlier test may have left another one active
    # in this thread).
    with pytest.raises(DomainError) as refused:
        ears.c1(SERIES, alpha=2)
    with translation.override(settings.LANGUAGE_CODE):
        assert str(refused.value.message) == "显著性水平 alpha 必须介于 0 和 1 之间。"
