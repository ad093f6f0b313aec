"""Aberration detection on a daily count series: EARS C1, C2, C3 and a fixed threshold (pure functions).

C1 and C2 are computed exactly as R's `surveillance::earsC` (1.20.3) computes them; C3 as the CDC defines
it (Hutwagner et al. 2003), which is *not* what earsC computes (see below). The golden values in
`tests/fixtures/ears/` were made by earsC itself; the tests compare with them to 1e-6.

For day t of a series x, with b the baseline (days, >= 3), z = qnorm(1 - alpha) and a baseline window W:

- the expected value is m = mean(x over W) and the spread s = max(sd(x over W), min_sigma), where sd is
  the sample standard deviation (n - 1), as R's `sd`;
- C1: W = the b days before t (t-b .. t-1); C2: W = the b days ending 3 days before t (t-b-2 .. t-3),
  so that the two latest days, perhaps the start of a rise, do not raise their own baseline;
- C1 and C2: upper bound = m + z * s; alarm when x_t > upper (strictly, one-sided: only a rise alarms);
  the statistic (x_t - m) / s. With s = 0 (a flat baseline and min_sigma 0) earsC's upper bound is m,
  so any count above the baseline mean alarms — we do the same; the statistic is then +inf, 0 or -inf;
- C3 (CDC): with e_u = max(0, C2_u - 1), where C2_u = (x_u - m_u) / s_u on u's own C2 baseline,
  the statistic is C3_t = e_t + e_{t-1} + e_{t-2}; alarm when C3_t > z. Expected = m_t (day t's C2
  baseline mean); upper bound = the largest count today that does not alarm, m_t + s_t * (1 + z - L)
  with L = e_{t-1} + e_{t-2}, when L <= z; when L > z the two days before alarm on their own, any count
  today alarms and there is no upper bound (None). With s_u = 0, e_u is +inf when x_u > m_u, else 0.
- threshold: alarm when x_t >= threshold; the upper bound is the threshold, no expected value.

R's C3 (earsC with method "C3") differs: its upper bound is x_t + s_t * (z - L), floored at 0, and it
alarms when x_t > that bound, i.e. when L > z (and the floor has not made the bound equal x_t): day t's
own excess e_t never counts. So earsC's C3 cannot alarm on the first day of a spike, only on the two days
after it, and a day with x_t = 0 never alarms even when the two days before are far out. With s_u = 0
it gives NaN (0/0). Its default alpha for C3 is 0.025 (0.001 for C1 and C2); ours is 0.001 for all
three, so a C3 detector names its alpha (the defaults use 0.025: z = 1.96, close to the CDC's 2).
`tests/ears_r_c3.py` reproduces earsC's C3 and the fixture tests hold both to R's numbers.

Missing days (None: a day whose statistics were never computed). A day's upper bound needs every day its
method reads before it (C1: b days; C2: b days; C3: the C2 baselines of t, t-1, t-2 and the figures of
t-1, t-2); if one is missing, there is no expected value, upper bound or alarm (C3's expected value needs
only day t's own C2 baseline). A missing day itself has no alarm and no statistic, but its expected value
and upper bound when its window is complete. This is what earsC gives with NA (except its C3, whose bound
uses x_t itself). A day without enough history before it (the first b, b+2 or b+4 days of a series) has
neither.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

from django.utils.translation import gettext_lazy as _

from lianfang.core.errors import DomainError

C1, C2, C3, THRESHOLD = "c1", "c2", "c3", "threshold"
METHODS = (C1, C2, C3, THRESHOLD)
EARS_METHODS = (C1, C2, C3)
MIN_BASELINE = 3  # as earsC
MAX_BASELINE = 366  # a bound on input, not a rule of the method

Value = float | int | None


@dataclass(frozen=True)
class Options:
    """A detector's method and options (checked by `check_options`)."""

    method: str
    baseline: int = 7
    alpha: float = 0.001
    min_sigma: float = 0.0
    threshold: float | None = None

    @property
    def history(self) -> int:
        """How many days before the day the method reads."""
        return {C1: self.baseline, C2: self.baseline + 2, C3: self.baseline + 4}.get(self.method, 0)

    @property
    def z(self) -> float:
        return NormalDist().inv_cdf(1 - self.alpha)


@dataclass(frozen=True)
class DaySignal:
    """One day's answer: the observed count, the expected count (the baseline mean), the upper bound, the
    alarm, and the method's statistic (C1/C2: (x - m) / s; C3: the CDC's sum). None where unknown."""

    observed: float | None
    expected: float | None = None
    upper: float | None = None
    alarm: bool | None = None
    statistic: float | None = None


def check_options(options: Options) -> Options:
    """The options, or a DomainError naming the first one that is out of range."""
    if options.method not in METHODS:
        raise DomainError("method_unknown", _("Unknown detection method."), field="method")
    if options.method == THRESHOLD:
        if options.threshold is None:
            raise DomainError("threshold_missing", _("A fixed threshold needs its value."), field="threshold")
        if not (math.isfinite(options.threshold) and options.threshold > 0):
            raise DomainError(
                "threshold_not_positive", _("The threshold must be a number above 0."), field="threshold"
            )
        return options
    if not (isinstance(options.alpha, int | float) and 0 < options.alpha < 1):
        raise DomainError("alpha_out_of_range", _("Alpha must lie between 0 and 1."), field="alpha")
    if options.baseline < MIN_BASELINE:
        raise DomainError(
            "baseline_too_short",
            _("The baseline must be at least {n} days.").format(n=MIN_BASELINE),
            field="baseline",
        )
    if options.baseline > MAX_BASELINE:
        raise DomainError(
            "baseline_too_long",
            _("The baseline may be at most {n} days.").format(n=MAX_BASELINE),
            field="baseline",
        )
    if not (math.isfinite(options.min_sigma) and options.min_sigma >= 0):
        raise DomainError("min_sigma_negative", _("The minimum sigma must be 0 or more."), field="min_sigma")
    return options


def _mean_sd(values: Sequence[Value], t: int, first_lag: int, baseline: int) -> tuple[float, float] | None:
    """Mean and sample standard deviation of the `baseline` days ending `first_lag` days before t; None
    when the window starts before the series or holds a missing day."""
    start = t - first_lag - baseline + 1
    if start < 0:
        return None
    ref = values[start : t - first_lag + 1]
    if any(v is None for v in ref):
        return None
    n = len(ref)
    m = math.fsum(ref) / n  # type: ignore[arg-type]
    var = math.fsum((v - m) ** 2 for v in ref) / (n - 1)  # type: ignore[operator]
    return m, math.sqrt(var)


def _standardized(x: float, m: float, s: float) -> float:
    """(x - m) / s, with s = 0 read as earsC's bound m: +inf above it, -inf below, 0 on it."""
    if s > 0:
        return (x - m) / s
    return math.inf if x > m else (-math.inf if x < m else 0.0)


def _c1_c2(values: Sequence[Value], t: int, o: Options, first_lag: int) -> DaySignal:
    x = values[t]
    base = _mean_sd(values, t, first_lag, o.baseline)
    if base is None:
        return DaySignal(observed=x)
    m, sd = base
    s = max(sd, o.min_sigma)
    upper = m + o.z * s
    if x is None:
        return DaySignal(observed=None, expected=m, upper=upper)
    return DaySignal(observed=x, expected=m, upper=upper, alarm=x > upper, statistic=_standardized(x, m, s))


def _c2_excess(values: Sequence[Value], u: int, o: Options) -> tuple[float, float, float] | None:
    """(e_u, m_u, s_u) of day u on its C2 baseline; None when its figure or its baseline is missing."""
    x = values[u] if u >= 0 else None
    base = _mean_sd(values, u, 3, o.baseline) if u >= 0 else None
    if x is None or base is None:
        return None
    m, sd = base
    s = max(sd, o.min_sigma)
    return max(0.0, _standardized(x, m, s) - 1), m, s


def _c3(values: Sequence[Value], t: int, o: Options) -> DaySignal:
    x = values[t]
    base = _mean_sd(values, t, 3, o.baseline)
    if base is None:
        return DaySignal(observed=x)
    m, sd = base
    lag1, lag2 = _c2_excess(values, t - 1, o), _c2_excess(values, t - 2, o)
    if lag1 is None or lag2 is None:
        return DaySignal(observed=x, expected=m)
    s = max(sd, o.min_sigma)
    z = o.z
    carried = lag1[0] + lag2[0]
    upper = m + s * (1 + z - carried) if carried <= z else None
    if x is None:
        return DaySignal(observed=None, expected=m, upper=upper)
    statistic = max(0.0, _standardized(x, m, s) - 1) + carried
    return DaySignal(observed=x, expected=m, upper=upper, alarm=statistic > z, statistic=statistic)


def _threshold(values: Sequence[Value], t: int, o: Options) -> DaySignal:
    x = values[t]
    limit = float(o.threshold)  # type: ignore[arg-type]
    if x is None:
        return DaySignal(observed=None, upper=limit)
    return DaySignal(observed=x, upper=limit, alarm=x >= limit)


def signal_on(values: Sequence[Value], t: int, options: Options) -> DaySignal:
    """The signal of day t (an index into `values`; earlier days are its history). Options must have
    passed `check_options`."""
    if options.method == C1:
        return _c1_c2(values, t, options, 1)
    if options.method == C2:
        return _c1_c2(values, t, options, 3)
    if options.method == C3:
        return _c3(values, t, options)
    return _threshold(values, t, options)


def detect(values: Sequence[Value], options: Options) -> list[DaySignal]:
    """The signal of every day of the series (the first days lack history: no bound, no alarm)."""
    check_options(options)
    return [signal_on(values, t, options) for t in range(len(values))]


def c1(
    values: Sequence[Value], *, baseline: int = 7, alpha: float = 0.001, min_sigma: float = 0.0
) -> list[DaySignal]:
    return detect(values, Options(C1, baseline=baseline, alpha=alpha, min_sigma=min_sigma))


def c2(
    values: Sequence[Value], *, baseline: int = 7, alpha: float = 0.001, min_sigma: float = 0.0
) -> list[DaySignal]:
    return detect(values, Options(C2, baseline=baseline, alpha=alpha, min_sigma=min_sigma))


def c3(
    values: Sequence[Value], *, baseline: int = 7, alpha: float = 0.001, min_sigma: float = 0.0
) -> list[DaySignal]:
    return detect(values, Options(C3, baseline=baseline, alpha=alpha, min_sigma=min_sigma))


def threshold(values: Sequence[Value], *, limit: float) -> list[DaySignal]:
    return detect(values, Options(THRESHOLD, threshold=limit))
